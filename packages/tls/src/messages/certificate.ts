/**
 * Certificate (RFC 8446 §4.4.2): the sender's X.509 chain, leaf first.
 *
 * @module
 */
import { type CertificateEntryExtension, readExtensions, writeExtensions } from "./extensions.js";
import { HandshakeType, encodeHandshake, expectEnd, tlsReader } from "./handshake.js";
import { readOpaque, readVector } from "./vectors.js";

/** One CertificateEntry: a DER certificate and its extensions. */
export interface CertificateEntry {
  readonly certData: Uint8Array;
  readonly extensions: readonly CertificateEntryExtension[];
}

/** A decoded Certificate message. */
export interface CertificateMessage {
  readonly certificateRequestContext: Uint8Array;
  readonly certificateList: readonly CertificateEntry[];
}

/** Reads a Certificate body. */
export function decodeCertificateMessage(body: Uint8Array): CertificateMessage {
  const r = tlsReader(body);
  const certificateRequestContext = readOpaque(r, 1, 0, 255, "certificate_request_context");
  // RFC 8446 §4.4.2: CertificateEntry certificate_list<0..2^24-1>; opaque cert_data<1..2^24-1>
  const certificateList = readVector(r, 3, 0, 0xffffff, "certificate_list", (e) => ({
    certData: readOpaque(e, 3, 1, 0xffffff, "cert_data"),
    extensions: readExtensions(e, "CT"),
  }));
  expectEnd(r, "Certificate");
  return { certificateRequestContext, certificateList };
}

/** Encodes a Certificate as a framed handshake message. */
export function encodeCertificateMessage(certificate: CertificateMessage): Uint8Array {
  return encodeHandshake(HandshakeType.certificate, (w) => {
    w.prefixedBytes(1, certificate.certificateRequestContext);
    w.prefixed(3, (list) => {
      for (const entry of certificate.certificateList) {
        list.prefixedBytes(3, entry.certData);
        writeExtensions(list, "CT", entry.extensions);
      }
    });
  });
}
