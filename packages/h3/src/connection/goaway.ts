/**
 * RFC 9114 §5.2, §7.2.6: graceful shutdown. A server's GOAWAY carries the first request
 * stream ID it will not process; a client's carries the first push ID it will not accept.
 * Neither side may raise the identifier it sent before.
 *
 * @module
 */
import { ZquicError } from "@zquic/wire";
import type { Role } from "@zquic/quic";
import { H3Error, H3ErrorCode } from "../errors.js";

/**
 * The largest GOAWAY identifier this package sends: the largest client-initiated
 * bidirectional stream ID that is a safe integer. §5.2 suggests 2^62 − 4 for "stop new
 * requests" in a two-phase shutdown; any ID beyond every stream the client can open serves.
 */
export const MAX_GOAWAY_ID = Number.MAX_SAFE_INTEGER - 3;

/** The identifiers a connection has sent and received in GOAWAY frames. */
export class Goaway {
  /** The last identifier sent, if any. */
  sent: number | undefined;
  /** The last identifier received, if any. */
  received: number | undefined;

  constructor(private readonly role: Role) {}

  /**
   * Records the identifier of a received GOAWAY. Throws an H3_ID_ERROR {@link H3Error} when
   * a server sends an ID other than a client-initiated bidirectional stream (§7.2.6) or
   * either side raises it (§5.2).
   */
  receive(id: number): void {
    if (this.role === "client" && id % 4 !== 0) throw new H3Error(H3ErrorCode.H3_ID_ERROR, `GOAWAY stream ID ${id} is not a client-initiated bidirectional stream`);
    if (this.received !== undefined && id > this.received) throw new H3Error(H3ErrorCode.H3_ID_ERROR, `GOAWAY identifier rose from ${this.received} to ${id}`);
    this.received = id;
  }

  /** Records a GOAWAY to send. Throws a `ZquicError` for an identifier the rules above forbid. */
  send(id: number): void {
    if (!Number.isSafeInteger(id) || id < 0 || (this.role === "server" && id % 4 !== 0)) {
      const what = this.role === "server" ? "a client-initiated bidirectional stream ID (a multiple of 4)" : "a push ID";
      throw new ZquicError("INVALID_ARGUMENT", `goaway: pass ${what} from 0 to ${MAX_GOAWAY_ID} (got ${id})`);
    }
    if (this.sent !== undefined && id > this.sent) {
      throw new ZquicError("GOAWAY_RAISED", `goaway: ${id} is above the ${this.sent} already sent; a GOAWAY identifier may only fall (RFC 9114 §5.2)`);
    }
    this.sent = id;
  }
}
