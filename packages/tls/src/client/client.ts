/**
 * The TLS 1.3 client for QUIC.
 *
 * @module
 */
import { ZquicError } from "@zquic/wire";
import { alert } from "../alert.js";
import { type ResolvedClientConfig, type TlsClientConfig, clientConfigOf } from "../config.js";
import type { HandshakeContext } from "../context.js";
import type { HandshakeMessage } from "../messages/handshake.js";
import { type HandshakeState, TlsSession } from "../session.js";
import { Transcript } from "../transcript.js";
import { firstClientHello } from "./client-hello.js";
import { ExpectServerHello } from "./states.js";

/** Before `start()`: nothing may arrive yet. */
class AwaitingStart implements HandshakeState<ResolvedClientConfig> {
  readonly level = "initial";

  handle(_context: HandshakeContext<ResolvedClientConfig>, message: HandshakeMessage): never {
    throw alert("unexpected_message", `handshake message type ${message.type} before the ClientHello was sent`);
  }
}

/**
 * A TLS client session. Call `start()` once, feed it CRYPTO bytes with
 * `receive()`, and drain `poll()` after each call (and when `waiting` settles).
 */
export class TlsClient extends TlsSession<ResolvedClientConfig> {
  private started = false;

  /** Throws `ZquicError` (TLS_CONFIG) when `config` is unusable. */
  constructor(config: TlsClientConfig) {
    super(clientConfigOf(config), new AwaitingStart());
    this.context.facts.serverName = this.context.config.serverName;
  }

  /** Sends the ClientHello (and installs the 0-RTT write key when early data is offered). */
  start(): void {
    if (this.started) throw new ZquicError("TLS_STATE", "start() was already called; a client sends one ClientHello");
    this.started = true;
    try {
      const offer = firstClientHello(this.context.config);
      const transcript = new Transcript();
      transcript.add(offer.message);
      this.context.clientRandom = offer.hello.random;
      this.context.send("initial", offer.message);
      if (offer.earlyData) {
        // RFC 8446 §7.1: client_early_traffic_secret = Derive-Secret(Early Secret, "c e traffic", ClientHello).
        const { earlySecret, hkdf, ticket } = offer.psk!;
        const secret = earlySecret.clientEarlyTrafficSecret(hkdf.digest(offer.message));
        this.context.installKey("early", "write", secret, ticket.suite, "CLIENT_EARLY_TRAFFIC_SECRET");
      }
      this.enter(new ExpectServerHello(offer, transcript));
    } catch (error) {
      this.fail(error);
    }
  }
}
