/**
 * ML-KEM-768 (FIPS 203) from `@noble/post-quantum`, used by both providers
 * (no runtime ships it natively yet). Key generation and encapsulation draw
 * their seeds from the injected random source.
 *
 * @module
 */
import { ml_kem768 } from "@noble/post-quantum/ml-kem.js";
import type { Kem } from "../key-exchange.js";

/** FIPS 203 §7.1: ML-KEM.KeyGen takes d ‖ z, two 32-byte seeds. */
const KEYGEN_SEED_LENGTH = 64;
/** FIPS 203 §7.2: ML-KEM.Encaps takes a 32-byte message m. */
const ENCAPS_SEED_LENGTH = 32;

/** ML-KEM-768: 1184-byte encapsulation key, 1088-byte ciphertext, 32-byte secret (FIPS 203 Table 3). */
export const mlKem768: Kem = {
  encapsulationKeyLength: 1184,
  ciphertextLength: 1088,
  generate(random) {
    const { publicKey, secretKey } = ml_kem768.keygen(random(KEYGEN_SEED_LENGTH));
    return { encapsulationKey: publicKey, decapsulationKey: secretKey };
  },
  encapsulate(encapsulationKey, random) {
    try {
      // FIPS 203 §7.2: the encapsulation key check (coefficients below q) throws in noble.
      const { cipherText, sharedSecret } = ml_kem768.encapsulate(encapsulationKey, random(ENCAPS_SEED_LENGTH));
      return { ciphertext: cipherText, sharedSecret };
    } catch {
      return null;
    }
  },
  decapsulate(decapsulationKey, ciphertext) {
    try {
      return ml_kem768.decapsulate(ciphertext, decapsulationKey);
    } catch {
      return null;
    }
  },
};
