/**
 * The errors the async API rejects with: the connection ended, or a stream
 * was reset or stopped by the peer.
 *
 * @module
 */
import { ZquicError, transportErrorName } from "@zquic/wire";
import type { CloseReason } from "@zquic/quic";

/** Who ended a connection. */
export type CloseInitiator = CloseReason["initiator"];

/**
 * The connection is over: pending and later operations on it reject with
 * this. `closeCode` is the application's code when `application` is true,
 * otherwise an RFC 9000 §20.1 transport error code.
 */
export class QuicConnectionError extends ZquicError {
  override name = "QuicConnectionError";
  readonly closeCode: number;
  readonly application: boolean;
  readonly reason: string;
  readonly initiator: CloseInitiator;

  /** `applicationCodeName` names the application protocol's close codes in the message. */
  constructor(close: CloseReason, applicationCodeName: (code: number) => string = (code) => `application code ${code}`) {
    super("CONNECTION_CLOSED", describeClose(close, applicationCodeName));
    this.closeCode = close.code;
    this.application = close.application;
    this.reason = close.reason;
    this.initiator = close.initiator;
  }
}

const initiatorText: Record<CloseInitiator, string> = {
  local: "closed locally",
  remote: "closed by the peer",
  idle: "timed out (no packets within the idle timeout)",
  stateless_reset: "reset by the peer (stateless reset: it lost the connection's state)",
  version_negotiation: "refused: no QUIC version in common",
};

function describeClose(close: CloseReason, applicationCodeName: (code: number) => string): string {
  const code = close.application ? applicationCodeName(close.code) : transportErrorName(close.code);
  const reason = close.reason === "" ? "" : `: ${close.reason}`;
  return `connection ${initiatorText[close.initiator]} (${code})${reason}`;
}

/** How a stream ended abruptly. */
export type StreamErrorSource = "reset" | "stop_sending";

/**
 * The peer abandoned a stream: it reset its sending part (RESET_STREAM, seen
 * by a reader) or asked us to stop sending (STOP_SENDING, seen by a writer).
 */
export class QuicStreamError extends ZquicError {
  override name = "QuicStreamError";

  constructor(
    readonly source: StreamErrorSource,
    readonly streamId: number,
    /** The application error code the peer gave. */
    readonly streamErrorCode: number,
  ) {
    super(
      source === "reset" ? "STREAM_RESET" : "STREAM_STOPPED",
      source === "reset"
        ? `stream ${streamId} was reset by the peer with code ${streamErrorCode}; the data it sent after what was read is lost`
        : `the peer stopped reading stream ${streamId} with code ${streamErrorCode}; writes to it are discarded`,
    );
  }
}

/**
 * A close is graceful when an application closed the connection (with any
 * code) or either side closed it with NO_ERROR; idle timeouts, stateless
 * resets and transport errors are abrupt.
 */
export function isGracefulClose(close: CloseReason): boolean {
  if (close.initiator !== "local" && close.initiator !== "remote") return false;
  return close.application || close.code === 0;
}

/** The application error code an abort or cancel reason carries in `streamErrorCode` (as WebTransport's errors do), else 0. */
export function errorCodeOf(reason: unknown): number {
  if (typeof reason !== "object" || reason === null) return 0;
  const record = reason as { streamErrorCode?: unknown };
  const code = record.streamErrorCode;
  return typeof code === "number" && Number.isSafeInteger(code) && code >= 0 ? code : 0;
}
