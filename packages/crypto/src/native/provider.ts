/**
 * The native provider: `node:crypto` (Node, Deno and Bun all offer it) for
 * each primitive the runtime supports, the pure implementation for the rest.
 * Support is found by trying each algorithm once (Bun has no ChaCha20, no
 * runtime has ML-KEM), never by sniffing the runtime. Results are
 * byte-identical to the noble provider's, except ECDSA signatures, whose
 * nonces OpenSSL draws itself.
 *
 * Only this directory may import `node:crypto`; load it through
 * `loadProvider()`, which falls back to the noble provider when it cannot.
 *
 * @module
 */
import { randomFillSync } from "node:crypto";
import { equalBytes, fromHex, toHex } from "@zquic/wire";
import { aeadKeyLength, hashLength, headerProtector, headerProtectionKeyLength, lookup, type MaskFactory } from "../algorithms.js";
import { hkdfFunctions } from "../hkdf.js";
import { keyExchange, type DiffieHellman, type DiffieHellmanGroup } from "../key-exchange.js";
import { nobleAead } from "../noble/aead.js";
import { nobleDiffieHellman } from "../noble/diffie-hellman.js";
import { nobleHash, nobleHasher, nobleHmac } from "../noble/hash.js";
import { nobleMaskFactories } from "../noble/header-protection.js";
import { mlKem768 } from "../noble/ml-kem.js";
import { nobleRsa } from "../noble/rsa.js";
import { nobleEcdsa, nobleEd25519 } from "../noble/signature.js";
import { pooledRandom } from "../random-pool.js";
import type { Aead, AeadAlgorithm, CryptoProvider, HashAlgorithm, HeaderProtectionAlgorithm, IncrementalHash } from "../provider.js";
import { modInverse } from "../rsa/integers.js";
import type { RsaPrimitive, RsaPrivateKey } from "../rsa/rsassa.js";
import { signatures, type EcdsaPrimitive, type Ed25519Primitive } from "../signatures.js";
import { nativeAead } from "./aead.js";
import { nativeDiffieHellman } from "./diffie-hellman.js";
import { nativeHash, nativeHasher, nativeHmac } from "./hash.js";
import { nativeMaskFactories } from "./header-protection.js";
import { nativeEcdsa, nativeEd25519, nativeRsa } from "./signature.js";

/** The hash functions of one provider, bundled so a fallback swaps them together. */
interface HashFunctions {
  hash(algorithm: HashAlgorithm, data: Uint8Array): Uint8Array;
  hasher(algorithm: HashAlgorithm): IncrementalHash;
  hmac(algorithm: HashAlgorithm, key: Uint8Array, data: Uint8Array): Uint8Array;
}

const PROBE_MESSAGE = new Uint8Array([0x7a, 0x71, 0x75, 0x69, 0x63]); // "zquic"

/**
 * `native` when `works(native)` succeeds (returns true without throwing), else
 * `fallback`, with `name` noted in `fallbacks`.
 */
function prefer<T>(name: string, native: T, fallback: T, works: (candidate: T) => boolean, fallbacks: string[]): T {
  try {
    if (works(native)) return native;
  } catch {
    // unsupported here
  }
  fallbacks.push(name);
  return fallback;
}

/** `prefer` for every entry of a table. */
function preferEach<K extends string, T>(names: readonly K[], native: (name: K) => T, fallback: (name: K) => T, works: (candidate: T, name: K) => boolean, fallbacks: string[]): Record<K, T> {
  const table = {} as Record<K, T>;
  for (const name of names) table[name] = prefer(name, native(name), fallback(name), (candidate) => works(candidate, name), fallbacks);
  return table;
}

const HASHES: readonly HashAlgorithm[] = ["sha256", "sha384", "sha512"];
const AEADS: readonly AeadAlgorithm[] = ["aes-128-gcm", "aes-256-gcm", "chacha20-poly1305"];
const MASKS: readonly HeaderProtectionAlgorithm[] = ["aes-128-ecb", "aes-256-ecb", "chacha20"];
const GROUPS: readonly DiffieHellmanGroup[] = ["x25519", "secp256r1", "secp384r1"];
const PROBE_PRIVATE_KEY_LENGTH: Readonly<Record<DiffieHellmanGroup, number>> = { x25519: 32, secp256r1: 32, secp384r1: 48 };

/**
 * Known answers for the Diffie–Hellman probes (RFC 7748 §6.1), so probing does
 * not wait for the pure implementation's precomputed tables.
 */
const knownDiffieHellman: Partial<Record<DiffieHellmanGroup, { alice: string; alicePublic: string; bobPublic: string; shared: string }>> = {
  x25519: {
    alice: "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
    alicePublic: "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
    bobPublic: "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
    shared: "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742",
  },
};

/** Two 256-bit primes (from `openssl prime -generate`) for a 512-bit RSA key that only probes support. */
const RSA_PROBE_PRIMES = [
  0xd882738808d52ba3742e2889f81d28962b971e359c582137c2c11f29148b8db5n,
  0xdb5bd4c828ad8c204ec7738326dd120e338bb8eb8872a87ce824be6f812adcc5n,
] as const;

/** The probe key, with its private exponent and CRT parameters computed from the primes. */
function rsaProbeKey(): RsaPrivateKey {
  const [p, q] = RSA_PROBE_PRIMES;
  const e = 65537n;
  const d = modInverse(e, (p - 1n) * (q - 1n))!;
  return { kind: "rsa", n: p * q, e, d, p, q, dp: d % (p - 1n), dq: d % (q - 1n), qInv: modInverse(q, p)! };
}

