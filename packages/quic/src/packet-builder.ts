import { protectInPlace, type PacketKeys } from "@zquic/crypto";
import { Writer, frameSize, varintSize, writeFrame, writeLongHeader, writePacketLength, writeShortHeader, type Frame, type PacketNumberLength } from "@zquic/wire";
import type { PacketKind } from "./connection.js";
import type { PacketSpaceState } from "./packet-space.js";
import type { SentFrame } from "./sent-frames.js";

/** RFC 9001 §5.3: every AEAD here appends a 16-byte tag. */
export const AEAD_TAG_LENGTH = 16;
/** RFC 9001 §5.4.2: the header protection sample starts 4 bytes after the packet number. */
const SAMPLE_OFFSET = 4;

/** What goes in a packet's header. */
export interface PacketHeaderFields {
  readonly kind: PacketKind;
  readonly version: number;
  readonly dcid: Uint8Array;
  readonly scid: Uint8Array;
  /** Initial packets only. */
  readonly token: Uint8Array;
  /** 1-RTT packets only. */
  readonly keyPhase: boolean;
  /** RFC 9287: the QUIC Bit (set unless greased). */
  readonly fixedBit: boolean;
}

/** A packet being assembled in a {@link DatagramBuilder}. */
export interface Draft {
  readonly space: PacketSpaceState;
  readonly kind: PacketKind;
  readonly keys: PacketKeys;
  readonly keyGeneration: number;
  readonly pn: number;
  readonly pnLength: PacketNumberLength;
  readonly packetStart: number;
  readonly payloadStart: number;
  /** Where the long header's Length field is (−1 for a short header). */
  readonly lengthOffset: number;
  /** What acknowledgment or loss of this packet must reach. */
  readonly frames: SentFrame[];
  /** Bytes left for frames in this packet. */
  room: number;
  ackEliciting: boolean;
  hasAck: boolean;
  /** PADDING was added: the packet counts as in flight (RFC 9002 §3). */
  padded: boolean;
  /** RFC 9000 §8.2.1: PATH_CHALLENGE / PATH_RESPONSE datagrams are expanded to 1200 bytes. */
  needsFullSize: boolean;
  /** RFC 8899: a PMTU probe, padded to exactly this size. */
  mtuProbe?: number;
}

/** The size of a header before it is written (RFC 9000 §17.2, §17.3.1). */
export function headerSize(fields: PacketHeaderFields, pnLength: number): number {
  if (fields.kind === "1RTT") return 1 + fields.dcid.length + pnLength;
  const token = fields.kind === "initial" ? varintSize(fields.token.length) + fields.token.length : 0;
  return 1 + 4 + 1 + fields.dcid.length + 1 + fields.scid.length + token + 2 + pnLength;
}

/**
 * The buffer datagrams are assembled in. Assembly is synchronous and a
 * finished datagram is copied out, so one buffer serves every connection: a
 * datagram costs one allocation of its exact size, and an attempt that finds
 * nothing to send costs none.
 */
const assembly = new Writer(2048);
/** Which builder owns {@link assembly}: the one created last. */
let assemblyOwner = 0;

/**
 * Assembles one UDP datagram: packets are written straight into one buffer
 * (RFC 9000 §12.2 coalescing), padded as needed, protected in place, and
 * copied out. Only the builder created last may be used.
 */
export class DatagramBuilder {
  private readonly writer: Writer;
  private readonly drafts: Draft[] = [];
  private readonly owner = ++assemblyOwner;

  constructor(
    /** The most bytes the datagram may have. */
    readonly budget: number,
  ) {
    this.writer = assembly.reset();
  }

  /** Bytes the datagram has so far, the open packet's tag included. */
  get size(): number {
    return this.writer.length + (this.drafts.length > 0 ? AEAD_TAG_LENGTH : 0);
  }

  /** The packets written so far. */
  get packets(): readonly Draft[] {
    return this.drafts;
  }

