/**
 * `@zquic/wire`: the QUIC wire format, with no state and no crypto.
 *
 * @packageDocumentation
 */
export * from "./errors.js";
export * from "./varint.js";
export * from "./reader.js";
export * from "./writer.js";
export * from "./bytes.js";
export * from "./limits.js";
export * from "./frames/types.js";
export * from "./frames/rules.js";
export * from "./frames/encode.js";
export * from "./frames/decode.js";
export * from "./packet/version.js";
export * from "./packet/first-byte.js";
export * from "./packet/packet-number.js";
export { MAX_INVARIANT_CONNECTION_ID_LENGTH, readInvariantHeader, type InvariantHeader, type LongHeaderPrefix } from "./packet/invariant.js";
export {
  MAX_LONG_PACKET_LENGTH,
  writeLongHeader,
  writePacketLength,
  type LongHeaderFields,
  type LongHeaderLayout,
  type LongHeaderPacket,
  type ProtectedLongPacketType,
} from "./packet/long-header.js";
export { RETRY_INTEGRITY_TAG_LENGTH, retryPseudoPacket, writeRetry, type RetryFields, type RetryPacket } from "./packet/retry.js";
export { writeShortHeader, type ShortHeaderFields, type ShortHeaderPacket } from "./packet/short-header.js";
export { writeVersionNegotiation, type VersionNegotiationFields, type VersionNegotiationPacket } from "./packet/version-negotiation.js";
export * from "./packet/header.js";
export * from "./transport-parameters.js";
export * from "./address.js";
