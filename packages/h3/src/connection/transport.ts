/**
 * The QUIC transport as an HTTP/3 connection uses it.
 *
 * @module
 */
import type { Connection } from "@zquic/quic";

/**
 * What an `H3Connection` needs from a QUIC connection. `@zquic/quic`'s `Connection` is one;
 * a test or an intermediary may pass a wrapper. Its events are fed to
 * `H3Connection.handleEvent` by the caller.
 */
export type H3Transport = Pick<
  Connection,
  | "role"
  | "openStream"
  | "streamWrite"
  | "streamFinish"
  | "streamRead"
  | "streamReset"
  | "streamStopSending"
  | "streamWritable"
  | "setStreamPriority"
  | "sendDatagram"
  | "maxDatagramPayload"
  | "close"
>;
