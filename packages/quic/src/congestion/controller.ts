/**
 * The congestion controller interface (RFC 9002 §7) that loss recovery drives,
 * and the factory for the algorithms zquic implements.
 *
 * @module
 */
import type { RttEstimator } from "../rtt.js";
import { Cubic } from "./cubic.js";
import { NewReno } from "./new-reno.js";

/** The part of an acknowledged packet a congestion controller looks at. */
export interface AckedPacket {
  /** When it was sent, in ms. */
  readonly timeSent: number;
  /** Its size in bytes (sent_bytes). */
  readonly size: number;
}

/** RFC 9002 §7.3: the state of the controller (as qlog's congestion_state_updated names them). */
export type CongestionState = "slow_start" | "congestion_avoidance" | "recovery";

/**
 * A window-based congestion controller (RFC 9002 §7). Windows are in bytes,
 * times in ms. Loss recovery calls it; the connection reads `window`.
 */
export interface CongestionController {
  /** congestion_window: bytes in flight must stay below it (§7). */
  readonly window: number;
  /** ssthresh: below it the controller is in slow start; `Infinity` until the first congestion event. */
  readonly slowStartThreshold: number;
  /** kMinimumWindow (§7.2): the floor of every reduction. */
  readonly minimumWindow: number;
  /** max_datagram_size (§B.2) the windows are computed with. */
  readonly maxDatagramSize: number;
  /** Which of the §7.3 states the controller is in. */
  readonly state: CongestionState;
  /**
   * An in-flight packet is sent at `now`; `bytesInFlight` excludes it. Zero means
   * the sender was idle, which RFC 9438 §5.8 keeps out of CUBIC's clock.
   */
  onPacketSent(now: number, bytesInFlight: number): void;
  /**
   * An in-flight packet is newly acknowledged at `now` (§B.5 OnPacketAcked).
   *
   * @param underutilized the sender did not fill the window for lack of data or
   *   flow control credit (§7.8): the window must not grow.
   */
  onPacketAcked(packet: AckedPacket, now: number, rtt: RttEstimator, underutilized: boolean): void;
  /**
   * Loss of a packet sent at `sentTime`, or an ECN-CE increase, detected at
   * `now` (§B.6). Reduces the window once per recovery period (§7.3.2).
   */
  onCongestionEvent(now: number, sentTime: number): void;
  /** §7.6.2: the window collapses to the minimum window. */
  onPersistentCongestion(): void;
  /** §7.2: the path's maximum datagram size changed. */
  onMtuChanged(maxDatagramSize: number): void;
}

/** The congestion control algorithms available. */
export type CongestionAlgorithm = "newreno" | "cubic";

/** A fresh controller for a new path, in slow start with the initial window (§7.2). */
export function createCongestionController(algorithm: CongestionAlgorithm, maxDatagramSize: number): CongestionController {
  return algorithm === "cubic" ? new Cubic(maxDatagramSize) : new NewReno(maxDatagramSize);
}
