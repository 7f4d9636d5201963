/**
 * The pure provider: every primitive from `@noble/*` (or written here), so it
 * runs unchanged in any JavaScript engine.
 *
 * @module
 */
import { randomBytes } from "@noble/hashes/utils.js";
import { hashLength, lookup } from "../algorithms.js";
import { hkdfFunctions } from "../hkdf.js";
import { keyExchange } from "../key-exchange.js";
import type { CryptoProvider } from "../provider.js";
import { pooledRandom } from "../random-pool.js";
import { signatures } from "../signatures.js";
import { nobleAead } from "./aead.js";
import { nobleDiffieHellman } from "./diffie-hellman.js";
import { nobleHash, nobleHasher, nobleHmac } from "./hash.js";
import { nobleHeaderProtection } from "./header-protection.js";
import { mlKem768 } from "./ml-kem.js";
import { nobleRsa } from "./rsa.js";
import { nobleEcdsa, nobleEd25519 } from "./signature.js";

/** The pure-JavaScript {@link CryptoProvider}. */
export const nobleProvider: CryptoProvider = {
  name: "noble",
  aead: nobleAead,
  headerProtection: nobleHeaderProtection,
  hashLength: (algorithm) => lookup(hashLength, algorithm, "hash"),
  hash: (algorithm, data) => nobleHash(algorithm)(data),
  hasher: nobleHasher,
  hmac: nobleHmac,
  ...hkdfFunctions(nobleHmac),
  ...keyExchange(nobleDiffieHellman, mlKem768),
  ...signatures({ hash: (algorithm, data) => nobleHash(algorithm)(data), ecdsa: nobleEcdsa, ed25519: nobleEd25519, rsa: nobleRsa }),
  // The platform CSPRNG (crypto.getRandomValues), which every runtime has, drawn a pool at a time.
  random: pooledRandom((buffer) => buffer.set(randomBytes(buffer.length))),
};
