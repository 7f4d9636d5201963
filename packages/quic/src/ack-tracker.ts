import type { AckFrame, AckRange, EcnCounts } from "@zquic/wire";
import { RangeSet } from "./range-set.js";
import type { Ecn } from "@zquic/wire";

/** How a packet number space acknowledges what it receives. */
export interface AckPolicy {
  /** RFC 9000 §13.2.1: Initial and Handshake packets are acknowledged immediately. */
  readonly immediate: boolean;
  /** Our max_ack_delay in ms (RFC 9000 §18.2). */
  readonly maxAckDelay: number;
  /** RFC 9000 §13.2.2: send an ACK after this many ack-eliciting packets (2 by default)... */
  readonly ackElicitingThreshold: number;
  /** ...or after up to this many when the peer sends many packets per round trip (see {@link ackElicitingThreshold}). */
  readonly maxAckElicitingThreshold: number;
  /** RFC 9000 §13.2.3: how many ranges to remember; older ones are dropped. */
  readonly maxRanges: number;
}

/** While the threshold is above its minimum, at least this many ACKs go out per round trip. */
const ACKS_PER_RTT = 4;

/**
 * RFC 9000 §13.2.2 leaves acknowledgment frequency to the receiver: every
 * ACK costs both endpoints a packet, yet the sender's congestion window and
 * loss detection feed on them. The threshold grows with the ack-eliciting
 * packets the peer sent in the last round trip (its congestion window, as
 * seen here), so that about {@link ACKS_PER_RTT} ACKs still go out per round
 * trip; a peer with a small window keeps the policy's minimum.
 */
export function ackElicitingThreshold(policy: AckPolicy, packetsPerRtt: number): number {
  return Math.min(policy.maxAckElicitingThreshold, Math.max(policy.ackElicitingThreshold, Math.floor(packetsPerRtt / ACKS_PER_RTT)));
}

/**
 * Receive-side bookkeeping of one packet number space (RFC 9000 §13.2): which
 * packet numbers arrived, when an ACK is due, what the next ACK frame says.
 */
export class AckTracker {
  private readonly received = new RangeSet();
  /** Packets below this are treated as duplicates (§13.2.3: a rising minimum). */
  private minimumAccepted = 0;
  /** Largest packet number processed, kept even when ranges are discarded (§17.1). */
  largestReceived = -1;
  private largestReceivedTime = 0;
  private largestAckEliciting = -1;
  private unackedAckEliciting = 0;
  /** Time the first not-yet-acknowledged ack-eliciting packet arrived. */
  private firstUnackedTime: number | undefined;
  private immediateAckDue = false;
  /** True when packets arrived that the last ACK sent did not cover. */
  private newSinceLastAck = false;
  private readonly ecnCounts = { ect0: 0, ect1: 0, ce: 0 };
  private ecnSeen = false;
  /** Ack-eliciting packets that arrived in the last complete round trip, and the one under way. */
  private packetsPerRtt = 0;
  private roundStart = 0;
  private roundPackets = 0;

  constructor(readonly policy: AckPolicy) {}

  /** True when `pn` was already processed (or is too old to tell): drop the packet. */
  isDuplicate(pn: number): boolean {
    return pn < this.minimumAccepted || this.received.has(pn);
  }

