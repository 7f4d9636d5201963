/**
 * The HKDF functions of one cipher suite's hash (RFC 8446 §7.1), bound to a
 * provider, so the key schedule reads like the RFC's diagram.
 *
 * @module
 */
import { type CryptoProvider, type HashAlgorithm, hkdfExpandLabel } from "@zquic/crypto";

/** The {@link Hkdf} of each provider and hash. */
const instances = new WeakMap<CryptoProvider, Map<HashAlgorithm, Hkdf>>();

/** HKDF and the hash of one cipher suite. */
export class Hkdf {
  /** Hash.length in bytes. */
  readonly length: number;
  /** RFC 8446 §7.1: the "0" input, Hash.length zero bytes. */
  readonly zeros: Uint8Array;
  /** Transcript-Hash of no messages, the context of Derive-Secret(., "derived", ""). */
  readonly emptyHash: Uint8Array;
  private readonly constants = new Map<string, Uint8Array>();

  constructor(
    readonly provider: CryptoProvider,
    readonly hash: HashAlgorithm,
  ) {
    this.length = provider.hashLength(hash);
    this.zeros = new Uint8Array(this.length);
    this.emptyHash = provider.hash(hash, new Uint8Array(0));
  }

  /** The one instance for `provider` and `hash`, which every session shares (it holds nothing secret). */
  static of(provider: CryptoProvider, hash: HashAlgorithm): Hkdf {
    let byHash = instances.get(provider);
    if (byHash === undefined) instances.set(provider, (byHash = new Map()));
    let hkdf = byHash.get(hash);
    if (hkdf === undefined) byHash.set(hash, (hkdf = new Hkdf(provider, hash)));
    return hkdf;
  }

  /**
   * The value named `name`, which `compute` derives from nothing but the
   * provider and the hash (the Early Secret without a PSK): computed once, then
   * shared, so no caller may modify it.
   */
  constant(name: string, compute: () => Uint8Array): Uint8Array {
    let value = this.constants.get(name);
    if (value === undefined) this.constants.set(name, (value = compute()));
    return value;
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
