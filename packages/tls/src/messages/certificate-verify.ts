/**
 * CertificateVerify (RFC 8446 §4.4.3): the message and the content its
 * signature covers.
 *
 * @module
 */
import { utf8 } from "@zquic/wire";
import { HandshakeType, encodeHandshake, expectEnd, tlsReader } from "./handshake.js";
import { readOpaque } from "./vectors.js";

/** A decoded CertificateVerify. */
export interface CertificateVerify {
  readonly algorithm: number;
  readonly signature: Uint8Array;
}

/** Reads a CertificateVerify body: `SignatureScheme algorithm; opaque signature<0..2^16-1>`. */
export function decodeCertificateVerify(body: Uint8Array): CertificateVerify {
  const r = tlsReader(body);
  const algorithm = r.u16();
  const signature = readOpaque(r, 2, 0, 0xffff, "signature");
  expectEnd(r, "CertificateVerify");
  return { algorithm, signature };
}

/** Encodes a CertificateVerify as a framed handshake message. */
export function encodeCertificateVerify(verify: CertificateVerify): Uint8Array {
  return encodeHandshake(HandshakeType.certificate_verify, (w) => void w.u16(verify.algorithm).prefixedBytes(2, verify.signature));
}

/** RFC 8446 §4.4.3: the context strings that separate server and client signatures. */
const contextStrings = {
  server: utf8("TLS 1.3, server CertificateVerify"),
  client: utf8("TLS 1.3, client CertificateVerify"),
} as const;

/** RFC 8446 §4.4.3: the signed content: 64 × 0x20, the context string, a 0 byte, then the transcript hash. */
export function signedContent(signer: "server" | "client", transcriptHash: Uint8Array): Uint8Array {
  const context = contextStrings[signer];
  const content = new Uint8Array(64 + context.length + 1 + transcriptHash.length);
  content.fill(0x20, 0, 64);
  content.set(context, 64);
  content.set(transcriptHash, 64 + context.length + 1);
  return content;
}
