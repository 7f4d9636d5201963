import type { Reader, Writer } from "@zquic/wire";

/** RFC 1035 §4.1.1 (AD and CD: RFC 4035 §3.2): the one-bit header flags. */
export interface HeaderFlags {
  /** Response (true) or query. */
  qr: boolean;
  /** Authoritative Answer. */
  aa: boolean;
  /** TrunCation. */
  tc: boolean;
  /** Recursion Desired. */
  rd: boolean;
  /** Recursion Available. */
  ra: boolean;
  /** Authentic Data. */
  ad: boolean;
  /** Checking Disabled. */
  cd: boolean;
}

/** RFC 1035 §4.1.1: the 12-octet header. `rcode` here is only its low 4 bits. */
export interface Header extends HeaderFlags {
  id: number;
  opcode: number;
  rcode: number;
  qdcount: number;
  ancount: number;
  nscount: number;
  arcount: number;
}

/** Octets in a header. */
export const HEADER_LENGTH = 12;

// Bit positions in the second 16-bit word; Z (0x0040) is reserved and written as zero.
const FLAG_BITS: Readonly<Record<keyof HeaderFlags, number>> = {
  qr: 0x8000,
  aa: 0x0400,
  tc: 0x0200,
  rd: 0x0100,
  ra: 0x0080,
  ad: 0x0020,
  cd: 0x0010,
};
const FLAG_NAMES = Object.keys(FLAG_BITS) as (keyof HeaderFlags)[];

/** Reads a header (throws the reader's WireError when fewer than 12 octets remain). */
export function readHeader(reader: Reader): Header {
  const id = reader.u16();
  const word = reader.u16();
  const flag = (name: keyof HeaderFlags): boolean => (word & FLAG_BITS[name]) !== 0;
  return {
    id,
    qr: flag("qr"),
    aa: flag("aa"),
    tc: flag("tc"),
    rd: flag("rd"),
    ra: flag("ra"),
    ad: flag("ad"),
    cd: flag("cd"),
    opcode: (word >>> 11) & 0xf,
    rcode: word & 0xf,
    qdcount: reader.u16(),
    ancount: reader.u16(),
    nscount: reader.u16(),
    arcount: reader.u16(),
  };
}

/** Writes `header`; values are masked to their field widths by the caller's checks. */
export function writeHeader(writer: Writer, header: Header): void {
  let word = ((header.opcode & 0xf) << 11) | (header.rcode & 0xf);
  for (const flag of FLAG_NAMES) if (header[flag]) word |= FLAG_BITS[flag];
  writer
    .u16(header.id)
    .u16(word)
    .u16(header.qdcount)
    .u16(header.ancount)
    .u16(header.nscount)
    .u16(header.arcount);
}
