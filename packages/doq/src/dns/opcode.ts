import { makeRegistry } from "./registry.js";

/** RFC 1035 §4.1.1 OPCODE values and later assignments. */
export const Opcode = {
  QUERY: 0,
  /** Obsoleted by RFC 3425. */
  IQUERY: 1,
  STATUS: 2,
  /** RFC 1996 */
  NOTIFY: 4,
  /** RFC 2136 */
  UPDATE: 5,
  /** RFC 8490 */
  DSO: 6,
} as const;

/** OPCODE mnemonics ↔ codes (`OPCODE9` for the rest). */
export const opcodes = makeRegistry(Opcode, "OPCODE");
