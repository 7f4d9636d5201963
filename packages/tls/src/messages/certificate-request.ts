/**
 * CertificateRequest (RFC 8446 §4.3.2).
 *
 * @module
 */
import { alert } from "../alert.js";
import { type CertificateRequestExtension, findExtension, readExtensions, writeExtensions } from "./extensions.js";
import { HandshakeType, encodeHandshake, expectEnd, tlsReader } from "./handshake.js";
import { readOpaque } from "./vectors.js";

/** A decoded CertificateRequest. */
export interface CertificateRequest {
  readonly certificateRequestContext: Uint8Array;
  readonly extensions: readonly CertificateRequestExtension[];
}

/** Reads a CertificateRequest body; signature_algorithms is mandatory (missing_extension without it). */
export function decodeCertificateRequest(body: Uint8Array): CertificateRequest {
  const r = tlsReader(body);
  const certificateRequestContext = readOpaque(r, 1, 0, 255, "certificate_request_context");
  // RFC 8446 §4.3.2: Extension extensions<2..2^16-1>
  const extensions = readExtensions(r, "CR", 2);
  expectEnd(r, "CertificateRequest");
  if (findExtension(extensions, "signature_algorithms") === undefined) {
    throw alert("missing_extension", "CertificateRequest without signature_algorithms");
  }
  return { certificateRequestContext, extensions };
}

/** Encodes a CertificateRequest as a framed handshake message. */
export function encodeCertificateRequest(request: CertificateRequest): Uint8Array {
  return encodeHandshake(HandshakeType.certificate_request, (w) => {
    w.prefixedBytes(1, request.certificateRequestContext);
    writeExtensions(w, "CR", request.extensions);
  });
}
