/**
 * What the simulator drives: anything with the sans-I/O endpoint shape.
 * The shapes are structural, so the transport's `Endpoint` fits without
 * this package importing it.
 *
 * @module
 */
import type { Ecn, NetworkPath, Transmit } from "@zquic/wire";

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
