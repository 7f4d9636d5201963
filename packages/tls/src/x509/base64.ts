/**
 * Base64 (RFC 4648 §4), written out because the core may not use `Buffer` or
 * `atob`. Decoding is strict: padded to a multiple of four, no characters
 * outside the alphabet, and the unused bits before padding must be zero.
 *
 * @module
 */
import { X509Error } from "./errors.js";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Character code → 6-bit value, or -1 outside the alphabet. */
const VALUES = (() => {
  const values = new Int8Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) values[ALPHABET.charCodeAt(i)] = i;
  return values;
})();

/** RFC 4648 §4: `bytes` as padded base64, without line breaks. */
export function encodeBase64(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    const group = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    text += ALPHABET[group >> 18]! + ALPHABET[(group >> 12) & 63]!;
    text += b === undefined ? "=" : ALPHABET[(group >> 6) & 63]!;
    text += c === undefined ? "=" : ALPHABET[group & 63]!;
  }
  return text;
}

/** The bytes of padded base64 `text`, which must contain no whitespace. */
export function decodeBase64(text: string): Uint8Array {
  if (text.length % 4 !== 0) throw new X509Error(`base64 length ${text.length} is not a multiple of 4`);
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  let written = 0;
  for (let i = 0; i < text.length; i += 4) {
    let group = 0;
    for (let j = 0; j < 4; j++) {
      const at = i + j;
      const value = at >= text.length - padding ? 0 : (VALUES[text.charCodeAt(at)] ?? -1);
      if (value < 0) throw new X509Error(`base64 has "${text[at]}" at offset ${at}, outside the alphabet`);
      group = (group << 6) | value;
    }
    for (let shift = 16; shift >= 0 && written < out.length; shift -= 8) out[written++] = (group >> shift) & 0xff;
    // RFC 4648 §3.5: the pad bits of the last group must be zero.
    if (i + 4 === text.length && padding > 0 && (group & (padding === 2 ? 0xffff : 0xff)) !== 0) {
      throw new X509Error("base64 has non-zero bits before its padding");
    }
  }
  return out;
}
