/**
 * EncryptedExtensions (RFC 8446 §4.3.1).
 *
 * @module
 */
import { type EncryptedExtension, readExtensions, writeExtensions } from "./extensions.js";
import { HandshakeType, encodeHandshake, expectEnd, tlsReader } from "./handshake.js";

/** Reads an EncryptedExtensions body: `Extension extensions<0..2^16-1>`. */
export function decodeEncryptedExtensions(body: Uint8Array): EncryptedExtension[] {
  const r = tlsReader(body);
  const extensions = readExtensions(r, "EE");
  expectEnd(r, "EncryptedExtensions");
  return extensions;
}

/** Encodes EncryptedExtensions as a framed handshake message. */
export function encodeEncryptedExtensions(extensions: readonly EncryptedExtension[]): Uint8Array {
  return encodeHandshake(HandshakeType.encrypted_extensions, (w) => writeExtensions(w, "EE", extensions));
}
