/**
 * The handshake message frame (RFC 8446 §4): a one-byte type and a three-byte
 * length around each message body. QUIC carries these frames in CRYPTO frames
 * with no record layer (RFC 9001 §4).
 *
 * @module
 */
import { Reader, Writer, cryptoError } from "@zquic/wire";
import { AlertDescription, alert } from "../alert.js";

/** RFC 8446 §4: HandshakeType. */
export const HandshakeType = {
  client_hello: 1,
  server_hello: 2,
  new_session_ticket: 4,
  end_of_early_data: 5,
  encrypted_extensions: 8,
  certificate: 11,
  certificate_request: 13,
  certificate_verify: 15,
  finished: 20,
  key_update: 24,
  message_hash: 254,
} as const;

/** RFC 8446 §4: the frame header is the type (1 byte) and the body length (3 bytes). */
export const HANDSHAKE_HEADER_LENGTH = 4;

/** One framed handshake message as received. */
export interface HandshakeMessage {
  readonly type: number;
  /** The body, without the four-byte header. */
  readonly body: Uint8Array;
  /** The whole frame, header included, as the transcript hashes it (RFC 8446 §4.4.1). */
  readonly raw: Uint8Array;
}

/** A reader whose truncation errors are decode_error alerts (RFC 8446 §6). */
export function tlsReader(bytes: Uint8Array): Reader {
  return new Reader(bytes, 0, bytes.length, cryptoError(AlertDescription.decode_error));
}

/** Throws decode_error unless `reader` is exhausted: trailing bytes are a malformed message. */
export function expectEnd(reader: Reader, what: string): void {
  if (!reader.done) throw alert("decode_error", `${reader.remaining} trailing bytes after ${what}`);
}

/** Throws decode_error unless `length` lies in `[min, max]`: RFC 8446 §3.4 vector bounds. */
export function checkLength(length: number, min: number, max: number, what: string): void {
  if (length < min || length > max) throw alert("decode_error", `${what} has ${length} bytes, outside ${min}..${max}`);
}

/** RFC 8446 §4: a message other than the one the handshake is waiting for is unexpected_message. */
export function expectType(message: HandshakeMessage, type: number, what: string): void {
  if (message.type !== type) throw alert("unexpected_message", `received handshake message type ${message.type} while waiting for ${what}`);
}

/** Frames `body` as a handshake message of `type`. */
export function frameHandshake(type: number, body: Uint8Array): Uint8Array {
  const writer = new Writer(HANDSHAKE_HEADER_LENGTH + body.length);
  writer.u8(type).u24(body.length).bytes(body);
  return writer.toBytes();
}

/** Writes a handshake message of `type` whose body `write` produces; returns the frame. */
export function encodeHandshake(type: number, write: (writer: Writer) => void): Uint8Array {
  const writer = new Writer();
  writer.u8(type).prefixed(3, write);
  return writer.toBytes();
}
