/**
 * ECN validation (RFC 9000 §13.4.2 and Appendix A.4): whether a path and the
 * peer carry ECN markings faithfully, so that ECN-CE can be used as a
 * congestion signal (RFC 9002 §7.1).
 *
 * @module
 */
import { EcnCodepoint, isEct, type Ecn, type EcnCounts } from "@zquic/wire";
import type { SpaceId } from "./sent-packet.js";

/** RFC 9000 §A.4: the ECN state of a path. */
export type EcnState = "testing" | "unknown" | "capable" | "failed";

/** RFC 9000 §13.4.2: mark this many packets while testing a new path. */
export const ECN_TESTING_PACKETS = 10;

const ZERO_COUNTS: EcnCounts = { ect0: 0, ect1: 0, ce: 0 };

/**
 * Validates the ECN counts the peer reports (RFC 9000 §13.4.2.1) and decides
 * which codepoint outgoing packets carry. Marks ECT(0) while testing or capable.
 */
export class EcnValidator {
  #state: EcnState = "testing";
  /** Packets sent with ECT(0) and ECT(1), per space (counts the peer reports cannot exceed). */
  private readonly sent: { ect0: number; ect1: number }[] = [0, 1, 2].map(() => ({ ect0: 0, ect1: 0 }));
  /** The counts of the last ACK frame that passed validation, per space. */
  private readonly reported: EcnCounts[] = [ZERO_COUNTS, ZERO_COUNTS, ZERO_COUNTS];
  /** Marked packets sent, lost, and ECT(0)/ECT(1) count increase seen since testing started. */
  private markedSent = 0;
  private markedLost = 0;
  private ectArrived = 0;

  /** @param testingPackets how many packets to mark before the test ends (§13.4.2). */
  constructor(private readonly testingPackets: number = ECN_TESTING_PACKETS) {}

  /** The state of the path (§A.4). */
  get state(): EcnState {
    return this.#state;
  }

  /** The codepoint to put on the next datagram: ECT(0) while testing or capable (§A.4). */
  get codepoint(): Ecn {
    return this.#state === "testing" || this.#state === "capable" ? EcnCodepoint.Ect0 : EcnCodepoint.NotEct;
  }

  /** Counts a packet sent in `space` with codepoint `ecn`; ends the testing period after enough marked packets. */
  onPacketSent(space: SpaceId, ecn: Ecn): void {
    const sent = this.sent[space]!;
    if (ecn === EcnCodepoint.Ect0) sent.ect0++;
    else if (ecn === EcnCodepoint.Ect1) sent.ect1++;
    else return;
    this.markedSent++;
    if (this.#state === "testing" && this.markedSent >= this.testingPackets) this.#state = "unknown";
  }

  /** §13.4.2: validation fails when every marked packet is declared lost. */
  onPacketsLost(lost: readonly { readonly ecn?: Ecn }[]): void {
    this.markedLost += lost.filter((packet) => isEct(packet.ecn)).length;
    if (this.#state === "unknown" && this.markedLost >= this.markedSent) this.#state = "failed";
  }

  /**
   * Validates the counts of an ACK frame in `space` (§13.4.2.1) against the
   * packets it newly acknowledges. Returns true when the ECN-CE count rose, a
   * congestion signal (RFC 9002 §B.7).
   *
   * @param largestAckedIncreased the frame raised the largest acknowledged packet
   *   number; other frames may be reordered and MUST NOT fail validation.
   */
  onAckReceived(
    space: SpaceId,
    newlyAcked: readonly { readonly ecn?: Ecn }[],
    largestAckedIncreased: boolean,
    counts: EcnCounts | undefined,
  ): boolean {
    if (this.#state === "failed" || !largestAckedIncreased) return false;
    const ackedEct0 = newlyAcked.filter((packet) => packet.ecn === EcnCodepoint.Ect0).length;
    const ackedEct1 = newlyAcked.filter((packet) => packet.ecn === EcnCodepoint.Ect1).length;
    if (counts === undefined) {
      // The counts are missing although marked packets were acknowledged: bleached or not reported.
      if (ackedEct0 + ackedEct1 > 0) this.#state = "failed";
      return false;
    }
    if (!this.countsValid(space, counts, ackedEct0, ackedEct1)) {
      this.#state = "failed";
      return false;
    }
    const previous = this.reported[space]!;
    this.ectArrived += counts.ect0 - previous.ect0 + (counts.ect1 - previous.ect1);
    this.reported[space] = counts;
    if (this.#state === "unknown" && ackedEct0 + ackedEct1 > 0) {
      // §A.4: capable, unless every marked packet arrived ECN-CE marked.
      this.#state = this.ectArrived > 0 ? "capable" : "failed";
    }
    return counts.ce > previous.ce;
  }

  /** §A.4: starts testing a new path; the counts reported so far become the baseline. */
  restart(): void {
    this.#state = "testing";
    this.markedSent = 0;
    this.markedLost = 0;
    this.ectArrived = 0;
  }

  /** §13.4.2.1: the checks an ACK frame's counts must pass. */
  private countsValid(space: SpaceId, counts: EcnCounts, ackedEct0: number, ackedEct1: number): boolean {
    const previous = this.reported[space]!;
    const sent = this.sent[space]!;
    const ect0 = counts.ect0 - previous.ect0;
    const ect1 = counts.ect1 - previous.ect1;
    const ce = counts.ce - previous.ce;
    return (
      // Counts never decrease.
      ect0 >= 0 &&
      ect1 >= 0 &&
      ce >= 0 &&
      // Every newly acknowledged marked packet is counted, as ECT or as CE: detects remarking.
      ect0 + ce >= ackedEct0 &&
      ect1 + ce >= ackedEct1 &&
      // No more packets reported with a codepoint than were sent with it (none for one never applied).
      counts.ect0 <= sent.ect0 &&
      counts.ect1 <= sent.ect1
    );
  }
}

