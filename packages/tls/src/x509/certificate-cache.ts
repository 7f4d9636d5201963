/**
 * Decoded certificates kept by their DER bytes. A client meets the same server
 * chain handshake after handshake, and decoding a certificate (names, times,
 * extensions, key) costs more than a Finished check; only decoding is cached:
 * every handshake still validates the chain, times and names.
 *
 * @module
 */
import { equalBytes } from "@zquic/wire";
import { parseCertificate, type Certificate } from "./certificate.js";

/** Certificates kept; the least recently used one goes first. */
export const MAX_CACHED_CERTIFICATES = 64;

/** Map order is the recency order: a hit moves its entry to the back. Keys are {@link fingerprint}s. */
const certificates = new Map<number, Certificate>();

/** FNV-1a over the bytes: a bucket index, confirmed by comparing the bytes themselves. */
function fingerprint(der: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < der.length; i++) hash = Math.imul(hash ^ der[i]!, 0x01000193);
  return hash >>> 0;
}

/**
 * {@link parseCertificate} for bytes decoded before, or a decode of a private
 * copy of `der` (so the kept certificate never aliases the caller's buffer).
 * The result is shared between handshakes and must not be modified. Throws
 * what {@link parseCertificate} throws; failures are not kept.
 */
export function decodeCertificate(der: Uint8Array): Certificate {
  const key = fingerprint(der);
  const known = certificates.get(key);
  if (known !== undefined && equalBytes(known.der, der)) {
    certificates.delete(key);
    certificates.set(key, known);
    return known;
  }
  const decoded = parseCertificate(der.slice());
  if (known !== undefined) certificates.delete(key); // a colliding fingerprint: the newer certificate replaces it
  else if (certificates.size >= MAX_CACHED_CERTIFICATES) certificates.delete(certificates.keys().next().value!);
  certificates.set(key, decoded);
  return decoded;
}
