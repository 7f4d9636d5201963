/**
 * QUIC versions and what each one means for the long header.
 *
 * @module
 */

/** RFC 9000 §15: QUIC version 1. */
export const QUIC_V1 = 0x00000001;

/** RFC 9369 §3.1: QUIC version 2. */
export const QUIC_V2 = 0x6b3343cf;

/** RFC 8999 §5.4: the version field of a Version Negotiation packet. */
export const VERSION_NEGOTIATION = 0x00000000;

/** The four long header packet types of QUIC v1 and v2, by their qlog names. */
export type LongPacketType = "initial" | "0RTT" | "handshake" | "retry";

/**
 * RFC 9000 §17.2 Table 5 and RFC 9369 §3.2: the packet type for each value of
 * the two Long Packet Type bits (mask 0x30), per version.
 */
const longPacketTypes: ReadonlyMap<number, readonly LongPacketType[]> = new Map([
  [QUIC_V1, ["initial", "0RTT", "handshake", "retry"]],
  [QUIC_V2, ["retry", "initial", "0RTT", "handshake"]],
]);

/** The versions whose long headers this package can read and write. */
export const SUPPORTED_VERSIONS: readonly number[] = [...longPacketTypes.keys()];

/** True for a version whose long headers this package can read and write. */
export function isSupportedVersion(version: number): boolean {
  return longPacketTypes.has(version);
}

/** RFC 9000 §15: versions of the form 0x?a?a?a?a are reserved to exercise version negotiation. */
export function isReservedVersion(version: number): boolean {
  return (version & 0x0f0f0f0f) === 0x0a0a0a0a;
}

/** The long packet type the Long Packet Type bits of `firstByte` mean in `version`, or `undefined` for an unsupported version. */
export function longPacketTypeOf(version: number, firstByte: number): LongPacketType | undefined {
  return longPacketTypes.get(version)?.[(firstByte & 0x30) >> 4];
}

/** The value of the Long Packet Type bits (0–3) for `type` in `version`, or `undefined` for an unsupported version. */
export function longPacketTypeBits(version: number, type: LongPacketType): number | undefined {
  const index = longPacketTypes.get(version)?.indexOf(type);
  return index === undefined ? undefined : index;
}
