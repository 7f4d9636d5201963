/**
 * RFC 9204 §4.4: the instructions a decoder sends on its decoder stream.
 *
 * @module
 */
import type { Reader, Writer } from "@zquic/wire";
import { readPrefixedInteger, writePrefixedInteger } from "./prefixed-integer.js";

/** RFC 9204 §4.4.1: '1' and the stream ID (7+) whose field section was decoded. */
export interface SectionAcknowledgment {
  readonly type: "section_acknowledgment";
  readonly streamId: number;
}
/** RFC 9204 §4.4.2: '01' and the stream ID (6+) that was reset or abandoned. */
export interface StreamCancellation {
  readonly type: "stream_cancellation";
  readonly streamId: number;
}
/** RFC 9204 §4.4.3: '00' and the Increment (6+) of the Known Received Count. */
export interface InsertCountIncrement {
  readonly type: "insert_count_increment";
  readonly increment: number;
}

/** Any decoder instruction. */
export type DecoderInstruction = SectionAcknowledgment | StreamCancellation | InsertCountIncrement;

/** Appends `instruction`. */
export function writeDecoderInstruction(w: Writer, instruction: DecoderInstruction): void {
  switch (instruction.type) {
    case "section_acknowledgment":
      return writePrefixedInteger(w, 0x80, 7, instruction.streamId);
    case "stream_cancellation":
      return writePrefixedInteger(w, 0x40, 6, instruction.streamId);
    case "insert_count_increment":
      return writePrefixedInteger(w, 0x00, 6, instruction.increment);
  }
}

/**
 * Reads one decoder instruction. Truncation throws the reader's `WireError`; an integer
 * beyond the implementation limit throws a `QpackError` with the reader's `errorCode`.
 */
export function readDecoderInstruction(r: Reader): DecoderInstruction {
  const first = r.peekU8();
  if (first & 0x80) return { type: "section_acknowledgment", streamId: readPrefixedInteger(r, 7) };
  if (first & 0x40) return { type: "stream_cancellation", streamId: readPrefixedInteger(r, 6) };
  return { type: "insert_count_increment", increment: readPrefixedInteger(r, 6) };
}
