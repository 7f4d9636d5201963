/**
 * Loss detection (RFC 9002 §6 and Appendix A): acknowledgment-based loss
 * detection, the probe timeout, persistent congestion, and the bytes in flight
 * the congestion controller (§7, Appendix B) is fed with.
 *
 * @module
 */
import { TransportError, ZquicError, type AckRange, type EcnCounts, type EndpointRole } from "@zquic/wire";
import { EcnCodepoint } from "@zquic/wire";
import type { CongestionController } from "./congestion/controller.js";
import { EcnValidator } from "./ecn.js";
import { RttEstimator } from "./rtt.js";
import { PACKET_SPACES, PacketSpace, SentPackets, type SentPacket, type SpaceId } from "./sent-packet.js";

/** §6.1.1: kPacketThreshold. */
export const PACKET_THRESHOLD = 3;
/** §6.1.2: kTimeThreshold, an RTT multiplier. */
export const TIME_THRESHOLD = 9 / 8;
/** §6.1.2: kGranularity, in ms. */
export const GRANULARITY = 1;
/** §7.6.1: kPersistentCongestionThreshold, a PTO multiplier. */
export const PERSISTENT_CONGESTION_THRESHOLD = 3;
/** RFC 9000 §18.2: max_ack_delay when the peer's transport parameters do not say, in ms. */
export const DEFAULT_MAX_ACK_DELAY = 25;

/** How a {@link Recovery} is set up. */
export interface RecoveryOptions {
  /** Our role: a server takes its peer's address as validated (§A.8 PeerCompletedAddressValidation). */
  readonly role: EndpointRole;
  /** The path's congestion controller. */
  readonly congestion: CongestionController;
  /** kInitialRtt in ms (§6.2.2); 333 by default. */
  readonly initialRtt?: number;
  /** The peer's max_ack_delay in ms, if already known; see {@link Recovery.maxAckDelay}. */
  readonly maxAckDelay?: number;
  /** kPacketThreshold (§6.1.1); RFC 9002 says not below 3. */
  readonly packetThreshold?: number;
  /** kTimeThreshold (§6.1.2). */
  readonly timeThreshold?: number;
  /** kGranularity in ms (§6.1.2). */
  readonly granularity?: number;
}

/** The handshake and address-validation facts the loss detection timer depends on (§6.2). */
export interface HandshakeStatus {
  /** RFC 9001 §4.1.2: the handshake is confirmed. */
  readonly handshakeConfirmed: boolean;
  /** Handshake keys are available: an anti-deadlock probe is a Handshake packet rather than an Initial (§6.2.2.1). */
  readonly hasHandshakeKeys: boolean;
  /** A server blocked by the anti-amplification limit (RFC 9000 §8.1): it arms no PTO (§6.2.2.1). */
  readonly atAmplificationLimit: boolean;
}

/** An ACK frame as loss recovery needs it. */
export interface ReceivedAck {
  /** The acknowledged ranges (any order). */
  readonly ranges: readonly AckRange[];
  /** The ACK Delay in ms, already scaled by the peer's ack_delay_exponent. */
  readonly ackDelay: number;
  /** The ECN counts of an ACK_ECN frame. */
  readonly ecn?: EcnCounts;
}

/** A congestion signal that was given to the congestion controller. */
export type CongestionEvent = "loss" | "ecn-ce" | "persistent-congestion";

/**
 * What an ACK frame did (§A.7). An `"error"` is a connection error the caller
 * turns into CONNECTION_CLOSE with `code`; the frame then changed nothing.
 */
export type AckOutcome<Info> =
  | {
      readonly kind: "ok";
      /** Newly acknowledged packets, ascending. */
      readonly acked: readonly SentPacket<Info>[];
      /** Packets declared lost, ascending; those not in flight (ACK-only) need no retransmission. */
      readonly lost: readonly SentPacket<Info>[];
      /** The frame produced an RTT sample (§5.1). */
      readonly rttSampled: boolean;
      readonly congestionEvents: readonly CongestionEvent[];
    }
  | { readonly kind: "error"; readonly code: number; readonly reason: string };

