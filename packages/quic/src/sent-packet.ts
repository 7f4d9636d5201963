/**
 * Sent packets and their tracking per packet number space (RFC 9002 §A.1).
 *
 * @module
 */
import type { AckRange } from "@zquic/wire";
import type { Ecn } from "@zquic/wire";

/** Packet number spaces as array indices (RFC 9000 §12.3). */
export const PacketSpace = { Initial: 0, Handshake: 1, Application: 2 } as const;

/** One of {@link PacketSpace}. */
export type SpaceId = (typeof PacketSpace)[keyof typeof PacketSpace];

/** The three spaces in the order RFC 9002 §A.8 walks them. */
export const PACKET_SPACES: readonly SpaceId[] = [PacketSpace.Initial, PacketSpace.Handshake, PacketSpace.Application];

/** RFC 9002 §A.1.1: what loss recovery remembers about a packet it sent. */
export interface SentPacket<Info> {
  readonly pn: number;
  readonly space: SpaceId;
  /** When it was sent, in ms. */
  readonly timeSent: number;
  /** sent_bytes: the packet's size in the UDP datagram, QUIC header and AEAD overhead included. */
  readonly size: number;
  readonly ackEliciting: boolean;
  /** RFC 9002 §2: counts toward bytes in flight (ack-eliciting or PADDING). */
  readonly inFlight: boolean;
  /** What the packet carried, for retransmission; opaque to recovery. */
  readonly info: Info;
  /** RFC 9000 §14.4: the loss of a PMTU probe is not a congestion signal. */
  readonly isMtuProbe?: boolean;
  /** The ECN codepoint of the datagram that carried it (RFC 9000 §13.4.2); Not-ECT when absent. */
  readonly ecn?: Ecn;
}

/** RFC 9000 §21.4: how many skipped packet numbers a space remembers. */
const MAX_SKIPPED = 8;

/**
 * How many packets that are not in flight (ACK-only packets) a space tracks.
 * They are kept for their send time (an RTT sample when they are the largest
 * acknowledged, §5.1) but no peer is obliged to acknowledge them, so the oldest
 * are forgotten beyond this bound.
 */
const MAX_NOT_IN_FLIGHT = 1024;

interface Slot<Info> {
  readonly pn: number;
  /** Undefined once acknowledged, declared lost or discarded. */
  packet: SentPacket<Info> | undefined;
  /**
   * An acknowledged packet lies in this slot or in removed slots folded into it
   * since the previous live slot: the gap before it is not "all lost" (§7.6.2).
   */
  acknowledged: boolean;
}

/**
 * The packets of one packet number space that are neither acknowledged nor
 * declared lost (A.3 sent_packets), in packet number order. Removal leaves a
 * tombstone that remembers whether the packet was acknowledged, so a run of lost
 * packets can tell whether anything between them was delivered (§7.6.2);
 * tombstones are compacted away as they accumulate. Acknowledging ranges costs
 * O(ranges · log n + packets touched).
 */
export class SentPackets<Info> {
  private slots: Slot<Info>[] = [];
  /** Slots before this index are all removed. */
  private head = 0;
  private live = 0;
  private ackElicitingInFlightCount = 0;
  private notInFlightCount = 0;
  private readonly skipped: number[] = [];
  #largestSent: number | undefined;

  /** The largest packet number sent or skipped; undefined before the first. */
  get largestSent(): number | undefined {
    return this.#largestSent;
  }

  /** True while an ack-eliciting packet is in flight. */
  get hasAckElicitingInFlight(): boolean {
    return this.ackElicitingInFlightCount > 0;
  }

  /** Tracks `packet`, whose number must exceed every number sent or skipped before. */
  push(packet: SentPacket<Info>): void {
    this.#largestSent = packet.pn;
    this.slots.push({ pn: packet.pn, packet, acknowledged: false });
    this.live++;
    if (packet.inFlight && packet.ackEliciting) this.ackElicitingInFlightCount++;
    if (!packet.inFlight && ++this.notInFlightCount > MAX_NOT_IN_FLIGHT) this.forgetOldestNotInFlight();
  }

  /** RFC 9000 §21.4: `pn` is deliberately never sent; an acknowledgment of it is a violation. */
  skip(pn: number): void {
    this.#largestSent = pn;
    this.skipped.push(pn);
    if (this.skipped.length > MAX_SKIPPED) this.skipped.shift();
  }

