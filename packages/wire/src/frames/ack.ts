/**
 * RFC 9000 §19.3: the ACK frame's ranges as Gap / ACK Range Length pairs
 * (§19.3.1) and its ECN counts (§19.3.2).
 *
 * @module
 */
import { WireError, ZquicError } from "../errors.js";
import type { Reader } from "../reader.js";
import { varintSize } from "../varint.js";
import type { Writer } from "../writer.js";
import type { AckFrame, AckRange, EcnCounts } from "./types.js";

/** Throws a {@link ZquicError} unless `ranges` are non-empty, largest first, disjoint and not adjacent. */
function checkAckRanges(ranges: readonly AckRange[]): void {
  if (ranges.length === 0) throw new ZquicError("ACK_RANGES", "an ACK frame needs at least one range");
  let previousSmallest = Infinity;
  for (const { smallest, largest } of ranges) {
    // §19.3.1: each range lies at least one unacknowledged packet (Gap 0) below the previous one.
    if (!(smallest >= 0 && smallest <= largest && largest <= previousSmallest - 2)) {
      throw new ZquicError("ACK_RANGES", `ACK range ${smallest}..${largest} is not a valid range below ${previousSmallest}; give disjoint, non-adjacent ranges, largest first`);
    }
    previousSmallest = smallest;
  }
}

/** RFC 9000 §19.3: writes an ACK frame after its type byte. */
export function writeAckBody(writer: Writer, frame: AckFrame): void {
  const { ranges, ecn } = frame;
  checkAckRanges(ranges);
  const first = ranges[0]!;
  writer.varint(first.largest).varint(frame.ackDelay).varint(ranges.length - 1).varint(first.largest - first.smallest);
  let previousSmallest = first.smallest;
  for (let i = 1; i < ranges.length; i++) {
    const { smallest, largest } = ranges[i]!;
    // §19.3.1: largest = previous_smallest − gap − 2; smallest = largest − ack_range.
    writer.varint(previousSmallest - largest - 2).varint(largest - smallest);
    previousSmallest = smallest;
  }
  if (ecn) writer.varint(ecn.ect0).varint(ecn.ect1).varint(ecn.ce);
}

/** The encoded size of an ACK frame after its type byte. */
export function ackBodySize(frame: AckFrame): number {
  const { ranges, ecn } = frame;
  checkAckRanges(ranges);
  const first = ranges[0]!;
  let size = varintSize(first.largest) + varintSize(frame.ackDelay) + varintSize(ranges.length - 1) + varintSize(first.largest - first.smallest);
  let previousSmallest = first.smallest;
  for (let i = 1; i < ranges.length; i++) {
    const { smallest, largest } = ranges[i]!;
    size += varintSize(previousSmallest - largest - 2) + varintSize(largest - smallest);
    previousSmallest = smallest;
  }
  if (ecn) size += varintSize(ecn.ect0) + varintSize(ecn.ect1) + varintSize(ecn.ce);
  return size;
}

/** Throws FRAME_ENCODING_ERROR when an ACK computes a negative packet number (§19.3.1). */
function nonNegative(packetNumber: number): number {
  if (packetNumber < 0) throw new WireError("ACK range reaches below packet number 0");
  return packetNumber;
}

/** RFC 9000 §19.3: reads an ACK frame after its type; `withEcn` for type 0x03. */
export function readAckBody(reader: Reader, withEcn: boolean): AckFrame {
  let largest = reader.varint();
  const ackDelay = reader.varint();
  // Each range reads at least two bytes, so a hostile count runs into the end of the payload.
  const rangeCount = reader.varint();
  let smallest = nonNegative(largest - reader.varint());
  const ranges: AckRange[] = [{ smallest, largest }];
  for (let i = 0; i < rangeCount; i++) {
    largest = nonNegative(smallest - reader.varint() - 2);
    smallest = nonNegative(largest - reader.varint());
    ranges.push({ smallest, largest });
  }
  if (!withEcn) return { type: "ack", ranges, ackDelay };
  const ecn: EcnCounts = { ect0: reader.varint(), ect1: reader.varint(), ce: reader.varint() };
  return { type: "ack", ranges, ackDelay, ecn };
}