/** §6.2.4: the probe packets a PTO asks for; all must be ack-eliciting. */
export interface Probe {
  /** The space to send in; other spaces with packets in flight SHOULD be coalesced. */
  readonly space: SpaceId;
  /** How many ack-eliciting packets to send: 2 on a PTO, 1 for an anti-deadlock probe (§6.2.2.1). */
  readonly count: 1 | 2;
}

/** What the loss detection timer did (§A.9). */
export interface TimeoutOutcome<Info> {
  /** Packets declared lost by the time threshold. */
  readonly lost: readonly SentPacket<Info>[];
  /** Set when a PTO expired: send these probes, even beyond the congestion window (§7.5). */
  readonly probe?: Probe;
  readonly congestionEvents: readonly CongestionEvent[];
}

interface SpaceState<Info> {
  readonly sent: SentPackets<Info>;
  /** largest_acked_packet; undefined is the RFC's "infinite". */
  largestAcked: number | undefined;
  /** loss_time: when the next packet may be declared lost by the time threshold. */
  lossTime: number | undefined;
  /** time_of_last_ack_eliciting_packet; read only while one is in flight. */
  timeOfLastAckEliciting: number;
}

interface PtoTimer {
  readonly time: number;
  readonly space: SpaceId;
  readonly probes: 1 | 2;
}

/**
 * Loss detection and recovery for one connection (RFC 9002 §6, Appendix A):
 * sent packets per packet number space, RTT estimation, the loss detection
 * timer, and the congestion controller and ECN validation of the current path.
 * Times are ms supplied by the caller; nothing the peer sends makes it throw.
 */
export class Recovery<Info> {
  /** The RTT estimator of the current path (§5). */
  readonly rtt: RttEstimator;
  /** ECN validation of the current path (RFC 9000 §13.4.2); its `codepoint` is what to mark. */
  readonly ecn = new EcnValidator();
  /**
   * The peer's max_ack_delay transport parameter in ms (RFC 9000 §18.2), used
   * for the Application Data space (§6.2.1) and persistent congestion (§7.6.1).
   * Set it once the peer's transport parameters are known.
   */
  maxAckDelay: number;
  /**
   * Set by the sender: true when it last stopped sending for lack of data or flow
   * control credit while the window had room, false when the window or pacing
   * stopped it. The window does not grow while it is underused (§7.8).
   */
  applicationLimited = false;

  private readonly role: EndpointRole;
  private readonly packetThreshold: number;
  private readonly timeThreshold: number;
  private readonly granularity: number;
  private readonly spaces: readonly SpaceState<Info>[];
  #congestion: CongestionController;
  #bytesInFlight = 0;
  #ptoCount = 0;
  /** §A.8 PeerCompletedAddressValidation, client side: an ACK arrived in a Handshake packet. */
  private handshakeAckReceived = false;
  /** When §A.8 SetLossDetectionTimer last ran: the anti-deadlock PTO counts from it. */
  private timerArmedAt: number | undefined;

  constructor(options: RecoveryOptions) {
    this.role = options.role;
    this.#congestion = options.congestion;
    this.rtt = new RttEstimator(options.initialRtt);
    this.maxAckDelay = options.maxAckDelay ?? DEFAULT_MAX_ACK_DELAY;
    this.packetThreshold = options.packetThreshold ?? PACKET_THRESHOLD;
    this.timeThreshold = options.timeThreshold ?? TIME_THRESHOLD;
    this.granularity = options.granularity ?? GRANULARITY;
    this.spaces = PACKET_SPACES.map(() => ({
      sent: new SentPackets<Info>(),
      largestAcked: undefined,
      lossTime: undefined,
      timeOfLastAckEliciting: 0,
    }));
  }

