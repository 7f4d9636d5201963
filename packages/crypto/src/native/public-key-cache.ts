/**
 * Public KeyObjects of signature verification keys, imported once per key.
 * A client checks the same certificate keys (its trust anchors, a server's
 * leaf) handshake after handshake, and OpenSSL 3.0 spends longer importing an
 * EC public key (it validates the point) than verifying a signature with it.
 *
 * @module
 */
import { createPublicKey, type JsonWebKey, type KeyObject } from "node:crypto";

/** Keys kept; the least recently used one goes first. */
export const MAX_CACHED_PUBLIC_KEYS = 256;

/** Map order is the recency order: a hit moves its entry to the back. */
const keys = new Map<string, KeyObject>();

/**
 * The public KeyObject of `jwk`, imported on first use. Entries are keyed by
 * the JWK's own text, so a cached object only ever stands for the very same
 * key; a key that fails to import throws and is not kept.
 */
export function cachedPublicKey(jwk: JsonWebKey): KeyObject {
  const id = JSON.stringify(jwk);
  let key = keys.get(id);
  if (key === undefined) {
    key = createPublicKey({ key: jwk, format: "jwk" });
    if (keys.size >= MAX_CACHED_PUBLIC_KEYS) keys.delete(keys.keys().next().value!);
  } else {
    keys.delete(id);
  }
  keys.set(id, key);
  return key;
}
