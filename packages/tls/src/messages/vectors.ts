/**
 * RFC 8446 §3.4 vectors: length-prefixed lists with bounds. Every read checks
 * the bounds the RFC gives and throws decode_error outside them.
 *
 * @module
 */
import type { Reader, Writer } from "@zquic/wire";
import { alert } from "../alert.js";
import { checkLength } from "./handshake.js";

/** A length prefix width in bytes. */
export type LengthBytes = 1 | 2 | 3;

/** `opaque x<min..max>`: a length-prefixed byte string, as a view. */
export function readOpaque(reader: Reader, lengthBytes: LengthBytes, min: number, max: number, what: string): Uint8Array {
  const bytes = reader.prefixedBytes(lengthBytes);
  checkLength(bytes.length, min, max, what);
  return bytes;
}

/** `T x<min..max>` of variable-size items: reads the vector, then `item` until it is used up. */
export function readVector<T>(
  reader: Reader,
  lengthBytes: LengthBytes,
  min: number,
  max: number,
  what: string,
  item: (reader: Reader) => T,
): T[] {
  const body = reader.sub(lengthBytes === 1 ? reader.u8() : lengthBytes === 2 ? reader.u16() : reader.u24());
  checkLength(body.remaining, min, max, what);
  const items: T[] = [];
  while (!body.done) items.push(item(body));
  return items;
}

/** `uint16 x<min..max>`: a vector of 16-bit values (an odd byte count is decode_error). */
export function readU16List(reader: Reader, lengthBytes: LengthBytes, min: number, max: number, what: string): number[] {
  const body = readOpaque(reader, lengthBytes, min, max, what);
  if (body.length % 2 !== 0) throw alert("decode_error", `${what} has an odd length`);
  const values: number[] = [];
  for (let i = 0; i < body.length; i += 2) values.push((body[i]! << 8) | body[i + 1]!);
  return values;
}

/** `uint8 x<min..max>`: a vector of bytes, as numbers. */
export function readU8List(reader: Reader, lengthBytes: LengthBytes, min: number, max: number, what: string): number[] {
  return Array.from(readOpaque(reader, lengthBytes, min, max, what));
}

/** Writes a vector of 16-bit values with a `lengthBytes` prefix. */
export function writeU16List(writer: Writer, lengthBytes: LengthBytes, values: readonly number[]): void {
  writer.prefixed(lengthBytes, (w) => {
    for (const value of values) w.u16(value);
  });
}

/** Writes a vector of 8-bit values with a `lengthBytes` prefix. */
export function writeU8List(writer: Writer, lengthBytes: LengthBytes, values: readonly number[]): void {
  writer.prefixed(lengthBytes, (w) => {
    for (const value of values) w.u8(value);
  });
}
