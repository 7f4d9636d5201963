/**
 * Addresses, paths and ECN codepoints as the transport sees them. The shapes
 * are structural so any I/O layer (or the simulator) can supply them.
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
