import type { NetworkPath } from "@zquic/wire";
import type { CloseReason } from "./close.js";
import type { StreamEvent } from "./streams/stream-map.js";

/** Everything a connection tells its application, drained with `pollEvent()`. */
export type ConnectionEvent =
  | StreamEvent
  /** TLS finished: streams may be used freely (RFC 9001 §4.1.1). */
  | { readonly type: "handshake_completed"; readonly alpn: string | undefined; readonly resumed: boolean }
  /** RFC 9001 §4.1.2: both sides know the handshake finished. */
  | { readonly type: "handshake_confirmed" }
  /** Client: whether the server accepted 0-RTT (RFC 9001 §4.6.2); rejected data was re-queued for 1-RTT. */
  | { readonly type: "early_data"; readonly accepted: boolean }
  /** Client: state that lets a later connection resume (and send 0-RTT); opaque bytes to store. */
  | { readonly type: "session_ticket"; readonly ticket: Uint8Array }
  /** Client: a NEW_TOKEN from the server, for address validation of a future connection (RFC 9000 §8.1.3). */
  | { readonly type: "new_token"; readonly token: Uint8Array }
  /** RFC 9221: a DATAGRAM frame arrived. */
  | { readonly type: "datagram"; readonly data: Uint8Array }
  /** The connection now sends on a different path (RFC 9000 §9). */
  | { readonly type: "path_changed"; readonly path: NetworkPath }
  /** RFC 9001 §6: the 1-RTT keys moved to a new generation. */
  | { readonly type: "key_updated"; readonly generation: number }
  /**
   * The connection stopped being usable (RFC 9000 §10.2): we or the peer closed
   * it. Streams and datagrams fail from now on; `closed` follows when the
   * closing or draining period ends.
   */
  | { readonly type: "closing"; readonly reason: CloseReason }
  /** The connection is over and its state can be dropped. The last event. */
  | { readonly type: "closed"; readonly reason: CloseReason };