  /** The first skipped packet number inside `range`, if any. */
  skippedIn(range: AckRange): number | undefined {
    return this.skipped.find((pn) => pn >= range.smallest && pn <= range.largest);
  }

  /** Removes the packets that `ranges` acknowledge and returns them in ascending order. */
  removeAcknowledged(ranges: readonly AckRange[]): SentPacket<Info>[] {
    const acked: SentPacket<Info>[] = [];
    const ascending = [...ranges].sort((a, b) => a.smallest - b.smallest);
    for (const range of ascending) {
      for (let i = this.lowerBound(range.smallest); i < this.slots.length; i++) {
        const slot = this.slots[i]!;
        if (slot.pn > range.largest) break;
        if (slot.packet === undefined) continue;
        slot.acknowledged = true;
        acked.push(this.remove(slot));
      }
    }
    this.tidy();
    return acked;
  }

  /**
   * Walks the live packets numbered at most `largestAcked` in order and removes
   * those `isLost` accepts. Returns them as runs: within a run no acknowledged
   * packet lies between consecutive members (§7.6.2).
   */
  removeLost(largestAcked: number, isLost: (packet: SentPacket<Info>) => boolean): SentPacket<Info>[][] {
    const runs: SentPacket<Info>[][] = [];
    let run: SentPacket<Info>[] = [];
    const endRun = (): void => {
      if (run.length > 0) runs.push(run);
      run = [];
    };
    for (let i = this.head; i < this.slots.length; i++) {
      const slot = this.slots[i]!;
      if (slot.pn > largestAcked) break;
      if (slot.acknowledged) endRun();
      if (slot.packet === undefined) continue;
      if (isLost(slot.packet)) run.push(this.remove(slot));
      else endRun();
    }
    endRun();
    this.tidy();
    return runs;
  }

  /** Removes and returns every tracked packet that `filter` accepts (all when absent). */
  removeAll(filter: (packet: SentPacket<Info>) => boolean = () => true): SentPacket<Info>[] {
    const removed: SentPacket<Info>[] = [];
    for (let i = this.head; i < this.slots.length; i++) {
      const slot = this.slots[i]!;
      if (slot.packet !== undefined && filter(slot.packet)) removed.push(this.remove(slot));
    }
    this.tidy();
    return removed;
  }

  private remove(slot: Slot<Info>): SentPacket<Info> {
    const packet = slot.packet!;
    slot.packet = undefined;
    this.live--;
    if (packet.inFlight && packet.ackEliciting) this.ackElicitingInFlightCount--;
    if (!packet.inFlight) this.notInFlightCount--;
    return packet;
  }

  /** Index of the first slot at or after `head` whose number is at least `pn`. */
  private lowerBound(pn: number): number {
    let low = this.head;
    let high = this.slots.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.slots[mid]!.pn < pn) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private forgetOldestNotInFlight(): void {
    for (let i = this.head; i < this.slots.length && this.notInFlightCount > MAX_NOT_IN_FLIGHT / 2; i++) {
      const slot = this.slots[i]!;
      if (slot.packet !== undefined && !slot.packet.inFlight) this.remove(slot);
    }
    this.tidy();
  }

  /**
   * Drops leading tombstones, and folds the others into the next live slot once
   * they outnumber the live packets, keeping memory proportional to what is tracked.
   */
  private tidy(): void {
    while (this.head < this.slots.length && this.slots[this.head]!.packet === undefined) this.head++;
    const tombstones = this.slots.length - this.head - this.live;
    if (tombstones <= this.live + 16 && this.head <= this.slots.length / 2) return;
    const kept: Slot<Info>[] = [];
    let acknowledgedGap = false;
    let last: Slot<Info> | undefined;
    for (let i = this.head; i < this.slots.length; i++) {
      const slot = this.slots[i]!;
      last = slot;
      if (slot.packet === undefined) {
        acknowledgedGap ||= slot.acknowledged;
        continue;
      }
      slot.acknowledged ||= acknowledgedGap;
      acknowledgedGap = false;
      kept.push(slot);
    }
    // A trailing acknowledged gap still separates the last live packet from the next one sent.
    if (acknowledgedGap && last !== undefined) kept.push({ pn: last.pn, packet: undefined, acknowledged: true });
    this.slots = kept;
    this.head = 0;
  }
}
