/**
 * The authentication messages both roles send and check (RFC 8446 §4.4):
 * Certificate, CertificateVerify and Finished.
 *
 * @module
 */
import type { CryptoProvider, PrivateKey, PublicKey, RandomSource } from "@zquic/crypto";
import { constantTimeEqual, equalBytes } from "@zquic/wire";
import { TlsAlert, alert } from "./alert.js";
import type { Hkdf } from "./hkdf.js";
import { finishedVerifyData } from "./key-schedule.js";
import { decodeCertificateMessage, encodeCertificateMessage } from "./messages/certificate.js";
import { decodeCertificateVerify, encodeCertificateVerify, signedContent } from "./messages/certificate-verify.js";
import { decodeFinished, encodeFinished } from "./messages/finished.js";
import type { HandshakeMessage } from "./messages/handshake.js";
import { handshakeSignatureAlgorithm, schemeFitsKey } from "./signature-scheme.js";
import { decodeCertificate } from "./x509/certificate-cache.js";
import { type Certificate, type CertificateVerifier, X509Error } from "./x509/index.js";

/** The peer's certificate chain, its decoded leaf, and the key its CertificateVerify must be checked with. */
export interface PeerCertificate {
  readonly chain: readonly Uint8Array[];
  readonly leaf: Certificate;
  readonly publicKey: PublicKey;
}

/**
 * Reads a peer's Certificate (RFC 8446 §4.4.2): the context must echo ours and
 * no entry may carry extensions we did not ask for. An empty list is `undefined`.
 */
export function readPeerCertificate(message: HandshakeMessage, requestContext: Uint8Array): PeerCertificate | undefined {
  const certificate = decodeCertificateMessage(message.body);
  if (!equalBytes(certificate.certificateRequestContext, requestContext)) {
    throw alert("illegal_parameter", "certificate_request_context does not match");
  }
  // RFC 8446 §4.4.2: extensions must answer ones we sent; we send none a CertificateEntry could answer.
  if (certificate.certificateList.some((entry) => entry.extensions.length > 0)) {
    throw alert("unsupported_extension", "a CertificateEntry carries an extension that was not requested");
  }
  const chain = certificate.certificateList.map((entry) => entry.certData);
  const leaf = chain[0];
  if (leaf === undefined) return undefined;
  const decoded = decodeLeaf(leaf);
  const publicKey = decoded.publicKey;
  if (publicKey === undefined) throw alert("unsupported_certificate", "the end-entity certificate's key type is not supported");
  return { chain, leaf: decoded, publicKey };
}

function decodeLeaf(der: Uint8Array): Certificate {
  try {
    return decodeCertificate(der);
  } catch (error) {
    if (error instanceof X509Error) throw alert("bad_certificate", `the end-entity certificate does not decode: ${error.message}`);
    throw error;
  }
}

/** Asks `verifier` about the peer's chain; a rejection becomes the alert it names. May return a promise. */
export function verifyChain(
  verifier: CertificateVerifier,
  { chain, leaf }: PeerCertificate,
  now: number,
  purpose: "server" | "client",
  serverName: string | undefined,
): void | Promise<void> {
  const outcome = verifier.verify(serverName === undefined ? { chain, leaf, now, purpose } : { chain, leaf, now, purpose, serverName });
  const settle = (result: Awaited<typeof outcome>): void => {
    if (!result.ok) throw new TlsAlert(result.alert, result.reason);
  };
  return isThenable(outcome) ? Promise.resolve(outcome).then(settle) : settle(outcome);
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown }).then === "function";
}

/**
 * RFC 8446 §4.4.3: checks a CertificateVerify against the transcript hash up to
 * the Certificate. The scheme must be one we offered that fits the key
 * (illegal_parameter otherwise); a bad signature is decrypt_error.
 */
export function checkCertificateVerify(
  provider: CryptoProvider,
  message: HandshakeMessage,
  publicKey: PublicKey,
  offeredSchemes: readonly number[],
  signer: "server" | "client",
  transcriptHash: Uint8Array,
): void {
  const verify = decodeCertificateVerify(message.body);
  const algorithm = handshakeSignatureAlgorithm(verify.algorithm);
  if (algorithm === undefined || !offeredSchemes.includes(verify.algorithm) || !schemeFitsKey(verify.algorithm, publicKey)) {
    throw alert("illegal_parameter", `signature scheme 0x${verify.algorithm.toString(16)} was not offered or does not fit the certificate key`);
  }
  if (!provider.verify(algorithm, publicKey, signedContent(signer, transcriptHash), verify.signature)) {
    throw alert("decrypt_error", "the CertificateVerify signature does not verify");
  }
}

/** RFC 8446 §4.4.2: our Certificate message (an empty list means we decline a request). */
export function certificateMessage(chain: readonly Uint8Array[], requestContext: Uint8Array): Uint8Array {
  return encodeCertificateMessage({
    certificateRequestContext: requestContext,
    certificateList: chain.map((certData) => ({ certData, extensions: [] })),
  });
}

/** RFC 8446 §4.4.3: our CertificateVerify with `scheme` over the transcript hash up to our Certificate. */
export function certificateVerifyMessage(
  provider: CryptoProvider,
  key: PrivateKey,
  scheme: number,
  signer: "server" | "client",
  transcriptHash: Uint8Array,
  random: RandomSource,
): Uint8Array {
  const algorithm = handshakeSignatureAlgorithm(scheme);
  if (algorithm === undefined) throw alert("internal_error", `scheme 0x${scheme.toString(16)} cannot sign a CertificateVerify`);
  const signature = provider.sign(algorithm, key, signedContent(signer, transcriptHash), random);
  return encodeCertificateVerify({ algorithm: scheme, signature });
}

/** RFC 8446 §4.4.4: our Finished over the transcript hash so far. */
export function finishedMessage(hkdf: Hkdf, baseKey: Uint8Array, transcriptHash: Uint8Array): Uint8Array {
  return encodeFinished(finishedVerifyData(hkdf, baseKey, transcriptHash));
}

/** RFC 8446 §4.4.4: checks the peer's Finished; a wrong verify_data is decrypt_error. */
export function checkFinished(hkdf: Hkdf, baseKey: Uint8Array, transcriptHash: Uint8Array, message: HandshakeMessage): void {
  const verifyData = decodeFinished(message.body, hkdf.length);
  if (!constantTimeEqual(verifyData, finishedVerifyData(hkdf, baseKey, transcriptHash))) {
    throw alert("decrypt_error", "the Finished verify_data is wrong");
  }
}
