/**
 * RFC 4648 §4 Base 64, as RFC 9460 §9 writes the "ech" SvcParam in zone files.
 *
 * @module
 */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const VALUES = new Map([...ALPHABET].map((char, i) => [char, i]));

/** Base 64 text of `bytes`, padded with `=`. */
export function toBase64(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const chunk = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let j = 0; j < 4; j++) out += j < chars ? ALPHABET[(chunk >> (18 - 6 * j)) & 0x3f] : "=";
  }
  return out;
}

/** The bytes of padded Base 64 `text`, or `undefined` if it is not canonical Base 64. */
export function fromBase64(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  for (let i = 0, o = 0; i < text.length; i += 4) {
    let chunk = 0;
    for (let j = 0; j < 4; j++) chunk = (chunk << 6) | (VALUES.get(text[i + j]!) ?? 0);
    for (let j = 0; j < 3 && o < out.length; j++) out[o++] = (chunk >> (16 - 8 * j)) & 0xff;
  }
  return toBase64(out) === text ? out : undefined;
}
