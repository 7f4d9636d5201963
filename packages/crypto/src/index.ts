/**
 * `@zquic/crypto`: the crypto provider seam (a pure `noble` implementation and
 * a `native` one loaded on demand), the TLS 1.3 HKDF functions and QUIC packet
 * protection.
 *
 * @packageDocumentation
 */
export * from "./provider.js";
export {
  AEAD_NONCE_LENGTH,
  AEAD_TAG_LENGTH,
  HEADER_PROTECTION_MASK_LENGTH,
  HEADER_PROTECTION_SAMPLE_LENGTH,
  aeadKeyLength,
  hashLength,
  headerProtectionKeyLength,
  signatureSchemes,
  weierstrassCurves,
  type SignatureScheme,
  type WeierstrassCurve,
} from "./algorithms.js";
export { hkdfExpandLabel, deriveSecret } from "./hkdf-label.js";
export { nobleProvider } from "./noble/provider.js";
export { loadProvider } from "./load-provider.js";
export { pooledRandom, RANDOM_POOL_SIZE } from "./random-pool.js";
export * from "./quic/cipher-suites.js";
export * from "./quic/versions.js";
export * from "./quic/packet-keys.js";
export * from "./quic/packet-protection.js";
export * from "./quic/retry-integrity.js";
