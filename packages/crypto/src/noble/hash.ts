/**
 * SHA-2 and HMAC from `@noble/hashes`.
 *
 * @module
 */
import { hmac } from "@noble/hashes/hmac.js";
import { sha256, sha384, sha512 } from "@noble/hashes/sha2.js";
import { lookup } from "../algorithms.js";
import type { HashAlgorithm, IncrementalHash } from "../provider.js";

const hashes = { sha256, sha384, sha512 } as const;

/** The noble hash function for `algorithm`. */
export function nobleHash(algorithm: HashAlgorithm): (typeof hashes)[HashAlgorithm] {
  return lookup(hashes, algorithm, "hash");
}

type NobleHashState = ReturnType<(typeof hashes)[HashAlgorithm]["create"]>;

function incremental(state: NobleHashState): IncrementalHash {
  return {
    update(data) {
      state.update(data);
    },
    digest: () => state.clone().digest(),
    clone: () => incremental(state.clone()),
  };
}

/** An incremental hash whose `digest()` leaves the state running. */
export function nobleHasher(algorithm: HashAlgorithm): IncrementalHash {
  return incremental(nobleHash(algorithm).create());
}

/** HMAC-`algorithm`(key, data). */
export function nobleHmac(algorithm: HashAlgorithm, key: Uint8Array, data: Uint8Array): Uint8Array {
  return hmac(nobleHash(algorithm), key, data);
}
