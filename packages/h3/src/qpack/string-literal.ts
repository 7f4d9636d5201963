/**
 * RFC 9204 §4.1.2 (RFC 7541 §5.2): string literals. An N-bit prefix string literal starts
 * with the H bit (Huffman-coded or not) followed by its encoded length as an (N − 1)-bit
 * prefix integer; the first octet's other high bits belong to the enclosing representation.
 *
 * Reading is split in two — {@link readStringLiteral} takes the octets, {@link decodeStringLiteral}
 * turns them into text — so that an instruction arriving in pieces is only decoded once it
 * is complete.
 *
 * @module
 */
import type { Reader, Writer } from "@zquic/wire";
import { toByteString } from "../byte-string.js";
import { huffmanDecode, huffmanEncode, huffmanEncodedLength } from "./huffman.js";
import { readPrefixedInteger, writePrefixedInteger } from "./prefixed-integer.js";

/** A string literal as it is on the wire: the H bit and the encoded octets (a view). */
export interface StringLiteral {
  readonly huffman: boolean;
  readonly bytes: Uint8Array;
}

/**
 * Appends byte string `text` as an N-bit prefix string literal (2 ≤ N ≤ 8), Huffman-coded
 * when `huffman` is set and that is shorter.
 */
export function writeStringLiteral(w: Writer, flags: number, prefixBits: number, text: string, huffman: boolean): void {
  const hBit = 1 << (prefixBits - 1);
  const huffmanLength = huffman ? huffmanEncodedLength(text) : text.length;
  if (huffmanLength < text.length) {
    writePrefixedInteger(w, flags | hBit, prefixBits - 1, huffmanLength);
    huffmanEncode(text, w);
    return;
  }
  writePrefixedInteger(w, flags, prefixBits - 1, text.length);
  w.ensure(text.length);
  const out = w.buffer;
  let o = w.offset;
  for (let i = 0; i < text.length; i++) out[o++] = text.charCodeAt(i);
  w.offset = o;
}

/**
 * Reads an N-bit prefix string literal, or returns `undefined` when its length alone shows
 * that it decodes to more than `maxLength` octets — checked before its octets are awaited,
 * so a peer cannot make a reader wait for (and buffer) an oversized string.
 */
export function readStringLiteral(r: Reader, prefixBits: number, maxLength: number): StringLiteral | undefined {
  const huffman = (r.peekU8() & (1 << (prefixBits - 1))) !== 0;
  const length = readPrefixedInteger(r, prefixBits - 1);
  // A Huffman code is at most 30 bits and the padding at most 7, so `length` octets
  // hold at least ⌈(8 · length − 7) / 30⌉ symbols.
  const shortest = huffman ? Math.ceil((8 * length - 7) / 30) : length;
  if (shortest > maxLength) return undefined;
  return { huffman, bytes: r.bytesView(length) };
}

/**
 * The byte string a literal carries, or `undefined` when it is longer than `maxLength`.
 * Invalid Huffman data throws a `QpackError` with `errorCode`.
 */
export function decodeStringLiteral(literal: StringLiteral, maxLength: number, errorCode: number): string | undefined {
  if (literal.huffman) return huffmanDecode(literal.bytes, maxLength, errorCode);
  return literal.bytes.length > maxLength ? undefined : toByteString(literal.bytes);
}