  /** The congestion controller of the current path. */
  get congestion(): CongestionController {
    return this.#congestion;
  }

  /** bytes_in_flight (§B.2): sizes of in-flight packets neither acknowledged, lost nor discarded. */
  get bytesInFlight(): number {
    return this.#bytesInFlight;
  }

  /** pto_count (§A.3): PTOs since the last acknowledgment that reset it. */
  get ptoCount(): number {
    return this.#ptoCount;
  }

  /** The largest packet number the peer acknowledged in `space` (RFC 9000 §17.1 encodes against it). */
  largestAcked(space: SpaceId): number | undefined {
    return this.spaces[space]!.largestAcked;
  }

  /** True while an ack-eliciting packet of `space` is in flight (§6.2.4: probe the spaces that have one). */
  hasAckElicitingInFlight(space: SpaceId): boolean {
    return this.spaces[space]!.sent.hasAckElicitingInFlight;
  }

  /**
   * The PTO period for `space` without backoff (§6.2.1): max_ack_delay counts
   * only for Application Data. RFC 9000 scales idle, closing and key-discard
   * timers by it.
   */
  ptoPeriod(space: SpaceId): number {
    return this.rtt.ptoBase(this.granularity) + (space === PacketSpace.Application ? this.maxAckDelay : 0);
  }

  /**
   * §A.5 OnPacketSent. Packet numbers of a space must increase. Packets that are
   * not in flight (ACK-only) are remembered only for RTT samples and are bounded.
   */
  onPacketSent(packet: SentPacket<Info>): void {
    const state = this.spaces[packet.space]!;
    this.checkPacketNumberOrder(state, packet.pn);
    state.sent.push(packet);
    this.ecn.onPacketSent(packet.space, packet.ecn ?? EcnCodepoint.NotEct);
    if (!packet.inFlight) return;
    if (packet.ackEliciting) state.timeOfLastAckEliciting = packet.timeSent;
    this.#congestion.onPacketSent(packet.timeSent, this.#bytesInFlight);
    this.#bytesInFlight += packet.size;
    this.timerArmedAt = packet.timeSent;
  }

  /**
   * RFC 9000 §21.4: `pn` is skipped on purpose and will never be sent; an ACK
   * that covers it is an optimistic acknowledgment (PROTOCOL_VIOLATION).
   */
  onPacketNumberSkipped(space: SpaceId, pn: number): void {
    const state = this.spaces[space]!;
    this.checkPacketNumberOrder(state, pn);
    state.sent.skip(pn);
  }

  /** §A.7 OnAckReceived: an ACK frame arrived at `now` in a packet of `space`. */
  onAckReceived(space: SpaceId, ack: ReceivedAck, now: number, status: HandshakeStatus): AckOutcome<Info> {
    const state = this.spaces[space]!;
    const invalid = validateRanges(ack.ranges, state.sent);
    if (invalid !== undefined) return invalid;
    if (space === PacketSpace.Handshake) this.handshakeAckReceived = true;
    const largest = ack.ranges.reduce((max, range) => Math.max(max, range.largest), 0);
    const largestIncreased = state.largestAcked === undefined || largest > state.largestAcked;
    if (largestIncreased) state.largestAcked = largest;
    // §7.8: measured before this frame shrinks the bytes in flight.
    const underutilized = this.applicationLimited && this.#bytesInFlight < this.#congestion.window;
    const acked = state.sent.removeAcknowledged(ack.ranges);
    // A frame that acknowledges nothing new changes nothing (§A.7).
    if (acked.length === 0 && !largestIncreased) return { kind: "ok", acked, lost: [], rttSampled: false, congestionEvents: [] };

    const newest = acked.at(-1);
    // §5.1: a sample needs the largest acknowledged newly acknowledged, and an ack-eliciting packet among the new.
    const rttSampled = newest?.pn === largest && acked.some((packet) => packet.ackEliciting);
    if (rttSampled) {
      // §5.3: Initial acknowledgments are not delayed; max_ack_delay caps the delay once the handshake is confirmed.
      const ackDelay = space === PacketSpace.Initial ? 0 : ack.ackDelay;
      const limit = status.handshakeConfirmed ? this.maxAckDelay : Infinity;
      this.rtt.update(Math.max(0, now - newest.timeSent), ackDelay, now, limit);
    }

    const congestionEvents: CongestionEvent[] = [];
    // §B.7: an ECN-CE increase is a congestion event for the largest acknowledged packet.
    if (this.ecn.onAckReceived(space, acked, largestIncreased, ack.ecn) && newest !== undefined) {
      this.#congestion.onCongestionEvent(now, newest.timeSent);
      congestionEvents.push("ecn-ce");
    }
    const lostRuns = this.detectLostPackets(state, now);
    congestionEvents.push(...this.onPacketsLost(lostRuns, now));
    for (const packet of acked) {
      if (!packet.inFlight) continue;
      this.#bytesInFlight -= packet.size;
      this.#congestion.onPacketAcked(packet, now, this.rtt, underutilized);
    }
    // §6.2.1: reset the backoff, unless a client is unsure the server validated its address.
    if (this.peerCompletedAddressValidation(status)) this.#ptoCount = 0;
    this.timerArmedAt = now;
    return { kind: "ok", acked, lost: lostRuns.flat(), rttSampled, congestionEvents };
  }

