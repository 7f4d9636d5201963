/**
 * RFC 9114 §6.2.3, §7.2.8, §9: reserved stream types and frame types, sent now and then so
 * that peers keep ignoring what they do not know.
 *
 * @module
 */
import { Writer } from "@zquic/wire";
import { encodeFrame } from "../frames/frame-codec.js";
import { randomReservedCodepoint, type RandomSource } from "../reserved.js";

/** True with probability 1 / `n`. */
export function oneIn(random: RandomSource, n: number): boolean {
  return (random(1)[0] ?? 0) % n === 0;
}

/** A reserved frame (§7.2.8) with a random payload of 0–7 octets. */
export function greaseFrame(random: RandomSource): Uint8Array {
  const payload = random((random(1)[0] ?? 0) & 7);
  return encodeFrame({ type: "unknown", frameType: randomReservedCodepoint(random), payload });
}

/** The whole content of a reserved-type stream (§6.2.3): its type, then 0–7 random octets. */
export function greaseStream(random: RandomSource): Uint8Array {
  const w = new Writer(16);
  w.varint(randomReservedCodepoint(random)).bytes(random((random(1)[0] ?? 0) & 7));
  return w.toBytes();
}
