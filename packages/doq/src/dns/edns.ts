import type { Reader, Writer } from "@zquic/wire";
import { DnsError } from "./errors.js";
import { U16_MAX, checkField } from "./field-checks.js";
import type { Name } from "./name.js";
import { RRType } from "./rr-type.js";

/** RFC 6891 §6.1.2 and the IANA registry: EDNS option codes this package names. */
export const EdnsOptionCode = {
  NSID: 3,
  CLIENT_SUBNET: 8,
  COOKIE: 10,
  TCP_KEEPALIVE: 11,
  /** RFC 7830 */
  PADDING: 12,
  EXTENDED_DNS_ERROR: 15,
} as const;

/** RFC 6891 §6.1.2: one {attribute, value} pair of the OPT RDATA. */
export interface EdnsOption {
  code: number;
  data: Uint8Array;
}

/**
 * RFC 6891 §6.1: the OPT pseudo-RR, lifted out of the additional section. The
 * extended RCODE bits live in the message's 12-bit `rcode`.
 */
export interface Edns {
  /** Requestor's UDP payload size (the OPT CLASS field). */
  udpPayloadSize: number;
  /** EDNS VERSION; 0 is the only one defined. */
  version: number;
  /** RFC 3225: DNSSEC OK. */
  dnssecOk: boolean;
  /** The options, in wire order. */
  options: EdnsOption[];
}

/** RFC 6891 §6.2.5: a sensible payload size to advertise (the 2020 DNS flag day value). */
export const DEFAULT_UDP_PAYLOAD_SIZE = 1232;

const DNSSEC_OK = 0x8000;

/** The OPT record's fields after its TYPE, as read by the message decoder. */
export interface OptFields {
  name: Name;
  /** The CLASS field. */
  class: number;
  /** The TTL field. */
  ttl: number;
  rdata: Reader;
}

/**
 * RFC 6891 §6.1.2–6.1.3: EDNS from an OPT record, and the upper 8 bits of the
 * extended RCODE it carries.
 */
export function readEdns(opt: OptFields): { edns: Edns; rcodeHigh: number } {
  if (!opt.name.isRoot) throw new DnsError("bad-rdata", "OPT owner name must be the root");
  const options: EdnsOption[] = [];
  while (!opt.rdata.done) {
    const code = opt.rdata.u16();
    options.push({ code, data: opt.rdata.prefixedBytes(2).slice() });
  }
  const edns = {
    udpPayloadSize: opt.class,
    version: (opt.ttl >>> 16) & 0xff,
    dnssecOk: (opt.ttl & DNSSEC_OK) !== 0,
    options,
  };
  return { edns, rcodeHigh: opt.ttl >>> 24 };
}

/** Writes `edns` as an OPT record carrying `rcodeHigh`, the upper bits of the RCODE. */
export function writeEdns(writer: Writer, edns: Edns, rcodeHigh: number): void {
  checkField(edns.udpPayloadSize, U16_MAX, "EDNS UDP payload size");
  checkField(edns.version, 0xff, "EDNS version");
  const ttl = ((rcodeHigh << 24) | (edns.version << 16) | (edns.dnssecOk ? DNSSEC_OK : 0)) >>> 0;
  writer.u8(0).u16(RRType.OPT).u16(edns.udpPayloadSize).u32(ttl);
  writer.prefixed(2, () => {
    for (const option of edns.options) {
      checkField(option.code, U16_MAX, "EDNS option code");
      writer.u16(option.code).prefixedBytes(2, option.data);
    }
  });
}
