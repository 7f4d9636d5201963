// fast-check arbitraries for wire values, shared by the property tests.
import fc from "fast-check";
import type { AckRange, Frame, FrameKind } from "@zquic/wire";

/** A varint value as a number, spread over all four encoded lengths (exact: at most 2^53 − 1). */
export const varint = fc.oneof(fc.nat(63), fc.nat(16383), fc.nat(2 ** 30 - 1), fc.maxSafeNat());

/** A length-limited byte string. */
export const bytes = (minLength: number, maxLength: number) => fc.uint8Array({ minLength, maxLength });

/** Exactly `length` bytes. */
export const fixedBytes = (length: number) => fc.uint8Array({ minLength: length, maxLength: length });

/** A connection ID of a QUIC v1/v2 long header (0–20 bytes). */
export const connectionId = bytes(0, 20);

/** An offset and some data whose end stays within exact numbers. */
const offsetAndData = fc
  .tuple(varint, bytes(0, 48))
  .map(([offset, data]) => ({ offset: Math.max(0, Math.min(offset, Number.MAX_SAFE_INTEGER - data.length)), data }));

/** ACK ranges largest first, disjoint and non-adjacent, built upwards from a smallest packet number. */
export const ackRanges: fc.Arbitrary<AckRange[]> = fc
  .tuple(
    fc.oneof(fc.nat(1000), fc.nat(2 ** 30), fc.constant(2 ** 50)),
    fc.array(fc.tuple(fc.oneof(fc.nat(3), fc.nat(100), fc.nat(100_000)), fc.oneof(fc.nat(3), fc.nat(100), fc.nat(100_000))), {
      minLength: 1,
      maxLength: 24,
    }),
  )
  .map(([start, segments]) => {
    const ranges: AckRange[] = [];
    let smallest = start;
    for (const [length, gap] of segments) {
      const largest = smallest + length;
      ranges.push({ smallest, largest });
      smallest = largest + gap + 2;
    }
    return ranges.reverse();
  });

const ecnCounts = fc.record({ ect0: varint, ect1: varint, ce: varint });

/** One arbitrary per frame kind, so every kind is exercised by name. */
export const frameArbitraries: { readonly [K in FrameKind]: fc.Arbitrary<Extract<Frame, { type: K }>> } = {
  padding: fc.integer({ min: 1, max: 40 }).map((length) => ({ type: "padding", length })),
  ping: fc.constant({ type: "ping" }),
  ack: fc.tuple(ackRanges, varint, fc.option(ecnCounts, { nil: undefined })).map(([ranges, ackDelay, ecn]) =>
    ecn ? { type: "ack", ranges, ackDelay, ecn } : { type: "ack", ranges, ackDelay },
  ),
  reset_stream: fc.record({ type: fc.constant("reset_stream"), streamId: varint, errorCode: varint, finalSize: varint }),
  stop_sending: fc.record({ type: fc.constant("stop_sending"), streamId: varint, errorCode: varint }),
  crypto: offsetAndData.map(({ offset, data }) => ({ type: "crypto", offset, data })),
  new_token: bytes(1, 40).map((token) => ({ type: "new_token", token })),
  stream: fc
    .tuple(varint, offsetAndData, fc.boolean())
    .map(([streamId, { offset, data }, fin]) => ({ type: "stream", streamId, offset, data, fin })),
  max_data: varint.map((maximum) => ({ type: "max_data", maximum })),
  max_stream_data: fc.record({ type: fc.constant("max_stream_data"), streamId: varint, maximum: varint }),
  max_streams: fc.record({ type: fc.constant("max_streams"), bidirectional: fc.boolean(), maximum: fc.oneof(varint, fc.constant(2 ** 60)) }),
  data_blocked: varint.map((limit) => ({ type: "data_blocked", limit })),
  stream_data_blocked: fc.record({ type: fc.constant("stream_data_blocked"), streamId: varint, limit: varint }),
  streams_blocked: fc.record({ type: fc.constant("streams_blocked"), bidirectional: fc.boolean(), limit: fc.oneof(varint, fc.constant(2 ** 60)) }),
  new_connection_id: fc
    .tuple(varint, varint, bytes(1, 20), fixedBytes(16))
    .map(([a, b, connectionId, statelessResetToken]) => ({
      type: "new_connection_id",
      sequenceNumber: Math.max(a, b),
      retirePriorTo: Math.min(a, b),
      connectionId,
      statelessResetToken,
    })),
  retire_connection_id: varint.map((sequenceNumber) => ({ type: "retire_connection_id", sequenceNumber })),
  path_challenge: fixedBytes(8).map((data) => ({ type: "path_challenge", data })),
  path_response: fixedBytes(8).map((data) => ({ type: "path_response", data })),
  connection_close: fc.oneof(
    fc.record({ type: fc.constant("connection_close"), application: fc.constant(false), errorCode: varint, frameType: varint, reason: bytes(0, 30) }),
    fc.record({ type: fc.constant("connection_close"), application: fc.constant(true), errorCode: varint, reason: bytes(0, 30) }),
  ),
  handshake_done: fc.constant({ type: "handshake_done" }),
  datagram: bytes(0, 48).map((data) => ({ type: "datagram", data })),
};

/** Any frame. */
export const frame: fc.Arbitrary<Frame> = fc.oneof(...Object.values(frameArbitraries));

/**
 * Bytes derived from `valid`: truncated, or with a few bytes overwritten,
 * inserted or removed, so decoders see input that is almost right.
 */
export function mutated(valid: Uint8Array): fc.Arbitrary<Uint8Array> {
  const truncated = fc.nat(valid.length).map((cut) => valid.slice(0, cut));
  const edit = fc.tuple(fc.nat(Math.max(0, valid.length - 1)), fc.integer({ min: 0, max: 255 }), fc.constantFrom("set", "insert", "delete"));
  const edited = fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => {
    const out = Array.from(valid);
    for (const [at, value, kind] of edits) {
      if (kind === "set") out[at] = value;
      else if (kind === "insert") out.splice(at, 0, value);
      else out.splice(at, 1);
    }
    return Uint8Array.from(out);
  });
  return fc.oneof(truncated, edited);
}
