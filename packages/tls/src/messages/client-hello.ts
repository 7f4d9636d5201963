/**
 * ClientHello (RFC 8446 §4.1.2).
 *
 * @module
 */
import { alert } from "../alert.js";
import { type ClientHelloExtension, bindersLength, findExtension, readExtensions, writeExtensions } from "./extensions.js";
import { HandshakeType, encodeHandshake, expectEnd, tlsReader } from "./handshake.js";
import { readOpaque, readU16List, readU8List, writeU16List, writeU8List } from "./vectors.js";

/** RFC 8446 §4.1.2: legacy_version is always TLS 1.2's 0x0303. */
export const LEGACY_VERSION = 0x0303;

/** RFC 8446 §4.2.1: the version number of TLS 1.3. */
export const TLS13 = 0x0304;

/** A decoded ClientHello body. */
export interface ClientHello {
  readonly legacyVersion: number;
  readonly random: Uint8Array;
  readonly legacySessionId: Uint8Array;
  readonly cipherSuites: readonly number[];
  readonly legacyCompressionMethods: readonly number[];
  readonly extensions: readonly ClientHelloExtension[];
}

/** Reads a ClientHello body. Structural errors are decode_error; a pre_shared_key that is not last is illegal_parameter. */
export function decodeClientHello(body: Uint8Array): ClientHello {
  const r = tlsReader(body);
  const legacyVersion = r.u16();
  const random = r.bytesView(32);
  const legacySessionId = readOpaque(r, 1, 0, 32, "legacy_session_id");
  const cipherSuites = readU16List(r, 2, 2, 0xfffe, "cipher_suites");
  const legacyCompressionMethods = readU8List(r, 1, 1, 255, "legacy_compression_methods");
  // RFC 8446 §4.1.2: a TLS 1.3 ClientHello always has extensions (Extension extensions<8..2^16-1>).
  const extensions = readExtensions(r, "CH", 8);
  expectEnd(r, "ClientHello");
  const psk = extensions.findIndex((extension) => extension.type === "pre_shared_key");
  // RFC 8446 §4.2.11: pre_shared_key MUST be the last extension.
  if (psk !== -1 && psk !== extensions.length - 1) throw alert("illegal_parameter", "pre_shared_key is not the last extension");
  return { legacyVersion, random, legacySessionId, cipherSuites, legacyCompressionMethods, extensions };
}

/** Encodes a ClientHello as a framed handshake message. */
export function encodeClientHello(hello: ClientHello): Uint8Array {
  return encodeHandshake(HandshakeType.client_hello, (w) => {
    w.u16(hello.legacyVersion).bytes(hello.random).prefixedBytes(1, hello.legacySessionId);
    writeU16List(w, 2, hello.cipherSuites);
    writeU8List(w, 1, hello.legacyCompressionMethods);
    writeExtensions(w, "CH", hello.extensions);
  });
}

/**
 * RFC 8446 §4.2.11.2: Truncate(ClientHello): the framed message without its
 * binders list (the lengths still count the binders). `message` is the frame.
 */
export function truncateBinders(hello: ClientHello, message: Uint8Array): Uint8Array {
  const psk = findExtension(hello.extensions, "pre_shared_key");
  return psk === undefined ? message : message.subarray(0, message.length - bindersLength(psk.binders));
}
