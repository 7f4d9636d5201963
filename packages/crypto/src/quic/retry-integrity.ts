/**
 * The Retry Integrity Tag (RFC 9001 §5.8, RFC 9369 §3.3.3): AEAD_AES_128_GCM
 * with a fixed per-version key and nonce, an empty plaintext, and the Retry
 * Pseudo-Packet as associated data (`retryPseudoPacket` in `@zquic/wire`
 * builds it).
 *
 * @module
 */
import { constantTimeEqual } from "@zquic/wire";
import type { CryptoProvider } from "../provider.js";
import { versionCrypto } from "./versions.js";

const EMPTY = new Uint8Array(0);

/** The 16-byte Retry Integrity Tag over `pseudoPacket` for `version`. */
export function retryIntegrityTag(provider: CryptoProvider, version: number, pseudoPacket: Uint8Array): Uint8Array {
  const { retryKey, retryNonce } = versionCrypto(version);
  return provider.aead("aes-128-gcm", retryKey).seal(retryNonce, pseudoPacket, EMPTY);
}

/** True when `tag` is the Retry Integrity Tag of `pseudoPacket` (RFC 9000 §17.2.5.2: otherwise discard the Retry). */
export function verifyRetryIntegrity(provider: CryptoProvider, version: number, pseudoPacket: Uint8Array, tag: Uint8Array): boolean {
  return constantTimeEqual(retryIntegrityTag(provider, version, pseudoPacket), tag);
}
