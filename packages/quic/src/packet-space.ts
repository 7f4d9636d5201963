import type { PacketKeys } from "@zquic/crypto";
import { AckTracker, type AckPolicy } from "./ack-tracker.js";
import { SendBuffer } from "./streams/send-buffer.js";
import { Reassembly } from "./streams/reassembly.js";
import { PacketSpace, type SpaceId } from "./sent-packet.js";

/** RFC 9000 §7.5: CRYPTO data buffered beyond what TLS consumed, per level. */
export const MAX_CRYPTO_BUFFER = 64 * 1024;

/**
 * One packet number space (RFC 9000 §12.3): its packet numbers, what it
 * received and must acknowledge, and its CRYPTO stream in both directions.
 * Initial and Handshake spaces also hold their keys; the application space's
 * 1-RTT keys live in {@link KeyUpdate}.
 */
export class PacketSpaceState {
  readonly ack: AckTracker;
  /** The next packet number to send. */
  nextPn = 0;
  readonly cryptoSend = new SendBuffer();
  readonly cryptoRecv = new Reassembly(256);
  readKeys: PacketKeys | undefined;
  writeKeys: PacketKeys | undefined;
  /** RFC 9001 §4.9: keys dropped; nothing more is sent or accepted here. */
  discarded = false;
  /** Ack-eliciting probe packets owed after a PTO (RFC 9002 §6.2.4). */
  probesOwed = 0;

  constructor(
    readonly id: SpaceId,
    policy: AckPolicy,
  ) {
    this.ack = new AckTracker(policy);
  }

  /** RFC 9001 §4.9: forgets the keys and everything in flight. */
  discard(): void {
    this.discarded = true;
    this.readKeys = undefined;
    this.writeKeys = undefined;
    this.cryptoSend.discard();
    this.probesOwed = 0;
  }

  /** Takes the next packet number. */
  takePn(): number {
    return this.nextPn++;
  }
}

/** The TLS encryption level of a space's CRYPTO stream. */
export const spaceLevel = ["initial", "handshake", "application"] as const satisfies readonly string[];

export { PacketSpace };
