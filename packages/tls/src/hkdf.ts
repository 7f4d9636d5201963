/**
 * The HKDF functions of one cipher suite's hash (RFC 8446 §7.1), bound to a
 * provider, so the key schedule reads like the RFC's diagram.
 *
 * @module
 */
import { type CryptoProvider, type HashAlgorithm, hkdfExpandLabel } from "@zquic/crypto";

/** Hash("") per provider and hash: the same for every session, so computed once. */
const emptyHashes = new WeakMap<CryptoProvider, Map<HashAlgorithm, Uint8Array>>();

function emptyHashOf(provider: CryptoProvider, hash: HashAlgorithm): Uint8Array {
  let byHash = emptyHashes.get(provider);
  if (byHash === undefined) emptyHashes.set(provider, (byHash = new Map()));
  let digest = byHash.get(hash);
  if (digest === undefined) byHash.set(hash, (digest = provider.hash(hash, new Uint8Array(0))));
  return digest;
}

/** HKDF and the hash of one cipher suite. */
export class Hkdf {
  /** Hash.length in bytes. */
  readonly length: number;
  /** RFC 8446 §7.1: the "0" input, Hash.length zero bytes. */
  readonly zeros: Uint8Array;
  /** Transcript-Hash of no messages, the context of Derive-Secret(., "derived", ""). */
  readonly emptyHash: Uint8Array;

  constructor(
    readonly provider: CryptoProvider,
    readonly hash: HashAlgorithm,
  ) {
    this.length = provider.hashLength(hash);
    this.zeros = new Uint8Array(this.length);
    this.emptyHash = emptyHashOf(provider, hash);
  }

  /** HKDF-Extract(salt, ikm). */
  extract(salt: Uint8Array, ikm: Uint8Array): Uint8Array {
    return this.provider.hkdfExtract(this.hash, salt, ikm);
  }

  /** HKDF-Expand-Label(secret, label, context, length); `label` without the "tls13 " prefix, as text or ASCII bytes. */
  expandLabel(secret: Uint8Array, label: string | Uint8Array, context: Uint8Array, length: number): Uint8Array {
    return hkdfExpandLabel(this.provider, this.hash, secret, label, context, length);
  }

  /** Derive-Secret(secret, label, Messages), given Transcript-Hash(Messages). */
  deriveSecret(secret: Uint8Array, label: string | Uint8Array, transcriptHash: Uint8Array): Uint8Array {
    return hkdfExpandLabel(this.provider, this.hash, secret, label, transcriptHash, this.length);
  }

  /** Hash(data). */
  digest(data: Uint8Array): Uint8Array {
    return this.provider.hash(this.hash, data);
  }

  /** HMAC(key, data). */
  hmac(key: Uint8Array, data: Uint8Array): Uint8Array {
    return this.provider.hmac(this.hash, key, data);
  }
}
