/** RFC 9000 §14: the smallest datagram size QUIC may assume a path carries. */
export const MIN_DATAGRAM_SIZE = 1200;

/** Below this many bytes of room no useful packet can be sent. */
export const MIN_SENDABLE = 48;

/** RFC 8899 §5.1.1: MAX_PROBES, lost probes of one size before that size is given up. */
const MAX_PROBES = 3;
/** RFC 8899 §5.1.1: PMTU_RAISE_TIMER, how long a finished search waits before probing again (ms). */
const RAISE_INTERVAL = 600_000;
/** Sizes closer than this are not worth another probe. */
const SEARCH_GRANULARITY = 16;

/**
 * Datagram Packetization Layer PMTU Discovery (RFC 8899, RFC 9000 §14.3): probe
 * upward from 1200 bytes with padded PING packets whose loss is not a
 * congestion signal; a probe that is acknowledged raises the datagram size.
 * Binary search between the last size that worked and the first that failed.
 */
export class MtuDiscovery {
  /** The largest datagram known to get through. */
  current = MIN_DATAGRAM_SIZE;
  /** Smallest size known (or assumed) not to get through, exclusive upper bound + 1. */
  private ceiling: number;
  private inFlight: number | undefined;
  private failures = 0;
  private nextProbeAt = 0;

  constructor(private maximum: number) {
    this.ceiling = maximum;
  }

  /** RFC 9000 §14.3: never probe above the peer's max_udp_payload_size. */
  setPeerMaximum(maxUdpPayloadSize: number): void {
    this.maximum = Math.min(this.maximum, maxUdpPayloadSize);
    this.ceiling = Math.min(this.ceiling, this.maximum);
  }

  /** True while the search has not converged. */
  get searching(): boolean {
    return this.ceiling - this.current >= SEARCH_GRANULARITY;
  }

  /** The size of the next probe to send now, or undefined. */
  probeSize(now: number): number | undefined {
    if (this.inFlight !== undefined || now < this.nextProbeAt) return undefined;
    if (!this.searching) return undefined;
    // Try the top first (the common case: the path carries what the peer accepts), then bisect.
    return this.failures === 0 && this.ceiling === this.maximum ? this.ceiling : Math.ceil((this.current + this.ceiling) / 2);
  }

  onProbeSent(size: number): void {
    this.inFlight = size;
  }

  /** A probe of `size` bytes was acknowledged: the path carries it. */
  onProbeAcknowledged(size: number, now: number): void {
    if (this.inFlight === size) this.inFlight = undefined;
    this.failures = 0;
    if (size > this.current) this.current = size;
    if (!this.searching) this.nextProbeAt = now + RAISE_INTERVAL;
  }

  /** A probe of `size` bytes was lost: after MAX_PROBES losses that size is out of reach. */
  onProbeLost(size: number, now: number): void {
    if (this.inFlight === size) this.inFlight = undefined;
    if (++this.failures < MAX_PROBES) return;
    this.failures = 0;
    this.ceiling = size - 1;
    if (!this.searching) this.nextProbeAt = now + RAISE_INTERVAL;
  }

  /** RFC 8899 §4.4: a new path starts from the base size again. */
  reset(): void {
    this.current = MIN_DATAGRAM_SIZE;
    this.ceiling = this.maximum;
    this.inFlight = undefined;
    this.failures = 0;
    this.nextProbeAt = 0;
  }
}
