/**
 * What the simulator drives: anything with the sans-I/O endpoint shape.
 * The shapes are structural, so the transport's `Endpoint` fits without
 * this package importing it.
 *
 * @module
 */
import type { Ecn } from "./ecn.js";

/** A UDP socket address: an IP literal (`"10.0.0.1"`, `"::1"`) and a port. */
export interface SocketAddress {
  readonly address: string;
  readonly port: number;
}

/** The addresses a datagram travelled between, from the receiver's point of view. */
export interface NetworkPath {
  readonly local: SocketAddress;
  readonly remote: SocketAddress;
}

/** A datagram an endpoint wants sent. Without `path.local` it leaves from the node's first address. */
export interface Transmit {
  readonly data: Uint8Array;
  readonly path: { readonly local?: SocketAddress; readonly remote: SocketAddress };
  /** The ECN codepoint to send with; Not-ECT when absent. */
  readonly ecn?: Ecn;
}

/** A sans-I/O endpoint: fed datagrams and time, asked for datagrams and its next deadline. */
export interface SimEndpoint {
  /** A datagram arrived at `now` on `path` with ECN codepoint `ecn`. */
  handleDatagram(now: number, datagram: Uint8Array, path: NetworkPath, ecn?: Ecn): void;
  /** The next datagram to send, or `null`; the network calls it until `null`. */
  pollTransmit(now: number): Transmit | null;
  /** The absolute virtual time (ms) at which the endpoint wants {@link SimEndpoint.handleTimeout}, if any. */
  pollTimeout(): number | undefined;
  /** The deadline from {@link SimEndpoint.pollTimeout} has passed. */
  handleTimeout(now: number): void;
}

/** A string naming a socket address, for maps and traces: `"10.0.0.1:443"`, `"[::1]:443"`. */
export function addressKey(address: SocketAddress): string {
  return address.address.includes(":") ? `[${address.address}]:${address.port}` : `${address.address}:${address.port}`;
}
