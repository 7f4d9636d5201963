/**
 * EMSA-PSS encoding and verification (RFC 8017 §9.1), with MGF1 over the same
 * hash and a salt as long as the hash, as TLS 1.3 requires (RFC 8446 §4.2.3).
 *
 * @module
 */
import { concatBytes, constantTimeEqual } from "@zquic/wire";
import { mgf1 } from "./mgf1.js";
import type { HashFunction } from "./rsassa.js";

/** RFC 8017 §9.1.1 step 5 and §9.1.2 step 12: M' starts with eight zero octets. */
const PADDING1 = new Uint8Array(8);
/** RFC 8017 §9.1.1 step 12: EM ends with 0xbc. */
const TRAILER = 0xbc;

/** Bytes needed for an encoding of `emBits` bits. */
export function pssEncodedLength(emBits: number): number {
  return Math.ceil(emBits / 8);
}

/** The mask that clears the leftmost 8·emLen − emBits bits of the first octet (§9.1.1 step 11, §9.1.2 step 6). */
function firstOctetMask(emBits: number): number {
  return 0xff >>> (8 * pssEncodedLength(emBits) - emBits);
}

/**
 * RFC 8017 §9.1.1 EMSA-PSS-ENCODE(M, emBits) with the given salt, or `null`
 * when emLen < hLen + sLen + 2 (the key is too small for this hash).
 */
export function emsaPssEncode(hash: HashFunction, message: Uint8Array, emBits: number, salt: Uint8Array): Uint8Array | null {
  const emLength = pssEncodedLength(emBits);
  const hLen = hash.length;
  if (emLength < hLen + salt.length + 2) return null;
  const mHash = hash.digest(message);
  const h = hash.digest(concatBytes(PADDING1, mHash, salt));
  // DB = PS ‖ 0x01 ‖ salt, masked with MGF1(H).
  const dbLength = emLength - hLen - 1;
  const maskedDb = mgf1(hash, h, dbLength);
  maskedDb[dbLength - salt.length - 1]! ^= 0x01;
  for (let i = 0; i < salt.length; i++) maskedDb[dbLength - salt.length + i]! ^= salt[i]!;
  maskedDb[0]! &= firstOctetMask(emBits);
  const em = new Uint8Array(emLength);
  em.set(maskedDb);
  em.set(h, dbLength);
  em[emLength - 1] = TRAILER;
  return em;
}

/** RFC 8017 §9.1.2 EMSA-PSS-VERIFY(M, EM, emBits) with a salt of `saltLength` bytes: true for "consistent". */
export function emsaPssVerify(hash: HashFunction, message: Uint8Array, em: Uint8Array, emBits: number, saltLength: number): boolean {
  const emLength = pssEncodedLength(emBits);
  const hLen = hash.length;
  if (em.length !== emLength || emLength < hLen + saltLength + 2) return false;
  if (em[emLength - 1] !== TRAILER) return false;
  const dbLength = emLength - hLen - 1;
  const maskedDb = em.subarray(0, dbLength);
  const h = em.subarray(dbLength, dbLength + hLen);
  const mask = firstOctetMask(emBits);
  if ((maskedDb[0]! & ~mask & 0xff) !== 0) return false;
  const db = mgf1(hash, h, dbLength);
  for (let i = 0; i < dbLength; i++) db[i]! ^= maskedDb[i]!;
  db[0]! &= mask;
  // Step 10: PS must be zeros, then 0x01.
  const separator = dbLength - saltLength - 1;
  for (let i = 0; i < separator; i++) if (db[i] !== 0) return false;
  if (db[separator] !== 0x01) return false;
  const salt = db.subarray(dbLength - saltLength);
  const hPrime = hash.digest(concatBytes(PADDING1, hash.digest(message), salt));
  return constantTimeEqual(h, hPrime);
}
