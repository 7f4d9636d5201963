/**
 * RFC 9287: greasing the QUIC Bit (0x40 of the first byte). Once the peer's
 * transport parameters say it accepts either value, each packet gets a fresh
 * unpredictable bit; until then, and towards peers that did not offer it,
 * the bit stays set as RFC 9000 §17.2 requires.
 *
 * @module
 */
import type { RandomSource } from "@zquic/crypto";

/** Random bytes drawn at a time; each gives eight packets their bit. */
const POOL_BYTES = 32;

/** The QUIC Bit of the packets a connection sends. */
export class QuicBit {
  private pool: Uint8Array = new Uint8Array(0);
  private nextBit = 0;
  private greased = false;

  constructor(private readonly random: RandomSource) {}

  /** RFC 9287 §3.1: grease from now on (both sides sent grease_quic_bit and the peer's parameters are processed). */
  startGreasing(): void {
    this.greased = true;
  }

  /** The bit for the next packet: always set until greasing starts, then random. */
  next(): boolean {
    if (!this.greased) return true;
    if (this.nextBit === this.pool.length * 8) {
      this.pool = this.random(POOL_BYTES);
      this.nextBit = 0;
    }
    const bit = (this.pool[this.nextBit >> 3]! >> (this.nextBit & 7)) & 1;
    this.nextBit++;
    return bit === 1;
  }
}
