/**
 * What `io` needs from a runtime: a UDP socket and name resolution. Each
 * adapter (`@zquic/node`, `@zquic/deno`, `@zquic/bun`) supplies one
 * {@link Runtime}; nothing else in `io` is runtime-specific.
 *
 * @module
 */
import type { Ecn, SocketAddress } from "@zquic/quic";

/** A datagram that arrived on a socket. */
export interface ReceivedDatagram {
  readonly data: Uint8Array;
  /** Who sent it. */
  readonly remote: SocketAddress;
  /** The ECN codepoint of its IP header, when the runtime reports it. */
  readonly ecn?: Ecn;
}

/** A datagram to send. */
export interface OutgoingDatagram {
  readonly data: Uint8Array;
  readonly remote: SocketAddress;
  /** The ECN codepoint to mark it with; ignored by sockets whose `ecn` is false. */
  readonly ecn?: Ecn;
}

/** A bound UDP socket. */
export interface DatagramSocket {
  /** The address and port the socket is bound to. */
  readonly localAddress: SocketAddress;
  /** True when the socket marks outgoing ECN and reports incoming ECN (RFC 9000 §13.4). */
  readonly ecn: boolean;
  /**
   * Sends a batch of datagrams. A datagram the system refuses is dropped, as
   * the network may drop it: QUIC's loss recovery covers it.
   */
  send(batch: readonly OutgoingDatagram[]): void;
  /** Stops receiving and releases the socket. */
  close(): Promise<void>;
}

/** Called for every datagram a socket receives. */
export type DatagramHandler = (datagram: ReceivedDatagram) => void;

/** The runtime services `io` runs on. */
export interface Runtime {
  /** Binds a UDP socket to `local` (port 0: any free port) and delivers what it receives to `onDatagram`. */
  bind(local: SocketAddress, onDatagram: DatagramHandler): Promise<DatagramSocket>;
  /** Resolves a host name to an IP address literal. */
  lookup(host: string): Promise<string>;
}
