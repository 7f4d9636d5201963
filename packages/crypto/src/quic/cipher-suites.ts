/**
 * The TLS 1.3 cipher suites QUIC can use (RFC 9001 §5.3), with what packet
 * protection needs to know about each, as data.
 *
 * @module
 */
import { ZquicError } from "@zquic/wire";
import { aeadKeyLength } from "../algorithms.js";
import type { AeadAlgorithm, HashAlgorithm, HeaderProtectionAlgorithm } from "../provider.js";

/** One cipher suite, as packet protection sees it. */
export interface CipherSuite {
  /** RFC 8446 §B.4: the code point. */
  readonly id: number;
  readonly name: string;
  readonly aead: AeadAlgorithm;
  /** The hash of HKDF (RFC 9001 §5.1). */
  readonly hash: HashAlgorithm;
  /** RFC 9001 §5.4.3, §5.4.4. */
  readonly headerProtection: HeaderProtectionAlgorithm;
  /** Length of the AEAD key and of the header protection key, in bytes. */
  readonly keyLength: number;
  /** RFC 9001 §6.6: packets one key may encrypt before a key update is due. */
  readonly confidentialityLimit: number;
  /** RFC 9001 §6.6: packets failing authentication a connection may receive, across all keys. */
  readonly integrityLimit: number;
}

function suite(id: number, name: string, aead: AeadAlgorithm, hash: HashAlgorithm, headerProtection: HeaderProtectionAlgorithm, confidentialityLimit: number, integrityLimit: number): CipherSuite {
  return { id, name, aead, hash, headerProtection, keyLength: aeadKeyLength[aead], confidentialityLimit, integrityLimit };
}

/** RFC 9001 §5.3 (TLS_AES_128_CCM_8_SHA256 is excluded there; CCM is not offered here). */
export const TLS_AES_128_GCM_SHA256 = suite(0x1301, "TLS_AES_128_GCM_SHA256", "aes-128-gcm", "sha256", "aes-128-ecb", 2 ** 23, 2 ** 52);
/** RFC 9001 §6.6: AES-256-GCM shares AES-128-GCM's limits. */
export const TLS_AES_256_GCM_SHA384 = suite(0x1302, "TLS_AES_256_GCM_SHA384", "aes-256-gcm", "sha384", "aes-256-ecb", 2 ** 23, 2 ** 52);
/** RFC 9001 §6.6: the confidentiality limit exceeds 2^62 packets "and so can be disregarded". */
export const TLS_CHACHA20_POLY1305_SHA256 = suite(0x1303, "TLS_CHACHA20_POLY1305_SHA256", "chacha20-poly1305", "sha256", "chacha20", Number.POSITIVE_INFINITY, 2 ** 36);

/** Every cipher suite packet protection supports, by id. */
export const cipherSuites: ReadonlyMap<number, CipherSuite> = new Map(
  [TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256].map((s) => [s.id, s]),
);

/** The cipher suite with code point `id`; a `ZquicError` when QUIC cannot use it. */
export function cipherSuite(id: number): CipherSuite {
  const found = cipherSuites.get(id);
  if (found === undefined) {
    throw new ZquicError("CRYPTO_UNSUPPORTED", `cipher suite 0x${id.toString(16).padStart(4, "0")} is not usable with QUIC here; negotiate 0x1301, 0x1302 or 0x1303`);
  }
  return found;
}
