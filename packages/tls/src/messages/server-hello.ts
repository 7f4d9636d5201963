/**
 * ServerHello and HelloRetryRequest (RFC 8446 §4.1.3, §4.1.4): one wire
 * structure, told apart by the special Random of a HelloRetryRequest.
 *
 * @module
 */
import { equalBytes, fromHex } from "@zquic/wire";
import { alert } from "../alert.js";
import { type HelloRetryRequestExtension, type ServerHelloExtension, readExtensions, writeExtensions } from "./extensions.js";
import { HandshakeType, encodeHandshake, expectEnd, tlsReader } from "./handshake.js";
import { readOpaque } from "./vectors.js";

/** RFC 8446 §4.1.3: the Random of a HelloRetryRequest, SHA-256("HelloRetryRequest"). */
export const HELLO_RETRY_REQUEST_RANDOM = fromHex("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c");

/** RFC 8446 §4.1.3: the last 8 bytes of a ServerHello.random from a server that negotiated TLS 1.2 … */
export const DOWNGRADE_TLS12 = fromHex("444f574e47524401");
/** … or TLS 1.1 and below. */
export const DOWNGRADE_TLS11 = fromHex("444f574e47524400");

interface HelloFields {
  readonly legacyVersion: number;
  readonly random: Uint8Array;
  readonly legacySessionIdEcho: Uint8Array;
  readonly cipherSuite: number;
  readonly legacyCompressionMethod: number;
}

/** A decoded ServerHello. */
export interface ServerHello extends HelloFields {
  readonly kind: "server_hello";
  readonly extensions: readonly ServerHelloExtension[];
}

/** A decoded HelloRetryRequest. */
export interface HelloRetryRequest extends HelloFields {
  readonly kind: "hello_retry_request";
  readonly extensions: readonly HelloRetryRequestExtension[];
}

/** Reads a server_hello body: a ServerHello, or a HelloRetryRequest when the Random says so (RFC 8446 §4.1.3). */
export function decodeServerHello(body: Uint8Array): ServerHello | HelloRetryRequest {
  const r = tlsReader(body);
  const legacyVersion = r.u16();
  const random = r.bytesView(32);
  const legacySessionIdEcho = readOpaque(r, 1, 0, 32, "legacy_session_id_echo");
  const cipherSuite = r.u16();
  const legacyCompressionMethod = r.u8();
  const fields = { legacyVersion, random, legacySessionIdEcho, cipherSuite, legacyCompressionMethod };
  // RFC 8446 §4.1.3: a TLS 1.3 block holds at least supported_versions (6 bytes), but a TLS 1.2
  // ServerHello may have a shorter one or none: the client checks the version, not the decoder.
  const hasExtensions = !r.done;
  const hello: ServerHello | HelloRetryRequest = equalBytes(random, HELLO_RETRY_REQUEST_RANDOM)
    ? { kind: "hello_retry_request", ...fields, extensions: hasExtensions ? readExtensions(r, "HRR") : [] }
    : { kind: "server_hello", ...fields, extensions: hasExtensions ? readExtensions(r, "SH") : [] };
  expectEnd(r, "ServerHello");
  if (legacyCompressionMethod !== 0) throw alert("illegal_parameter", "legacy_compression_method is not 0");
  return hello;
}

/** Encodes a ServerHello or HelloRetryRequest as a framed handshake message. */
export function encodeServerHello(hello: ServerHello | HelloRetryRequest): Uint8Array {
  return encodeHandshake(HandshakeType.server_hello, (w) => {
    w.u16(hello.legacyVersion).bytes(hello.random).prefixedBytes(1, hello.legacySessionIdEcho);
    w.u16(hello.cipherSuite).u8(hello.legacyCompressionMethod);
    if (hello.kind === "hello_retry_request") writeExtensions(w, "HRR", hello.extensions);
    else writeExtensions(w, "SH", hello.extensions);
  });
}
