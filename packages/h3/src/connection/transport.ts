/**
 * The QUIC transport as an HTTP/3 connection uses it.
 *
 * @module
 */
import type { Connection } from "@zquic/quic";
import { ZquicError } from "@zquic/wire";

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

/**
 * Transport errors that mean a stream part is gone — reset after the peer's STOP_SENDING,
 * closed, or the connection closed — before this side processed the event saying so.
 */
const GONE = new Set(["STREAM_FINISHED", "STREAM_UNKNOWN", "CONNECTION_CLOSED"]);

/**
 * Runs a transport call on a stream that may be gone already (its event not yet handled):
 * `undefined` then, instead of the transport's error.
 */
export function unlessGone<T>(call: () => T): T | undefined {
  try {
    return call();
  } catch (e) {
    if (e instanceof ZquicError && GONE.has(e.code)) return undefined;
    throw e;
  }
}
