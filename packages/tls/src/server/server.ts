/**
 * The TLS 1.3 server for QUIC.
 *
 * @module
 */
import { type ResolvedServerConfig, type TlsServerConfig, serverConfigOf } from "../config.js";
import { TlsSession } from "../session.js";
import { ExpectClientHello } from "./states.js";

/**
 * A TLS server session. Feed it CRYPTO bytes with `receive()` and drain
 * `poll()` after each call (and when `waiting` settles).
 */
export class TlsServer extends TlsSession<ResolvedServerConfig> {
  /** Throws `ZquicError` (TLS_CONFIG) when `config` is unusable. */
  constructor(config: TlsServerConfig) {
    super(serverConfigOf(config), new ExpectClientHello());
  }

  /** A server waits for the ClientHello; nothing to do. */
  start(): void {}
}
