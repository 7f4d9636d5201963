/**
 * RFC 9250 §4.5: which transactions may travel in 0-RTT data.
 *
 * @module
 */
import { Opcode } from "../dns/index.js";

// RFC 9250 §4.5: only QUERY and NOTIFY are "replayable".
const REPLAYABLE_OPCODES: ReadonlySet<number> = new Set([Opcode.QUERY, Opcode.NOTIFY]);

/** True when a transaction with `opcode` may be sent, and processed, in 0-RTT data. */
export function isReplayable(opcode: number): boolean {
  return REPLAYABLE_OPCODES.has(opcode);
}
