/**
 * HTTP field names and values are octet sequences (RFC 9110 §5.5). This package carries them
 * as JavaScript "byte strings", as WHATWG Fetch does: one character per octet, each below
 * U+0100. The mapping is lossless both ways and a string's length is its size in octets,
 * which is what QPACK's table and field-section sizes count.
 *
 * @module
 */
import { ZquicError } from "@zquic/wire";

declare const TextDecoder: new () => { decode(bytes: Uint8Array): string };

/** UTF-8 maps ASCII octets to themselves, and engines decode it natively. */
const asciiDecoder = new TextDecoder();

/** The string whose characters are the octets of `bytes`. */
export function toByteString(bytes: Uint8Array): string {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! > 0x7f) return latin1(bytes);
  return asciiDecoder.decode(bytes);
}

function latin1(bytes: Uint8Array): string {
  let out = "";
  // Chunked so that `apply` never sees more arguments than an engine allows.
  for (let i = 0; i < bytes.length; i += 4096) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, i + 4096) as unknown as number[]);
  }
  return out;
}

/**
 * The octets of byte string `text`. Throws a `ZquicError` (code `NOT_A_BYTE_STRING`) when a
 * character is above U+00FF: encode such text to octets (e.g. UTF-8) first.
 */
export function fromByteString(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) throw notByteString(text, i);
    out[i] = c;
  }
  return out;
}

const NOT_AN_OCTET = /[^\u0000-\u00ff]/;

/** Throws the {@link fromByteString} error unless every character of `text` is below U+0100. */
export function checkByteString(text: string): void {
  const found = NOT_AN_OCTET.exec(text);
  if (found !== null) throw notByteString(text, found.index);
}

function notByteString(text: string, at: number): ZquicError {
  return new ZquicError(
    "NOT_A_BYTE_STRING",
    `character U+${text.charCodeAt(at).toString(16).padStart(4, "0")} at ${at} of a field name or value is not an octet; ` +
      "encode the text to octets (for example UTF-8) and pass one character per octet",
  );
}
