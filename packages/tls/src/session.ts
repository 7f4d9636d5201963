/**
 * The sans-I/O session driver both roles share: in-order CRYPTO bytes in per
 * encryption level, whole handshake messages to the current state, outputs
 * queued for the transport. Nothing the peer sends throws out of `receive`:
 * every failure becomes one `alert` output and the session stops.
 *
 * @module
 */
import { TransportError } from "@zquic/wire";
import { alert, toTlsAlert } from "./alert.js";
import type { ResolvedConfig } from "./config.js";
import { HandshakeContext } from "./context.js";
import { exportKeyingMaterial } from "./key-schedule.js";
import type { HandshakeMessage } from "./messages/handshake.js";
import type { EncryptionLevel, TlsOutput } from "./outputs.js";
import { HandshakeReassembler } from "./reassembler.js";

/**
 * One handshake state (the typestate idea): it names the level its message
 * must arrive at, consumes that message and returns the next state. A message
 * a state does not expect is unexpected_message.
 */
export interface HandshakeState<C extends ResolvedConfig> {
  readonly level: CryptoLevel;
  /** The next state, or a promise of it while something (certificate verification) completes. */
  handle(context: HandshakeContext<C>, message: HandshakeMessage): HandshakeState<C> | Promise<HandshakeState<C>>;
}

/** RFC 9001 §4.1.3: the levels CRYPTO data flows at (all but 0-RTT). */
export type CryptoLevel = Exclude<EncryptionLevel, "early">;

/** The levels in the order the handshake moves through them. */
const levelRank: Readonly<Record<EncryptionLevel, number>> = { initial: 0, early: 1, handshake: 2, application: 3 };
const cryptoLevels: readonly CryptoLevel[] = ["initial", "handshake", "application"];

/** The part of a TLS session common to {@link TlsClient} and {@link TlsServer}. */
export abstract class TlsSession<C extends ResolvedConfig> {
  /** @internal */
  protected readonly context: HandshakeContext<C>;
  private state: HandshakeState<C>;
  private readonly reassemblers: Readonly<Record<CryptoLevel, HandshakeReassembler>>;
  private dead = false;
  private pending: Promise<void> | undefined;

  /** @internal */
  protected constructor(config: C, initial: HandshakeState<C>) {
    this.context = new HandshakeContext(config);
    this.state = initial;
    const reassembler = () => new HandshakeReassembler(config.maxHandshakeMessageSize);
    this.reassemblers = { initial: reassembler(), handshake: reassembler(), application: reassembler() };
  }

  /** Begins the handshake (the client sends its ClientHello; the server waits for one). */
  abstract start(): void;

  /** In-order CRYPTO bytes received at `level`; they may hold partial or several messages. */
  receive(level: EncryptionLevel, data: Uint8Array): void {
    if (this.dead) return;
    try {
      // RFC 9001 §8.3: CRYPTO frames never travel in 0-RTT packets.
      if (level === "early") throw alert("unexpected_message", "CRYPTO data in 0-RTT", TransportError.PROTOCOL_VIOLATION);
      // RFC 9001 §4.1.3: no new data at a level the handshake has moved past.
      if (levelRank[level] < levelRank[this.state.level]) {
        throw alert("unexpected_message", `handshake data at the finished ${level} level`, TransportError.PROTOCOL_VIOLATION);
      }
      this.reassemblers[level].push(data);
    } catch (error) {
      this.fail(error);
      return;
    }
    this.process();
  }

  /** The next output for the transport, or `null` when there is none. */
  poll(): TlsOutput | null {
    return this.context.outputs.shift() ?? null;
  }

  /**
   * Settles when an asynchronous step (certificate verification) that holds up
   * the handshake has finished; poll again then. `undefined` when nothing is pending.
   * It never rejects: failures come out of `poll` as alerts.
   */
  get waiting(): Promise<void> | undefined {
    return this.pending;
  }

  /** True once the handshake is complete (client: Finished sent; server: client Finished verified). */
  get handshakeComplete(): boolean {
    return this.context.facts.handshakeComplete;
  }

  /** True after a fatal alert; the session ignores further input. */
  get failed(): boolean {
    return this.dead;
  }

  /** The negotiated ALPN protocol, once known. */
  get alpn(): string | undefined {
    return this.context.facts.alpn;
  }

  /** The peer's quic_transport_parameters (opaque bytes), once received; authenticated only when the handshake completes. */
  get peerTransportParameters(): Uint8Array | undefined {
    return this.context.facts.peerTransportParameters;
  }

  /** The SNI: the name the client sent (on the server) or is configured with (on the client). */
  get serverName(): string | undefined {
    return this.context.facts.serverName;
  }

  /** The peer's certificate chain (DER, leaf first), once received. */
  get peerCertificates(): readonly Uint8Array[] | undefined {
    return this.context.facts.peerCertificates;
  }

  /** The negotiated cipher suite code, once known. */
  get cipherSuite(): number | undefined {
    return this.context.facts.cipherSuite;
  }

  /** True when the handshake resumed a session with a PSK. */
  get resumed(): boolean {
    return this.context.facts.resumed;
  }

  /** Whether 0-RTT was accepted, once decided; `undefined` when it was not attempted. */
  get earlyDataAccepted(): boolean | undefined {
    return this.context.facts.earlyDataAccepted;
  }

  /** RFC 8446 §7.5: TLS-Exporter(label, context, length); `undefined` before the server Finished. */
  exportKeyingMaterial(label: string, context: Uint8Array, length: number): Uint8Array | undefined {
    const exporter = this.context.facts.exporter;
    return exporter && exportKeyingMaterial(exporter.hkdf, exporter.secret, label, context, length);
  }

  /** @internal Moves to `state`, e.g. when the client sends its ClientHello. */
  protected enter(state: HandshakeState<C>): void {
    this.state = state;
  }

  /** @internal Turns `error` into the one alert output and stops the session. */
  protected fail(error: unknown): void {
    if (this.dead) return;
    const tlsAlert = toTlsAlert(error);
    this.dead = true;
    this.pending = undefined;
    this.context.outputs.length = 0;
    this.context.outputs.push({ kind: "alert", alert: tlsAlert.alert, reason: tlsAlert.message, transportError: tlsAlert.transportCode });
  }

  private process(): void {
    while (!this.dead && this.pending === undefined) {
      let message: HandshakeMessage | null;
      let next: HandshakeState<C> | Promise<HandshakeState<C>>;
      try {
        this.checkNoDataBelow(this.state.level);
        message = this.reassemblers[this.state.level].next();
        if (message === null) return;
        next = this.state.handle(this.context, message);
      } catch (error) {
        this.fail(error);
        return;
      }
      if (next instanceof Promise) {
        this.pending = next.then(
          (state) => {
            this.pending = undefined;
            this.state = state;
            this.process();
          },
          (error: unknown) => this.fail(error),
        );
        return;
      }
      this.state = next;
    }
  }

  /** RFC 9001 §4.1.3: bytes left unconsumed at a level below the one now read are PROTOCOL_VIOLATION. */
  private checkNoDataBelow(level: CryptoLevel): void {
    for (const lower of cryptoLevels) {
      if (levelRank[lower] >= levelRank[level]) break;
      if (this.reassemblers[lower].buffered > 0) {
        throw alert("unexpected_message", `unprocessed handshake data left at the ${lower} level`, TransportError.PROTOCOL_VIOLATION);
      }
    }
  }
}
