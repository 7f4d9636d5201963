/**
 * SHA-2 and HMAC from `node:crypto`.
 *
 * @module
 */
import { createHash, createHmac, type Hash } from "node:crypto";
import { lookup } from "../algorithms.js";
import type { HashAlgorithm, IncrementalHash } from "../provider.js";
import { ownedBytes } from "./bytes.js";

/** node:crypto's names for the hashes. */
const hashNames: Readonly<Record<HashAlgorithm, string>> = { sha256: "sha256", sha384: "sha384", sha512: "sha512" };

/** node:crypto's name for `algorithm`, or a `ZquicError` for an unknown one. */
export function nativeHashName(algorithm: HashAlgorithm): string {
  return lookup(hashNames, algorithm, "hash");
}

/** `algorithm`(data). */
export function nativeHash(algorithm: HashAlgorithm, data: Uint8Array): Uint8Array {
  return ownedBytes(createHash(nativeHashName(algorithm)).update(data).digest());
}

function incremental(state: Hash): IncrementalHash {
  return {
    update(data) {
      state.update(data);
    },
    digest: () => ownedBytes(state.copy().digest()),
    clone: () => incremental(state.copy()),
  };
}

/** An incremental hash whose `digest()` leaves the state running. */
export function nativeHasher(algorithm: HashAlgorithm): IncrementalHash {
  return incremental(createHash(nativeHashName(algorithm)));
}

/** HMAC-`algorithm`(key, data). */
export function nativeHmac(algorithm: HashAlgorithm, key: Uint8Array, data: Uint8Array): Uint8Array {
  return ownedBytes(createHmac(nativeHashName(algorithm), key).update(data).digest());
}
