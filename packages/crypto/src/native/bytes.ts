/**
 * Turning `node:crypto`'s Buffers into the plain `Uint8Array`s the rest of the
 * stack works with, without copying when the Buffer owns its memory.
 *
 * @module
 */
import { Buffer } from "node:buffer";

/**
 * `buffer` as a plain `Uint8Array` over the same memory when it owns the whole
 * ArrayBuffer, or a copy when it is a slice of a shared pool (whose other
 * bytes must not leak to a caller reading `.buffer`).
 */
export function ownedBytes(buffer: Buffer): Uint8Array {
  return buffer.byteOffset === 0 && buffer.buffer.byteLength === buffer.length
    ? new Uint8Array(buffer.buffer, 0, buffer.length)
    : new Uint8Array(buffer); // a copy, and a plain Uint8Array (Buffer.slice would give a Buffer)
}

/** RFC 7517 §2 (JWK): base64url without padding. */
export function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("base64url");
}