  /**
   * §A.8 SetLossDetectionTimer: when the loss detection timer fires, or
   * undefined when it is not armed. It can lie in the past: then it is due.
   */
  lossDetectionDeadline(status: HandshakeStatus): number | undefined {
    const loss = this.earliestLossTime();
    if (loss !== undefined) return loss.time;
    // §6.2.2.1: a server that can send nothing arms no PTO.
    if (status.atAmplificationLimit) return undefined;
    return this.ptoTimer(status)?.time;
  }

  /**
   * §A.9 OnLossDetectionTimeout. Does nothing before the deadline, so it can be
   * called whenever any timer fires. Either declares packets lost by the time
   * threshold or, on a PTO, asks for probes and doubles the PTO period.
   */
  onLossDetectionTimeout(now: number, status: HandshakeStatus): TimeoutOutcome<Info> {
    const deadline = this.lossDetectionDeadline(status);
    if (deadline === undefined || now < deadline) return { lost: [], congestionEvents: [] };
    this.timerArmedAt = now;
    const loss = this.earliestLossTime();
    if (loss !== undefined) {
      const lostRuns = this.detectLostPackets(this.spaces[loss.space]!, now);
      return { lost: lostRuns.flat(), congestionEvents: this.onPacketsLost(lostRuns, now) };
    }
    const pto = this.ptoTimer(status);
    if (pto === undefined) return { lost: [], congestionEvents: [] };
    // §6.2.1: a PTO expiry doubles the period, across all spaces.
    this.#ptoCount++;
    return { lost: [], probe: { space: pto.space, count: pto.probes }, congestionEvents: [] };
  }

  /**
   * §6.4 / §A.11: the keys of `space` are discarded. Its packets leave the bytes
   * in flight without a congestion signal; its timers and the PTO backoff reset.
   * On a Retry (§6.3) discard the Initial space this way too: its packets, returned
   * here, are sent again, and sending continues with the following packet numbers.
   */
  discardSpace(space: SpaceId): SentPacket<Info>[] {
    const state = this.spaces[space]!;
    const discarded = this.declareAllLost(space);
    state.timeOfLastAckEliciting = 0;
    state.lossTime = undefined;
    this.#ptoCount = 0;
    return discarded;
  }