  /** Records a packet that was decrypted and processed; `rtt` is the current smoothed RTT (ms). */
  onPacketReceived(pn: number, now: number, ackEliciting: boolean, ecn: Ecn = 0, rtt = 0): void {
    const previousLargest = this.largestReceived;
    this.received.add(pn, pn + 1);
    if (this.received.count > this.policy.maxRanges) {
      this.received.truncateToNewest(this.policy.maxRanges);
      this.minimumAccepted = Math.max(this.minimumAccepted, this.received.min ?? 0);
    }
    if (pn > this.largestReceived) {
      this.largestReceived = pn;
      this.largestReceivedTime = now;
    }
    this.newSinceLastAck = true;
    if (ecn !== 0) {
      this.ecnSeen = true;
      if (ecn === 2) this.ecnCounts.ect0++;
      else if (ecn === 1) this.ecnCounts.ect1++;
      else this.ecnCounts.ce++;
    }
    if (!ackEliciting) return;
    this.countArrival(now, rtt);
    this.unackedAckEliciting++;
    this.firstUnackedTime ??= now;
    // RFC 9000 §13.2.1: acknowledge immediately when out of order or CE-marked.
    const outOfOrder = pn < this.largestAckEliciting || (pn > previousLargest + 1 && previousLargest >= 0);
    if (
      this.policy.immediate ||
      outOfOrder ||
      ecn === 3 ||
      this.unackedAckEliciting >= ackElicitingThreshold(this.policy, this.packetsPerRtt)
    ) {
      this.immediateAckDue = true;
    }
    if (pn > this.largestAckEliciting) this.largestAckEliciting = pn;
  }

  /** Counts an ack-eliciting arrival in the current round trip; a round that ended in silence counts as empty. */
  private countArrival(now: number, rtt: number): void {
    const elapsed = now - this.roundStart;
    if (elapsed >= rtt) {
      this.packetsPerRtt = elapsed < 2 * rtt ? this.roundPackets : 0;
      this.roundStart = now;
      this.roundPackets = 0;
    }
    this.roundPackets++;
  }

  /** True when there is anything to acknowledge at all. */
  get hasUnacknowledged(): boolean {
    return this.newSinceLastAck && !this.received.empty;
  }

  /**
   * When an ACK must be sent: `now`-or-earlier when one is due immediately,
   * first-arrival + max_ack_delay for a delayed one, undefined when none is owed.
   */
  ackDeadline(): number | undefined {
    if (this.unackedAckEliciting === 0) return undefined;
    if (this.immediateAckDue) return this.firstUnackedTime ?? 0;
    return (this.firstUnackedTime ?? 0) + this.policy.maxAckDelay;
  }

  /** True when an ACK frame must go out by `now`. */
  ackDue(now: number): boolean {
    const deadline = this.ackDeadline();
    return deadline !== undefined && deadline <= now;
  }

  /**
   * The ACK frame to send now, or undefined when nothing was received. At most
   * `maxRanges` ranges, newest first (§13.2.3: older ranges are omitted).
   */
  buildAck(now: number, ackDelayExponent: number, maxRanges = this.policy.maxRanges): AckFrame | undefined {
    if (this.received.empty) return undefined;
    const ranges: AckRange[] = [];
    for (const range of this.received.descending()) {
      ranges.push({ smallest: range.start, largest: range.end - 1 });
      if (ranges.length >= maxRanges) break;
    }
    // RFC 9000 §13.2.5: the delay since the largest packet arrived, in units of 2^exponent µs.
    const delayMicros = Math.max(0, now - this.largestReceivedTime) * 1000;
    const ackDelay = Math.floor(delayMicros / 2 ** ackDelayExponent);
    return this.ecnSeen ? { type: "ack", ranges, ackDelay, ecn: { ...this.ecnCounts } satisfies EcnCounts } : { type: "ack", ranges, ackDelay };
  }

  /** Call after an ACK frame from {@link buildAck} was put in a packet. */
  onAckSent(): void {
    this.unackedAckEliciting = 0;
    this.firstUnackedTime = undefined;
    this.immediateAckDue = false;
    this.newSinceLastAck = false;
  }

  /**
   * RFC 9000 §13.2.4: a packet carrying our ACK with Largest Acknowledged
   * `largest` was acknowledged, so those ranges need not be repeated.
   */
  onAckAcknowledged(largest: number): void {
    if (largest + 1 <= this.minimumAccepted) return;
    this.minimumAccepted = Math.min(largest + 1, this.largestReceived);
    this.received.removeBelow(this.minimumAccepted);
  }
}
