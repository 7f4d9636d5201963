/**
 * What a TLS session hands to the QUIC transport (RFC 9001 §4.1): handshake
 * bytes per encryption level and secrets as they become available.
 *
 * @module
 */
import type { SessionTicket } from "./session-ticket.js";

/** RFC 9001 §4.1.3 Table 1: the four encryption levels. */
export type EncryptionLevel = "initial" | "early" | "handshake" | "application";

/** One output of a TLS session, drained with `poll()`. */
export type TlsOutput =
  /** CRYPTO bytes to send at `level`. */
  | { readonly kind: "handshake_data"; readonly level: EncryptionLevel; readonly data: Uint8Array }
  /** A traffic secret for `level` and `direction`, with the cipher suite (0x1301…) it goes with. */
  | {
      readonly kind: "install_key";
      readonly level: EncryptionLevel;
      readonly direction: "read" | "write";
      readonly secret: Uint8Array;
      readonly suite: number;
    }
  /** The handshake is complete: after the client sent its Finished, or the server verified it. */
  | { readonly kind: "handshake_complete" }
  /** The client learns whether the server accepted its 0-RTT data (RFC 9001 §4.6.2). */
  | { readonly kind: "early_data"; readonly accepted: boolean }
  /** The client received a resumable session (see {@link encodeSessionTicket}). */
  | { readonly kind: "session_ticket"; readonly ticket: SessionTicket }
  /**
   * A fatal alert: the session is dead. The transport closes with
   * `transportError`, which is CRYPTO_ERROR (0x100) + `alert` (RFC 9001 §4.8)
   * except where RFC 9001 names a transport error such as PROTOCOL_VIOLATION.
   */
  | { readonly kind: "alert"; readonly alert: number; readonly reason: string; readonly transportError: number };
