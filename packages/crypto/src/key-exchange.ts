/**
 * Key exchange for TLS 1.3 key shares (RFC 8446 §4.2.8, §7.4), built once over
 * the raw primitives a provider supplies, so both providers draw private keys
 * from `random` in the same order, check peer shares by the same rules and
 * give the same bytes for the same random source.
 *
 * Every group is treated as a KEM: the initiator publishes a share; the
 * responder answers it with its own share and gets the secret; the initiator
 * completes with the responder's share. A Diffie–Hellman group is a KEM whose
 * "ciphertext" is the responder's fresh public key; the hybrid group is two KEMs
 * side by side (draft-ietf-tls-ecdhe-mlkem §3).
 *
 * @module
 */
import { ZquicError, concatBytes } from "@zquic/wire";
import { lookup, weierstrassCurves, type WeierstrassCurve } from "./algorithms.js";
import type { KeyExchangeGroup, KeyShare, KeyShareResponse, RandomSource } from "./provider.js";

/** A Diffie–Hellman function over one group, as a provider implements it. */
export interface DiffieHellman {
  /** The key pair of `privateKey` (bytes drawn by the caller). */
  keyPair(privateKey: Uint8Array): DiffieHellmanKeyPair;
}

/** One side's Diffie–Hellman key pair. */
export interface DiffieHellmanKeyPair {
  /** The public key in the TLS encoding (RFC 8446 §4.2.8.2: uncompressed points). */
  readonly publicKey: Uint8Array;
  /** The raw shared secret (X25519 output, or the ECDH x-coordinate), or `null` when the peer key is invalid. */
  sharedSecret(peerPublic: Uint8Array): Uint8Array | null;
}

/** The Diffie–Hellman groups a provider implements itself. */
export type DiffieHellmanGroup = "x25519" | "secp256r1" | "secp384r1";

/** A key encapsulation mechanism (FIPS 203 interface), as a provider implements it. */
export interface Kem {
  readonly encapsulationKeyLength: number;
  readonly ciphertextLength: number;
  /** A key pair from `random` (the KEM decides how many bytes it draws). */
  generate(random: RandomSource): { encapsulationKey: Uint8Array; decapsulationKey: Uint8Array };
  /** A shared secret and its ciphertext for `encapsulationKey`, or `null` when that key is invalid. */
  encapsulate(encapsulationKey: Uint8Array, random: RandomSource): { ciphertext: Uint8Array; sharedSecret: Uint8Array } | null;
  /** The shared secret in `ciphertext`, or `null` when the ciphertext is malformed. */
  decapsulate(decapsulationKey: Uint8Array, ciphertext: Uint8Array): Uint8Array | null;
}

/** One key exchange group seen as a KEM over the TLS key_exchange bytes. */
interface GroupKem {
  /** Length of the initiator's (client's) key_exchange. */
  readonly initiatorShareLength: number;
  /** Length of the responder's (server's) key_exchange. */
  readonly responderShareLength: number;
  /** Starts an exchange: the initiator's share and how to finish with the responder's share. */
  initiate(random: RandomSource): { share: Uint8Array; complete(responderShare: Uint8Array): Uint8Array | null };
  /** Answers an initiator's share (already checked for length). */
  respond(initiatorShare: Uint8Array, random: RandomSource): { share: Uint8Array; secret: Uint8Array } | null;
}

/** RFC 7748 §6.1 and RFC 8446 §7.4.2: an all-zero X25519 output means a low-order peer key. */
function isAllZero(bytes: Uint8Array): boolean {
  let bits = 0;
  for (let i = 0; i < bytes.length; i++) bits |= bytes[i]!;
  return bits === 0;
}

/**
 * Draws before {@link drawWeierstrassScalar} gives up: a working source fails
 * one draw with probability below 2^-32, so this many failures mean it is broken.
 */
const MAX_SCALAR_DRAWS = 16;

/**
 * A private scalar in [1, n-1] for a NIST curve, by rejection sampling whole
 * field-length draws from `random` (FIPS 186-5 §A.2.2 style), so every provider
 * derives the same key from the same random bytes.
 */
function drawWeierstrassScalar(curve: WeierstrassCurve, random: RandomSource): Uint8Array {
  const { fieldLength, order } = weierstrassCurves[curve];
  for (let draw = 0; draw < MAX_SCALAR_DRAWS; draw++) {
    const candidate = random(fieldLength);
    let value = 0n;
    for (let i = 0; i < candidate.length; i++) value = (value << 8n) | BigInt(candidate[i]!);
    if (candidate.length === fieldLength && value >= 1n && value < order) return candidate;
  }
  throw new ZquicError("CRYPTO_RANDOM", `the random source gave ${MAX_SCALAR_DRAWS} out-of-range ${curve} scalars in a row; it is not random`);
}

/** The rules that differ between the Diffie–Hellman groups, as data. */
const diffieHellmanRules: Readonly<Record<DiffieHellmanGroup, {
  readonly publicKeyLength: number;
  readonly privateKey: (random: RandomSource) => Uint8Array;
  /** RFC 8446 §4.2.8.2: NIST shares are uncompressed points, starting 0x04. */
  readonly validShare: (share: Uint8Array) => boolean;
  readonly validSecret: (secret: Uint8Array) => boolean;
}>> = {
  // RFC 7748 §5: any 32 bytes are a private key (the function clamps them).
  x25519: { publicKeyLength: 32, privateKey: (random) => random(32), validShare: () => true, validSecret: (s) => !isAllZero(s) },
  secp256r1: {
    publicKeyLength: 65,
    privateKey: (random) => drawWeierstrassScalar("P-256", random),
    validShare: (share) => share[0] === 0x04,
    validSecret: () => true,
  },
  secp384r1: {
    publicKeyLength: 97,
    privateKey: (random) => drawWeierstrassScalar("P-384", random),
    validShare: (share) => share[0] === 0x04,
    validSecret: () => true,
  },
};