/** Builds the native provider, probing each algorithm once. */
export function createNativeProvider(): CryptoProvider {
  const fallbacks: string[] = [];
  const nativeHashes: HashFunctions = { hash: nativeHash, hasher: nativeHasher, hmac: nativeHmac };
  const nobleHashes: HashFunctions = { hash: (a, d) => nobleHash(a)(d), hasher: nobleHasher, hmac: nobleHmac };
  const hashes = preferEach(HASHES, () => nativeHashes, () => nobleHashes, (h, name) => equalBytes(h.hash(name, PROBE_MESSAGE), nobleHashes.hash(name, PROBE_MESSAGE)), fallbacks);

  type AeadFactory = (algorithm: AeadAlgorithm, key: Uint8Array) => Aead;
  const aeads = preferEach<AeadAlgorithm, AeadFactory>(AEADS, () => nativeAead, () => nobleAead, (factory, name) => {
    const key = new Uint8Array(aeadKeyLength[name]);
    const nonce = new Uint8Array(12);
    return equalBytes(factory(name, key).seal(nonce, PROBE_MESSAGE, PROBE_MESSAGE), nobleAead(name, key).seal(nonce, PROBE_MESSAGE, PROBE_MESSAGE));
  }, fallbacks);

  const masks = preferEach<HeaderProtectionAlgorithm, MaskFactory>(MASKS, (name) => nativeMaskFactories[name], (name) => nobleMaskFactories[name], (factory, name) => {
    const key = new Uint8Array(headerProtectionKeyLength[name]);
    const sample = new Uint8Array(16).fill(0xff); // the counter 0xffffffff case too
    const [ours, reference] = [new Uint8Array(5), new Uint8Array(5)];
    factory(key)(sample, ours);
    nobleMaskFactories[name](key)(sample, reference);
    return equalBytes(ours, reference);
  }, fallbacks);

  const diffieHellman = preferEach<DiffieHellmanGroup, DiffieHellman>(GROUPS, (name) => nativeDiffieHellman[name], (name) => nobleDiffieHellman[name], (dh, name) => {
    const known = knownDiffieHellman[name];
    if (known !== undefined) {
      const alice = dh.keyPair(fromHex(known.alice));
      return toHex(alice.publicKey) === known.alicePublic && toHex(alice.sharedSecret(fromHex(known.bobPublic)) ?? new Uint8Array(0)) === known.shared;
    }
    // No vector at hand: two key pairs must agree on their secret.
    const [a, b] = [dh.keyPair(new Uint8Array(PROBE_PRIVATE_KEY_LENGTH[name]).fill(1)), dh.keyPair(new Uint8Array(PROBE_PRIVATE_KEY_LENGTH[name]).fill(2))];
    const secret = a.sharedSecret(b.publicKey);
    return secret !== null && equalBytes(secret, b.sharedSecret(a.publicKey) ?? new Uint8Array(0));
  }, fallbacks);

  const ecdsa = prefer<EcdsaPrimitive>("ecdsa", nativeEcdsa, nobleEcdsa, (e) => {
    const d = new Uint8Array(32).fill(1);
    return e.verify("P-256", e.publicKey("P-256", d), "sha256", PROBE_MESSAGE, e.sign("P-256", d, "sha256", PROBE_MESSAGE));
  }, fallbacks);
  // RFC 8032 §7.1 test 1.
  const ed25519 = prefer<Ed25519Primitive>("ed25519", nativeEd25519, nobleEd25519, (e) =>
    toHex(e.sign(fromHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"), new Uint8Array(0))) ===
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
  fallbacks);
  // RSA's private and public operations are probed apart: Deno has the public one only.
  const rsaProbe = rsaProbeKey();
  const rsaRepresentative = new Uint8Array(64);
  rsaRepresentative[63] = 2;
  const rsaSign = prefer<RsaPrimitive["sign"]>("rsa-sign", nativeRsa.sign, nobleRsa.sign, (sign) => equalBytes(sign(rsaProbe, rsaRepresentative), nobleRsa.sign(rsaProbe, rsaRepresentative)), fallbacks);
  const rsaVerify = prefer<RsaPrimitive["verify"]>("rsa-verify", nativeRsa.verify, nobleRsa.verify, (verify) => {
    const result = verify(rsaProbe, rsaRepresentative);
    return result !== null && equalBytes(result, nobleRsa.verify(rsaProbe, rsaRepresentative)!);
  }, fallbacks);

  const hashesOf = (algorithm: HashAlgorithm): HashFunctions => lookup(hashes, algorithm, "hash");
  const hmac = (algorithm: HashAlgorithm, key: Uint8Array, data: Uint8Array): Uint8Array => hashesOf(algorithm).hmac(algorithm, key, data);
  return {
    name: fallbacks.length === 0 ? "native" : `native (noble for ${fallbacks.join(", ")})`,
    aead: (algorithm, key) => lookup(aeads, algorithm, "AEAD")(algorithm, key),
    headerProtection: (algorithm, key) => headerProtector(masks, algorithm, key),
    hashLength: (algorithm) => lookup(hashLength, algorithm, "hash"),
    hash: (algorithm, data) => hashesOf(algorithm).hash(algorithm, data),
    hasher: (algorithm) => hashesOf(algorithm).hasher(algorithm),
    hmac,
    ...hkdfFunctions(hmac),
    ...keyExchange(diffieHellman, mlKem768),
    ...signatures({ hash: (algorithm, data) => hashesOf(algorithm).hash(algorithm, data), ecdsa, ed25519, rsa: { sign: rsaSign, verify: rsaVerify } }),
    random: pooledRandom(randomFillSync),
  };
}
