/**
 * What the handshake states of one session share: its configuration, the
 * output queue, and the facts the session exposes once they are known.
 *
 * @module
 */
import { toHex } from "@zquic/wire";
import type { ResolvedConfig } from "./config.js";
import type { Hkdf } from "./hkdf.js";
import type { EncryptionLevel, TlsOutput } from "./outputs.js";

/** NSS key log labels (the SSLKEYLOGFILE format). */
export type KeyLogLabel =
  | "CLIENT_EARLY_TRAFFIC_SECRET"
  | "CLIENT_HANDSHAKE_TRAFFIC_SECRET"
  | "SERVER_HANDSHAKE_TRAFFIC_SECRET"
  | "CLIENT_TRAFFIC_SECRET_0"
  | "SERVER_TRAFFIC_SECRET_0";

/** The negotiated results a session exposes. */
export interface SessionFacts {
  alpn?: string;
  peerTransportParameters?: Uint8Array;
  serverName?: string;
  peerCertificates?: readonly Uint8Array[];
  cipherSuite?: number;
  resumed: boolean;
  earlyDataAccepted?: boolean;
  handshakeComplete: boolean;
  exporter?: { readonly hkdf: Hkdf; readonly secret: Uint8Array };
}

/** The shared state of one session's handshake. */
export class HandshakeContext<C extends ResolvedConfig> {
  readonly outputs: TlsOutput[] = [];
  readonly facts: SessionFacts = { resumed: false, handshakeComplete: false };
  /** ClientHello.random, which identifies key log lines. */
  clientRandom: Uint8Array | undefined;

  constructor(readonly config: C) {}

  /** Queues CRYPTO bytes for `level`. */
  send(level: EncryptionLevel, data: Uint8Array): void {
    this.outputs.push({ kind: "handshake_data", level, data });
  }

  /** Queues a traffic secret for the transport, and logs it when it has a key log label. */
  installKey(level: EncryptionLevel, direction: "read" | "write", secret: Uint8Array, suite: number, label?: KeyLogLabel): void {
    this.outputs.push({ kind: "install_key", level, direction, secret, suite });
    if (label !== undefined && this.config.keyLog !== undefined && this.clientRandom !== undefined) {
      this.config.keyLog(`${label} ${toHex(this.clientRandom)} ${toHex(secret)}`);
    }
  }
}