function diffieHellmanKem(group: DiffieHellmanGroup, dh: DiffieHellman): GroupKem {
  const rules = diffieHellmanRules[group];
  const secretWith = (keyPair: DiffieHellmanKeyPair, peer: Uint8Array): Uint8Array | null => {
    if (peer.length !== rules.publicKeyLength || !rules.validShare(peer)) return null;
    const secret = keyPair.sharedSecret(peer);
    return secret !== null && rules.validSecret(secret) ? secret : null;
  };
  return {
    initiatorShareLength: rules.publicKeyLength,
    responderShareLength: rules.publicKeyLength,
    initiate(random) {
      const keyPair = dh.keyPair(rules.privateKey(random));
      return { share: keyPair.publicKey, complete: (peer) => secretWith(keyPair, peer) };
    },
    respond(initiatorShare, random) {
      const keyPair = dh.keyPair(rules.privateKey(random));
      const secret = secretWith(keyPair, initiatorShare);
      return secret === null ? null : { share: keyPair.publicKey, secret };
    },
  };
}

function kemGroup(kem: Kem): GroupKem {
  return {
    initiatorShareLength: kem.encapsulationKeyLength,
    responderShareLength: kem.ciphertextLength,
    initiate(random) {
      const { encapsulationKey, decapsulationKey } = kem.generate(random);
      return {
        share: encapsulationKey,
        complete: (ciphertext) => (ciphertext.length === kem.ciphertextLength ? kem.decapsulate(decapsulationKey, ciphertext) : null),
      };
    },
    respond(encapsulationKey, random) {
      const result = kem.encapsulate(encapsulationKey, random);
      return result === null ? null : { share: result.ciphertext, secret: result.sharedSecret };
    },
  };
}

/**
 * Two groups side by side: shares and secrets are `first ‖ second`
 * (draft-ietf-tls-ecdhe-mlkem §3.1, §3.2; for X25519MLKEM768 the ML-KEM part comes first).
 */
function hybrid(first: GroupKem, second: GroupKem): GroupKem {
  const split = (share: Uint8Array, firstLength: number): [Uint8Array, Uint8Array] => [share.subarray(0, firstLength), share.subarray(firstLength)];
  return {
    initiatorShareLength: first.initiatorShareLength + second.initiatorShareLength,
    responderShareLength: first.responderShareLength + second.responderShareLength,
    initiate(random) {
      const a = first.initiate(random);
      const b = second.initiate(random);
      return {
        share: concatBytes(a.share, b.share),
        complete(responderShare) {
          if (responderShare.length !== first.responderShareLength + second.responderShareLength) return null;
          const [shareA, shareB] = split(responderShare, first.responderShareLength);
          const secretA = a.complete(shareA);
          const secretB = b.complete(shareB);
          return secretA === null || secretB === null ? null : concatBytes(secretA, secretB);
        },
      };
    },
    respond(initiatorShare, random) {
      const [shareA, shareB] = split(initiatorShare, first.initiatorShareLength);
      const a = first.respond(shareA, random);
      const b = a === null ? null : second.respond(shareB, random);
      return a === null || b === null ? null : { share: concatBytes(a.share, b.share), secret: concatBytes(a.secret, b.secret) };
    },
  };
}

/** `generateKeyShare` and `respondKeyShare` of a {@link CryptoProvider}, built from its primitives. */
export interface KeyExchange {
  generateKeyShare(group: KeyExchangeGroup, random: RandomSource): KeyShare;
  respondKeyShare(group: KeyExchangeGroup, peerPublic: Uint8Array, random: RandomSource): KeyShareResponse | null;
}

/** Builds every TLS key exchange group from a provider's Diffie–Hellman functions and ML-KEM-768. */
export function keyExchange(diffieHellman: Readonly<Record<DiffieHellmanGroup, DiffieHellman>>, mlKem768: Kem): KeyExchange {
  const x25519 = diffieHellmanKem("x25519", diffieHellman.x25519);
  const mlkem768 = kemGroup(mlKem768);
  const groups: Readonly<Record<KeyExchangeGroup, GroupKem>> = {
    x25519,
    secp256r1: diffieHellmanKem("secp256r1", diffieHellman.secp256r1),
    secp384r1: diffieHellmanKem("secp384r1", diffieHellman.secp384r1),
    mlkem768,
    // draft-ietf-tls-ecdhe-mlkem §3: X25519MLKEM768 puts ML-KEM-768 first.
    x25519mlkem768: hybrid(mlkem768, x25519),
  };
  return {
    generateKeyShare(group, random) {
      const kem = lookup(groups, group, "key exchange group");
      const { share, complete } = kem.initiate(random);
      return { group, publicKey: share, complete };
    },
    respondKeyShare(group, peerPublic, random) {
      const kem = lookup(groups, group, "key exchange group");
      if (peerPublic.length !== kem.initiatorShareLength) return null;
      const result = kem.respond(peerPublic, random);
      return result === null ? null : { publicKey: result.share, sharedSecret: result.secret };
    },
  };
}
