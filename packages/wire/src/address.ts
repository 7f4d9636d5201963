/**
 * The envelope of a datagram: socket addresses, the path it travelled and its
 * ECN codepoint. Structural shapes, so the transport, the simulator and any I/O
 * layer agree on them without depending on each other.
 *
 * @module
 */

/** A UDP socket address: an IP literal (`"127.0.0.1"`, `"::1"`) and a port. */
export interface SocketAddress {
  readonly address: string;
  readonly port: number;
}

/** The four-tuple a datagram travelled on, from this endpoint's point of view. */
export interface NetworkPath {
  readonly local: SocketAddress;
  readonly remote: SocketAddress;
}

/**
 * The ECN codepoint of the IP header (RFC 3168): 0 Not-ECT, 1 ECT(1), 2 ECT(0), 3 CE.
 */
export type Ecn = 0 | 1 | 2 | 3;

/** Named ECN codepoints. */
export const EcnCodepoint = { NotEct: 0, Ect1: 1, Ect0: 2, Ce: 3 } as const satisfies Record<string, Ecn>;

/** True for an ECN-capable transport codepoint, the only ones a router may mark CE (RFC 3168 §5). */
export function isEct(ecn: Ecn | undefined): boolean {
  return ecn === EcnCodepoint.Ect0 || ecn === EcnCodepoint.Ect1;
}

/** A datagram to send. `path.local` is absent when the socket's own address is meant. */
export interface Transmit {
  readonly data: Uint8Array;
  readonly path: { readonly local?: SocketAddress; readonly remote: SocketAddress };
  readonly ecn?: Ecn;
}

/** A string that identifies an address, for maps: `"[::1]:443"` or `"127.0.0.1:443"`. */
export function addressKey(address: SocketAddress): string {
  return address.address.includes(":") ? `[${address.address}]:${address.port}` : `${address.address}:${address.port}`;
}

/** True when both name the same IP and port. */
export function sameAddress(a: SocketAddress, b: SocketAddress): boolean {
  return a.port === b.port && a.address === b.address;
}

/** The 4 or 16 bytes of an IP literal, or undefined when it is not one (IPv6 `::` shorthand and embedded IPv4 allowed). */
export function ipToBytes(address: string): Uint8Array | undefined {
  if (!address.includes(":")) {
    const parts = address.split(".");
    if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
    return Uint8Array.from(parts.map(Number));
  }
  const [head = "", tail, ...extra] = address.split("::");
  if (extra.length > 0) return undefined;
  const groups = (text: string): number[] | undefined => {
    if (text === "") return [];
    const out: number[] = [];
    for (const part of text.split(":")) {
      if (part.includes(".")) {
        const v4 = ipToBytes(part);
        if (v4 === undefined) return undefined;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) out.push(parseInt(part, 16));
      else return undefined;
    }
    return out;
  };
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  if (left === undefined || right === undefined) return undefined;
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return undefined;
  const all = [...left, ...new Array<number>(tail === undefined ? 0 : missing).fill(0), ...right];
  const bytes = new Uint8Array(16);
  all.forEach((group, i) => {
    bytes[2 * i] = group >> 8;
    bytes[2 * i + 1] = group & 0xff;
  });
  return bytes;
}

/** The textual form of 4 or 16 address bytes (IPv6 without `::` compression). */
export function bytesToIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join(".");
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return groups.join(":");
}