  /**
   * Starts a packet; the previous one is closed. Undefined when fewer than
   * `minimumRoom` bytes of frames would fit.
   */
  open(space: PacketSpaceState, keys: PacketKeys, keyGeneration: number, fields: PacketHeaderFields, pn: number, pnLength: PacketNumberLength, minimumRoom: number): Draft | undefined {
    this.closeLast();
    const room = this.budget - this.writer.length - headerSize(fields, pnLength) - AEAD_TAG_LENGTH;
    if (room < minimumRoom) return undefined;
    const packetStart = this.writer.length;
    let lengthOffset = -1;
    if (fields.kind === "1RTT") {
      writeShortHeader(this.writer, { dcid: fields.dcid, packetNumber: pn, packetNumberLength: pnLength, spinBit: false, keyPhase: fields.keyPhase, fixedBit: fields.fixedBit });
    } else {
      lengthOffset = writeLongHeader(this.writer, {
        packetType: fields.kind,
        version: fields.version,
        dcid: fields.dcid,
        scid: fields.scid,
        ...(fields.kind === "initial" ? { token: fields.token } : {}),
        packetNumber: pn,
        packetNumberLength: pnLength,
        fixedBit: fields.fixedBit,
      }).lengthOffset;
    }
    const draft: Draft = {
      space,
      kind: fields.kind,
      keys,
      keyGeneration,
      pn,
      pnLength,
      packetStart,
      payloadStart: this.writer.length,
      lengthOffset,
      frames: [],
      room,
      ackEliciting: false,
      hasAck: false,
      padded: false,
      needsFullSize: false,
    };
    this.drafts.push(draft);
    return draft;
  }

  /** Forgets the open packet (nothing worth sending went into it). */
  abandon(draft: Draft): void {
    if (this.drafts.at(-1) !== draft) return;
    this.drafts.pop();
    this.writer.offset = draft.packetStart;
  }

  /** The writer, for frames whose payload is copied in directly (STREAM, CRYPTO, DATAGRAM). */
  payloadWriter(draft: Draft): Writer {
    if (this.drafts.at(-1) !== draft) throw new Error("only the open packet takes frames");
    this.checkOwner();
    return this.writer;
  }

  private checkOwner(): void {
    if (this.owner !== assemblyOwner) throw new Error("a datagram builder was used after another one started");
  }

  /** Writes a whole frame if it fits; `record` is what acknowledgment or loss must reach. */
  put(draft: Draft, frame: Frame, record?: SentFrame, ackEliciting = true): boolean {
    const size = frameSize(frame);
    if (size > draft.room) return false;
    writeFrame(this.payloadWriter(draft), frame);
    draft.room -= size;
    if (record !== undefined) draft.frames.push(record);
    if (ackEliciting) draft.ackEliciting = true;
    return true;
  }

  /** PADDING in the open packet (RFC 9000 §19.1). */
  pad(draft: Draft, bytes: number): void {
    if (bytes <= 0) return;
    this.payloadWriter(draft).zeros(bytes);
    draft.room -= bytes;
    draft.padded = true;
  }

  /** RFC 9001 §5.4.2: enough payload for the sample, then room for the tag. */
  private closeLast(): void {
    const last = this.drafts.at(-1);
    if (last === undefined) return;
    this.pad(last, SAMPLE_OFFSET - last.pnLength - (this.writer.length - last.payloadStart));
    this.writer.zeros(AEAD_TAG_LENGTH);
  }

  /**
   * Finishes the datagram: pads the last packet so the datagram reaches
   * `minimumSize` (capped by the budget), fills in Length fields and protects
   * every packet. `inspect` sees each packet's plaintext payload first (for
   * logs). Returns the datagram bytes, in an array of their own.
   */
  seal(minimumSize: number, inspect?: (draft: Draft, payload: Uint8Array) => void): Uint8Array {
    const last = this.drafts.at(-1);
    if (last === undefined) return new Uint8Array(0);
    this.checkOwner();
    this.pad(last, Math.min(minimumSize, this.budget) - this.size);
    this.closeLast();
    const buffer = this.writer.buffer;
    this.drafts.forEach((draft, i) => {
      const packetEnd = this.drafts[i + 1]?.packetStart ?? this.writer.length;
      if (draft.lengthOffset >= 0) writePacketLength(buffer, { lengthOffset: draft.lengthOffset, packetNumberOffset: draft.payloadStart - draft.pnLength }, packetEnd);
      inspect?.(draft, buffer.subarray(draft.payloadStart, packetEnd - AEAD_TAG_LENGTH));
      protectInPlace(draft.keys, buffer, draft.packetStart, draft.payloadStart, packetEnd - AEAD_TAG_LENGTH, draft.pn);
    });
    return buffer.slice(0, this.writer.length);
  }

  /** The size of `draft` once sealed. */
  packetSize(draft: Draft): number {
    const index = this.drafts.indexOf(draft);
    return (this.drafts[index + 1]?.packetStart ?? this.writer.length) - draft.packetStart;
  }
}