  /**
   * Removes the packets of `space` that `filter` accepts (all when absent) from
   * tracking and from the bytes in flight, without a congestion signal, and
   * returns them for retransmission: 0-RTT packets when 0-RTT is rejected
   * (§6.4, RFC 9001 §4.6.2) or after a Retry (RFC 9000 §17.2.5.3).
   */
  declareAllLost(space: SpaceId, filter?: (packet: SentPacket<Info>) => boolean): SentPacket<Info>[] {
    const removed = this.spaces[space]!.sent.removeAll(filter);
    // §B.9 RemoveFromBytesInFlight.
    for (const packet of removed) if (packet.inFlight) this.#bytesInFlight -= packet.size;
    return removed;
  }

  /**
   * RFC 9000 §9.4: the connection moved to a new path. RTT, congestion control
   * and ECN validation start over; packets in flight stay tracked.
   */
  onNewPath(congestion: CongestionController): void {
    this.rtt.reset();
    this.#congestion = congestion;
    this.ecn.restart();
  }

  private checkPacketNumberOrder(state: SpaceState<Info>, pn: number): void {
    const largestSent = state.sent.largestSent;
    if (largestSent !== undefined && pn <= largestSent) {
      throw new ZquicError("PACKET_NUMBER_ORDER", `packet number ${pn} is not above ${largestSent}, the largest already used in its space`);
    }
  }

  /** §A.8 PeerCompletedAddressValidation. */
  private peerCompletedAddressValidation(status: HandshakeStatus): boolean {
    return this.role === "server" || this.handshakeAckReceived || status.handshakeConfirmed;
  }

  /** §A.10 DetectAndRemoveLostPackets; also sets the space's loss_time. Returns runs (see {@link SentPackets.removeLost}). */
  private detectLostPackets(state: SpaceState<Info>, now: number): SentPacket<Info>[][] {
    state.lossTime = undefined;
    const largestAcked = state.largestAcked;
    if (largestAcked === undefined) return [];
    // §6.1.2: max(kTimeThreshold · max(smoothed_rtt, latest_rtt), kGranularity).
    const lossDelay = Math.max(this.timeThreshold * Math.max(this.rtt.latestRtt, this.rtt.smoothedRtt), this.granularity);
    return state.sent.removeLost(largestAcked, (packet) => {
      // §6.1.1 packet threshold, §6.1.2 time threshold.
      // Compare the same sum the timer is armed with, so a timer firing at exactly that time always declares the loss.
      const lossAt = packet.timeSent + lossDelay;
      if (lossAt <= now || largestAcked >= packet.pn + this.packetThreshold) return true;
      state.lossTime = Math.min(state.lossTime ?? Infinity, lossAt);
      return false;
    });
  }

  /** §B.8 OnPacketsLost: bytes in flight, the congestion event, persistent congestion. */
  private onPacketsLost(lostRuns: readonly (readonly SentPacket<Info>[])[], now: number): CongestionEvent[] {
    const lost = lostRuns.flat();
    if (lost.length === 0) return [];
    this.ecn.onPacketsLost(lost);
    let lastLossSendTime: number | undefined;
    for (const packet of lost) {
      if (!packet.inFlight) continue;
      this.#bytesInFlight -= packet.size;
      // RFC 9000 §14.4: a lost PMTU probe is not a congestion signal.
      if (!packet.isMtuProbe) lastLossSendTime = Math.max(lastLossSendTime ?? -Infinity, packet.timeSent);
    }
    if (lastLossSendTime === undefined) return [];
    this.#congestion.onCongestionEvent(now, lastLossSendTime);
    const firstRttSample = this.rtt.firstSampleTime;
    // §7.6.1: the duration includes max_ack_delay whatever the space.
    const duration = (this.rtt.ptoBase(this.granularity) + this.maxAckDelay) * PERSISTENT_CONGESTION_THRESHOLD;
    if (firstRttSample === undefined || !inPersistentCongestion(lostRuns, duration, firstRttSample)) return ["loss"];
    this.#congestion.onPersistentCongestion();
    this.rtt.onPersistentCongestion();
    return ["loss", "persistent-congestion"];
  }

