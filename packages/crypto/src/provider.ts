/**
 * The `CryptoProvider` interface: every primitive the stack needs, behind one
 * seam, so the pure (`noble`) and native (`node:crypto`) implementations are
 * interchangeable and are held to the same test suite.
 *
 * Conventions: all bytes are `Uint8Array`; nothing here throws on bad input from
 * the network (authentication failure is `null`, a bad signature is `false`);
 * API misuse (wrong key length, unknown algorithm) throws a `ZquicError`.
 *
 * @module
 */

/** AEAD algorithms of the TLS 1.3 cipher suites QUIC uses (RFC 9001 §5.3). */
export type AeadAlgorithm = "aes-128-gcm" | "aes-256-gcm" | "chacha20-poly1305";

/** Header protection algorithms (RFC 9001 §5.4.3, §5.4.4). */
export type HeaderProtectionAlgorithm = "aes-128-ecb" | "aes-256-ecb" | "chacha20";

/** Hash functions used by the TLS 1.3 key schedule. */
export type HashAlgorithm = "sha256" | "sha384" | "sha512";

/** Key exchange groups, by their TLS names (RFC 8446 §4.2.7, draft-ietf-tls-ecdhe-mlkem). */
export type KeyExchangeGroup = "x25519" | "secp256r1" | "secp384r1" | "mlkem768" | "x25519mlkem768";

/**
 * Signature algorithms, by their TLS SignatureScheme names (RFC 8446 §4.2.3).
 * TLS 1.3 uses `rsa_pkcs1_*` only in certificates (signing is there for test
 * certificate authorities).
 */
export type SignatureAlgorithm =
  | "ecdsa_secp256r1_sha256"
  | "ecdsa_secp384r1_sha384"
  | "ed25519"
  | "rsa_pss_rsae_sha256"
  | "rsa_pss_rsae_sha384"
  | "rsa_pss_rsae_sha512"
  | "rsa_pkcs1_sha256"
  | "rsa_pkcs1_sha384"
  | "rsa_pkcs1_sha512";

/**
 * An AEAD with a fixed key. The tag is appended to the ciphertext (16 bytes for
 * all three). Arguments are read during the call only, so callers may reuse them.
 */
export interface Aead {
  readonly algorithm: AeadAlgorithm;
  readonly keyLength: number;
  /** Nonce length in bytes (12 for all three). */
  readonly nonceLength: number;
  readonly tagLength: number;
  /** Ciphertext ‖ tag. */
  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /**
   * Writes ciphertext ‖ tag (`plaintext.length + tagLength` bytes) into `output`
   * at `offset`, sparing the packet path a copy. The ciphertext may replace the
   * plaintext in place (`output.subarray(offset)` starting where `plaintext` does);
   * any other overlap is undefined.
   */
  sealInto(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, output: Uint8Array, offset: number): void;
  /** The plaintext, or `null` when authentication fails. */
  open(nonce: Uint8Array, aad: Uint8Array, ciphertextAndTag: Uint8Array): Uint8Array | null;
}

/** A header protection key (RFC 9001 §5.4). */
export interface HeaderProtector {
  readonly algorithm: HeaderProtectionAlgorithm;
  /** Writes the 5-byte mask for `sample` (exactly 16 bytes) into `out` (at least 5 bytes). */
  mask(sample: Uint8Array, out: Uint8Array): void;
}

/** Public keys, as decoded from a certificate's SubjectPublicKeyInfo. */
export type PublicKey =
  | { readonly kind: "ec"; readonly curve: "P-256" | "P-384"; /** SEC1 point, uncompressed or compressed */ readonly point: Uint8Array }
  | { readonly kind: "ed25519"; readonly key: Uint8Array }
  | { readonly kind: "rsa"; readonly n: bigint; readonly e: bigint };

