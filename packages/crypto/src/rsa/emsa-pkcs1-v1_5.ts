/**
 * EMSA-PKCS1-v1_5 encoding (RFC 8017 §9.2), used to verify certificate
 * signatures (RFC 8446 §4.2.3: rsa_pkcs1_* appear only in certificates).
 *
 * @module
 */
import { fromHex } from "@zquic/wire";
import type { HashAlgorithm } from "../provider.js";
import type { HashFunction } from "./rsassa.js";

/** RFC 8017 §9.2 Note 1: the DER of DigestInfo up to the hash value, per hash. */
const digestInfoPrefix: Readonly<Record<HashAlgorithm, Uint8Array>> = {
  sha256: fromHex("3031300d060960864801650304020105000420"),
  sha384: fromHex("3041300d060960864801650304020205000430"),
  sha512: fromHex("3051300d060960864801650304020305000440"),
};

/** RFC 8017 §9.2 EMSA-PKCS1-v1_5-ENCODE(M, emLen), or `null` when emLen < tLen + 11. */
export function emsaPkcs1v15Encode(hash: HashFunction, message: Uint8Array, emLength: number): Uint8Array | null {
  const prefix = digestInfoPrefix[hash.algorithm];
  const tLength = prefix.length + hash.length;
  if (emLength < tLength + 11) return null;
  // EM = 0x00 ‖ 0x01 ‖ PS (0xff…) ‖ 0x00 ‖ T
  const em = new Uint8Array(emLength).fill(0xff, 2, emLength - tLength - 1);
  em[1] = 0x01;
  em[emLength - tLength - 1] = 0x00;
  em.set(prefix, emLength - tLength);
  em.set(hash.digest(message), emLength - hash.length);
  return em;
}