  /** §A.8 GetLossTimeAndSpace. */
  private earliestLossTime(): { time: number; space: SpaceId } | undefined {
    let earliest: { time: number; space: SpaceId } | undefined;
    for (const space of PACKET_SPACES) {
      const time = this.spaces[space]!.lossTime;
      if (time !== undefined && (earliest === undefined || time < earliest.time)) earliest = { time, space };
    }
    return earliest;
  }

  /** §A.8 GetPtoTimeAndSpace; undefined when nothing arms the PTO. */
  private ptoTimer(status: HandshakeStatus): PtoTimer | undefined {
    const backoff = 2 ** this.#ptoCount;
    let duration = this.rtt.ptoBase(this.granularity) * backoff;
    let earliest: PtoTimer | undefined;
    for (const space of PACKET_SPACES) {
      const state = this.spaces[space]!;
      if (!state.sent.hasAckElicitingInFlight) continue;
      if (space === PacketSpace.Application) {
        // §6.2.1: not before the handshake is confirmed; max_ack_delay (backed off) only here.
        if (!status.handshakeConfirmed) break;
        duration += this.maxAckDelay * backoff;
      }
      const time = state.timeOfLastAckEliciting + duration;
      if (earliest === undefined || time < earliest.time) earliest = { time, space, probes: 2 };
    }
    if (earliest !== undefined || this.peerCompletedAddressValidation(status) || this.timerArmedAt === undefined) return earliest;
    // §6.2.2.1: a client not yet sure its address is validated keeps a timer even with
    // nothing to probe (0-RTT alone cannot arm one), so the server is never left blocked.
    return {
      time: this.timerArmedAt + duration,
      space: status.hasHandshakeKeys ? PacketSpace.Handshake : PacketSpace.Initial,
      probes: 1,
    };
  }
}

/**
 * RFC 9000 §13.1 and §19.3: ranges must be well formed and acknowledge only
 * packet numbers that were sent. Returns the connection error, if any.
 */
function validateRanges<Info>(ranges: readonly AckRange[], sent: SentPackets<Info>): AckOutcome<Info> | undefined {
  if (ranges.length === 0) return { kind: "error", code: TransportError.FRAME_ENCODING_ERROR, reason: "ACK frame without a range" };
  for (const range of ranges) {
    if (!Number.isInteger(range.smallest) || !Number.isInteger(range.largest) || range.smallest < 0 || range.smallest > range.largest) {
      return { kind: "error", code: TransportError.FRAME_ENCODING_ERROR, reason: `malformed ACK range ${range.smallest}..${range.largest}` };
    }
    const largestSent = sent.largestSent;
    // Packet numbers beyond 2^53 lose precision, but they still exceed any packet number sent.
    if (largestSent === undefined || range.largest > largestSent) {
      return { kind: "error", code: TransportError.PROTOCOL_VIOLATION, reason: `ACK of packet ${range.largest}, which was never sent` };
    }
    const skipped = sent.skippedIn(range);
    if (skipped !== undefined) {
      return { kind: "error", code: TransportError.PROTOCOL_VIOLATION, reason: `ACK of packet ${skipped}, which was skipped and never sent` };
    }
  }
  return undefined;
}

/**
 * §7.6.2: some run of lost packets (no acknowledged packet between its members)
 * holds two ack-eliciting packets, both sent after the first RTT sample, further
 * apart than the persistent congestion `duration`. Lost PMTU probes do not count.
 */
function inPersistentCongestion<Info>(
  lostRuns: readonly (readonly SentPacket<Info>[])[],
  duration: number,
  firstRttSample: number,
): boolean {
  return lostRuns.some((run) => {
    const eligible = run.filter((packet) => packet.ackEliciting && !packet.isMtuProbe && packet.timeSent > firstRttSample);
    const first = eligible[0];
    const last = eligible.at(-1);
    return first !== undefined && last !== undefined && last.timeSent - first.timeSent > duration;
  });
}