/** Private keys, as decoded from PKCS#8 / SEC1 / PKCS#1. */
export type PrivateKey =
  | { readonly kind: "ec"; readonly curve: "P-256" | "P-384"; readonly d: Uint8Array }
  | { readonly kind: "ed25519"; /** the 32-byte seed */ readonly seed: Uint8Array }
  | {
      readonly kind: "rsa";
      readonly n: bigint;
      readonly e: bigint;
      readonly d: bigint;
      readonly p: bigint;
      readonly q: bigint;
      readonly dp: bigint;
      readonly dq: bigint;
      readonly qInv: bigint;
    };

/** One side's ephemeral key-exchange state. */
export interface KeyShare {
  readonly group: KeyExchangeGroup;
  /** What goes into the key_share extension's key_exchange field. */
  readonly publicKey: Uint8Array;
  /**
   * The shared secret from the peer's key_exchange bytes, or `null` when they
   * are malformed (wrong length, point not on the curve, all-zero X25519 output).
   * A well-formed but wrong ML-KEM ciphertext yields an unrelated secret (FIPS 203
   * implicit rejection), so the handshake fails at Finished instead.
   */
  complete(peerPublic: Uint8Array): Uint8Array | null;
}

/**
 * The responder's side of a key exchange (TLS server). For Diffie–Hellman groups
 * it is a fresh key pair; for a KEM it is an encapsulation to the client's key.
 */
export interface KeyShareResponse {
  /** The server's key_exchange bytes. */
  readonly publicKey: Uint8Array;
  readonly sharedSecret: Uint8Array;
}

/** A source of random bytes: `(n) => n fresh bytes`. Injected everywhere for determinism. */
export type RandomSource = (length: number) => Uint8Array;

/** Every primitive the stack needs. */
export interface CryptoProvider {
  /** `"noble"` or `"native"` (possibly mixed: see each implementation). */
  readonly name: string;

  aead(algorithm: AeadAlgorithm, key: Uint8Array): Aead;
  headerProtection(algorithm: HeaderProtectionAlgorithm, key: Uint8Array): HeaderProtector;

  hashLength(algorithm: HashAlgorithm): number;
  hash(algorithm: HashAlgorithm, data: Uint8Array): Uint8Array;
  /** An incremental hash; `digest()` may be called repeatedly (it does not finish the state), as the TLS transcript needs. */
  hasher(algorithm: HashAlgorithm): IncrementalHash;
  hmac(algorithm: HashAlgorithm, key: Uint8Array, data: Uint8Array): Uint8Array;
  /** RFC 5869 HKDF-Extract. An empty salt means HashLen zero bytes. */
  hkdfExtract(algorithm: HashAlgorithm, salt: Uint8Array, ikm: Uint8Array): Uint8Array;
  /** RFC 5869 HKDF-Expand. */
  hkdfExpand(algorithm: HashAlgorithm, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array;

  /** Starts a key exchange as the initiator (TLS client). Private key bytes come from `random`. */
  generateKeyShare(group: KeyExchangeGroup, random: RandomSource): KeyShare;
  /** Answers a peer's key share as the responder (TLS server); `null` when `peerPublic` is malformed. */
  respondKeyShare(group: KeyExchangeGroup, peerPublic: Uint8Array, random: RandomSource): KeyShareResponse | null;

  /** Signs `data` (the whole message; the provider hashes it). */
  sign(algorithm: SignatureAlgorithm, key: PrivateKey, data: Uint8Array, random: RandomSource): Uint8Array;
  /** Verifies `signature` over `data`. ECDSA signatures are DER; high-S is accepted (TLS peers produce it). */
  verify(algorithm: SignatureAlgorithm, key: PublicKey, data: Uint8Array, signature: Uint8Array): boolean;
  /** The public half of `key`. */
  publicKeyOf(key: PrivateKey): PublicKey;

  /** Random bytes from the platform's CSPRNG. */
  random: RandomSource;
}

/** An incremental hash whose running digest can be read at any point. */
export interface IncrementalHash {
  update(data: Uint8Array): void;
  /** The digest of everything so far; the state continues. */
  digest(): Uint8Array;
  /** An independent copy of the current state. */
  clone(): IncrementalHash;
}
