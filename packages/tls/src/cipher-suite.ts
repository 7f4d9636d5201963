/**
 * TLS 1.3 cipher suites (RFC 8446 §B.4) usable with QUIC (RFC 9001 §5.3). The
 * parameters of each (AEAD, hash, header protection, limits) are the crypto
 * package's table; this names the code points for configuration.
 *
 * @module
 */
import { type CipherSuite as CipherSuiteParameters, cipherSuites } from "@zquic/crypto";

export type { CipherSuiteParameters };

/** RFC 8446 §B.4: cipher suite code points. */
export const CipherSuite = {
  TLS_AES_128_GCM_SHA256: 0x1301,
  TLS_AES_256_GCM_SHA384: 0x1302,
  TLS_CHACHA20_POLY1305_SHA256: 0x1303,
} as const;

/** The parameters of cipher suite `code`, or `undefined` when this stack does not implement it. */
export function cipherSuite(code: number): CipherSuiteParameters | undefined {
  return cipherSuites.get(code);
}

/** Every implemented cipher suite, in the default preference order (AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305). */
export const DEFAULT_CIPHER_SUITES: readonly number[] = [
  CipherSuite.TLS_AES_128_GCM_SHA256,
  CipherSuite.TLS_AES_256_GCM_SHA384,
  CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
];
