/**
 * Stream calls a DoQ session makes on the transport. Events the application
 * has not fed the session yet (a peer's STOP_SENDING, the connection
 * closing) can make a call moot; such a call then does nothing.
 *
 * @module
 */
import type { Connection } from "@zquic/quic";
import { ZquicError } from "@zquic/wire";

/** True while `connection` takes stream calls: neither closing, draining nor closed. */
export function acceptsStreamCalls(connection: Connection): boolean {
  return connection.isOpen;
}

/** `connection.streamWrite`; 0 when the connection or the stream no longer takes data. */
export function writeStream(connection: Connection, streamId: number, data: Uint8Array, fin: boolean): number {
  return attempt(connection, () => connection.streamWrite(streamId, data, fin)) ?? 0;
}

/** `connection.streamReset`, when the stream still sends. */
export function resetStream(connection: Connection, streamId: number, errorCode: number): void {
  attempt(connection, () => connection.streamReset(streamId, errorCode));
}

/** `connection.streamStopSending`, when the stream still receives. */
export function stopSending(connection: Connection, streamId: number, errorCode: number): void {
  attempt(connection, () => connection.streamStopSending(streamId, errorCode));
}

function attempt<T>(connection: Connection, call: () => T): T | undefined {
  if (!acceptsStreamCalls(connection)) return undefined;
  try {
    return call();
  } catch (error) {
    if (error instanceof ZquicError) return undefined;
    throw error;
  }
}
