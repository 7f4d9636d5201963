/**
 * HKDF (RFC 5869) over any HMAC, so every provider derives keys with the same
 * code and the same argument checks.
 *
 * @module
 */
import { ZquicError } from "@zquic/wire";
import { hashLength, lookup } from "./algorithms.js";
import type { CryptoProvider, HashAlgorithm } from "./provider.js";

/** `HMAC-Hash(key, data)` for one fixed hash. */
export type HmacFunction = (key: Uint8Array, data: Uint8Array) => Uint8Array;

/** RFC 5869 §2.2: PRK = HMAC-Hash(salt, IKM); an empty salt stands for HashLen zero bytes. */
export function hkdfExtract(hmac: HmacFunction, hashLength: number, salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  return hmac(salt.length === 0 ? new Uint8Array(hashLength) : salt, ikm);
}

/** RFC 5869 §2.3: OKM = first L octets of T(1) ‖ T(2) ‖ …, T(i) = HMAC-Hash(PRK, T(i-1) ‖ info ‖ i). */
export function hkdfExpand(hmac: HmacFunction, hashLength: number, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  // RFC 5869 §2.3: L <= 255*HashLen.
  if (!Number.isInteger(length) || length < 0 || length > 255 * hashLength) {
    throw new ZquicError("CRYPTO_HKDF_LENGTH", `HKDF-Expand can produce 0 to ${255 * hashLength} bytes with this hash, not ${length}`);
  }
  // One block (every QUIC and TLS 1.3 key, IV and secret): T(1) = HMAC(PRK, info ‖ 0x01), cut to length.
  if (length <= hashLength) {
    const input = new Uint8Array(info.length + 1);
    input.set(info);
    input[info.length] = 1;
    const block = hmac(prk, input);
    return length === block.length ? block : block.slice(0, length);
  }
  const okm = new Uint8Array(length);
  const input = new Uint8Array(hashLength + info.length + 1);
  let previousLength = 0; // T(0) is empty
  for (let counter = 1, offset = 0; offset < length; counter++) {
    input.set(info, previousLength);
    input[previousLength + info.length] = counter;
    const block = hmac(prk, input.subarray(0, previousLength + info.length + 1));
    okm.set(block.subarray(0, Math.min(hashLength, length - offset)), offset);
    offset += hashLength;
    input.set(block, 0);
    previousLength = hashLength;
  }
  return okm;
}

/** A provider's `hkdfExtract` and `hkdfExpand`, built over its HMAC. */
export function hkdfFunctions(
  hmac: (algorithm: HashAlgorithm, key: Uint8Array, data: Uint8Array) => Uint8Array,
): Pick<CryptoProvider, "hkdfExtract" | "hkdfExpand"> {
  const bound = (algorithm: HashAlgorithm): [HmacFunction, number] => [(key, data) => hmac(algorithm, key, data), lookup(hashLength, algorithm, "hash")];
  return {
    hkdfExtract: (algorithm, salt, ikm) => hkdfExtract(...bound(algorithm), salt, ikm),
    hkdfExpand: (algorithm, prk, info, length) => hkdfExpand(...bound(algorithm), prk, info, length),
  };
}
