/**
 * RFC 8999 §6 and RFC 9000 §17.2.1: the Version Negotiation packet.
 *
 * @module
 */
import { TransportError, WireError, ZquicError } from "../errors.js";
import type { Reader } from "../reader.js";
import type { Writer } from "../writer.js";
import { MAX_INVARIANT_CONNECTION_ID_LENGTH, writeLongHeaderPrefix, type LongHeaderPrefix } from "./invariant.js";
import { VERSION_NEGOTIATION } from "./version.js";

/** A Version Negotiation packet as read. */
export interface VersionNegotiationPacket {
  readonly packetType: "version_negotiation";
  /** The first byte; only its form bit means anything (RFC 8999 §6). */
  readonly firstByte: number;
  readonly version: typeof VERSION_NEGOTIATION;
  readonly dcid: Uint8Array;
  readonly scid: Uint8Array;
  readonly supportedVersions: readonly number[];
  readonly packetStart: number;
  /** A Version Negotiation packet fills the rest of its datagram. */
  readonly packetEnd: number;
}

/** What {@link writeVersionNegotiation} needs. */
export interface VersionNegotiationFields {
  /** The Source Connection ID of the packet being answered (RFC 9000 §17.2.1). */
  readonly dcid: Uint8Array;
  /** The Destination Connection ID of the packet being answered. */
  readonly scid: Uint8Array;
  readonly supportedVersions: readonly number[];
  /**
   * The seven Unused bits of the first byte (arbitrary, RFC 8999 §6). Default
   * 0x40: RFC 9000 §17.2.1 says servers SHOULD set it so the packet looks like
   * it has the Fixed Bit.
   */
  readonly unusedBits?: number;
}

/** Reads the Supported Version list after the prefix; the reader must end where the datagram ends. */
export function readVersionNegotiationBody(reader: Reader, prefix: LongHeaderPrefix, packetStart: number): VersionNegotiationPacket {
  // RFC 8999 §6: ignore a packet with no Supported Version or a truncated one.
  if (reader.remaining === 0 || reader.remaining % 4 !== 0) {
    throw new WireError(`Version Negotiation list of ${reader.remaining} bytes is empty or truncated`, TransportError.PROTOCOL_VIOLATION);
  }
  const supportedVersions: number[] = [];
  while (!reader.done) supportedVersions.push(reader.u32());
  return { ...prefix, version: VERSION_NEGOTIATION, packetType: "version_negotiation", supportedVersions, packetStart, packetEnd: reader.offset };
}

/** RFC 9000 §17.2.1: writes a Version Negotiation packet listing `supportedVersions`. */
export function writeVersionNegotiation(writer: Writer, fields: VersionNegotiationFields): void {
  const { dcid, scid, supportedVersions } = fields;
  const unusedBits = fields.unusedBits ?? 0x40;
  if (unusedBits !== (unusedBits & 0x7f)) throw new ZquicError("VERSION_NEGOTIATION", `unused bits must be 0..0x7f, not ${unusedBits}`);
  if (supportedVersions.length === 0) throw new ZquicError("VERSION_NEGOTIATION", "list at least one supported version");
  if (dcid.length > MAX_INVARIANT_CONNECTION_ID_LENGTH || scid.length > MAX_INVARIANT_CONNECTION_ID_LENGTH) {
    throw new ZquicError("CONNECTION_ID", `connection IDs in a Version Negotiation packet have at most ${MAX_INVARIANT_CONNECTION_ID_LENGTH} bytes`);
  }
  writeLongHeaderPrefix(writer, { firstByte: 0x80 | unusedBits, version: VERSION_NEGOTIATION, dcid, scid });
  for (const version of supportedVersions) writer.u32(version);
}
