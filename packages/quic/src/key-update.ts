import { nextGenerationKeys, type CryptoProvider, type PacketKeys } from "@zquic/crypto";
import { TransportError } from "@zquic/wire";

/** Which read keys a 1-RTT packet needs, and the generation they belong to. */
export interface ReadKeyChoice {
  readonly keys: PacketKeys;
  readonly generation: number;
}

/**
 * 1-RTT keys across key updates (RFC 9001 §6): the current write keys, the
 * previous / current / next read keys, and the rules for when an update may
 * start, is answered, and when old keys go.
 */
export class KeyUpdate {
  /** Generation of the write keys; the Key Phase bit is its low bit. */
  writeGeneration = 0;
  /** Generation of the current read keys. */
  private readGeneration = 0;
  private write: PacketKeys;
  private read: PacketKeys;
  private nextRead: PacketKeys;
  private previousRead: { keys: PacketKeys; discardAt: number | undefined } | undefined;
  /** Lowest packet number received in the current read generation (§6.5). */
  private lowestPnInReadGeneration: number | undefined;
  /** Packet number of the first packet sent with the current write keys. */
  private firstPnInWriteGeneration: number | undefined;
  /** §6.1: a packet of the current write generation was acknowledged. */
  private writeGenerationAcknowledged = false;
  /** Packets protected with the current write keys (§6.6 confidentiality limit). */
  packetsWithWriteKeys = 0;
  /** The earliest time another update may start (§6.5: three PTOs after the last was confirmed). */
  private nextUpdateAllowedAt = 0;

  constructor(
    private readonly provider: CryptoProvider,
    read: PacketKeys,
    write: PacketKeys,
  ) {
    this.read = read;
    this.write = write;
    this.nextRead = nextGenerationKeys(provider, read);
  }

  /** The Key Phase bit of packets sent now. */
  get keyPhase(): boolean {
    return this.writeGeneration % 2 === 1;
  }

  /** The current write keys, for sizing and header protection. */
  get currentWriteKeys(): PacketKeys {
    return this.write;
  }

  /** The current read keys: any generation removes header protection (its key never changes, §6.1). */
  get headerKeys(): PacketKeys {
    return this.read;
  }

  /** The keys to protect the next packet, numbered `pn`. */
  writeKeys(pn: number): PacketKeys {
    this.firstPnInWriteGeneration ??= pn;
    this.packetsWithWriteKeys++;
    return this.write;
  }

  /** RFC 9001 §6.5: choose previous, current or next read keys from the phase bit and packet number. */
  readKeys(keyPhase: boolean, pn: number): ReadKeyChoice | undefined {
    const currentPhase = this.readGeneration % 2 === 1;
    if (keyPhase === currentPhase) return { keys: this.read, generation: this.readGeneration };
    const lowest = this.lowestPnInReadGeneration;
    if (this.previousRead !== undefined && lowest !== undefined && pn < lowest) {
      return { keys: this.previousRead.keys, generation: this.readGeneration - 1 };
    }
    return { keys: this.nextRead, generation: this.readGeneration + 1 };
  }

  /**
   * Call when a 1-RTT packet `pn` decrypted with generation `generation` keys.
   * Returns a transport error code when the packet proves a violation, or
   * `"updated"` when the peer started (or answered) a key update.
   */
  onDecrypted(generation: number, pn: number, now: number, pto: number): number | "updated" | undefined {
    if (generation < this.readGeneration) return undefined;
    if (generation === this.readGeneration) {
      if (this.lowestPnInReadGeneration === undefined || pn < this.lowestPnInReadGeneration) this.lowestPnInReadGeneration = pn;
      return undefined;
    }
    // RFC 9001 §6.4: newer keys must not be used below a packet number of the current ones.
    if (this.lowestPnInReadGeneration !== undefined && pn < this.lowestPnInReadGeneration) return TransportError.KEY_UPDATE_ERROR;
    // RFC 9001 §6.2: a peer that updates again before acknowledging our update.
    if (this.writeGeneration > this.readGeneration + 1) return TransportError.KEY_UPDATE_ERROR;
    this.previousRead = { keys: this.read, discardAt: now + 3 * pto };
    this.read = this.nextRead;
    this.nextRead = nextGenerationKeys(this.provider, this.read);
    this.readGeneration = generation;
    this.lowestPnInReadGeneration = pn;
    if (this.writeGeneration < this.readGeneration) this.advanceWrite();
    return "updated";
  }

  private advanceWrite(): void {
    this.write = nextGenerationKeys(this.provider, this.write);
    this.writeGeneration++;
    this.firstPnInWriteGeneration = undefined;
    this.writeGenerationAcknowledged = false;
    this.packetsWithWriteKeys = 0;
  }

  /** A packet sent in `generation` was acknowledged (RFC 9001 §6.1, §6.5). */
  onAcknowledged(generation: number, now: number, pto: number): void {
    if (generation !== this.writeGeneration || this.writeGenerationAcknowledged) return;
    this.writeGenerationAcknowledged = true;
    if (generation > 0) this.nextUpdateAllowedAt = now + 3 * pto;
  }

  /** RFC 9001 §6.1: may we start a key update now? */
  canInitiate(now: number): boolean {
    return this.writeGenerationAcknowledged && this.writeGeneration === this.readGeneration && now >= this.nextUpdateAllowedAt;
  }

  /** Starts a key update (RFC 9001 §6.1). False when not allowed yet. */
  initiate(now: number): boolean {
    if (!this.canInitiate(now)) return false;
    this.advanceWrite();
    return true;
  }

  /** When the previous read keys are dropped (RFC 9001 §6.5). */
  get discardDeadline(): number | undefined {
    return this.previousRead?.discardAt;
  }

  /** Drops the previous read keys if their time has come. */
  onTimeout(now: number): void {
    const discardAt = this.previousRead?.discardAt;
    if (discardAt !== undefined && now >= discardAt) this.previousRead = undefined;
  }

  /** The cipher suite's limits (RFC 9001 §6.6). */
  get confidentialityLimit(): number {
    return this.write.suite.confidentialityLimit;
  }

  get integrityLimit(): number {
    return this.read.suite.integrityLimit;
  }
}
