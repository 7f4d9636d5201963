import { rcodes } from "../dns/index.js";

/** A snapshot of what a {@link Resolver} has done. */
export interface ResolverMetrics {
  /** Queries received. */
  queries: number;
  /** Responses sent, by RCODE mnemonic. */
  responses: Record<string, number>;
  /** Answers from a name backend. */
  backendAnswers: number;
  cacheHits: number;
  cacheMisses: number;
  /** cacheHits / (cacheHits + cacheMisses), 0 before any lookup. */
  cacheHitRatio: number;
  upstreamQueries: number;
  /** Upstream calls that threw, answered badly, or answered after the deadline. */
  upstreamFailures: number;
  upstreamTimeouts: number;
  /** Milliseconds from asking to the reply, over replies that came back. */
  upstreamLatency: { count: number; meanMs: number; maxMs: number };
}

/** Counts resolver events; {@link ResolverCounters.snapshot} derives ratios and means. */
export class ResolverCounters {
  queries = 0;
  backendAnswers = 0;
  cacheHits = 0;
  cacheMisses = 0;
  upstreamQueries = 0;
  upstreamFailures = 0;
  upstreamTimeouts = 0;
  private readonly responses = new Map<number, number>();
  private latencyCount = 0;
  private latencyTotal = 0;
  private latencyMax = 0;

  /** Counts a response with `rcode`. */
  response(rcode: number): void {
    this.responses.set(rcode, (this.responses.get(rcode) ?? 0) + 1);
  }

  /** Records one upstream round trip of `ms`. */
  latency(ms: number): void {
    this.latencyCount++;
    this.latencyTotal += ms;
    this.latencyMax = Math.max(this.latencyMax, ms);
  }

  /** The counters as plain data. */
  snapshot(): ResolverMetrics {
    const lookups = this.cacheHits + this.cacheMisses;
    return {
      queries: this.queries,
      responses: Object.fromEntries([...this.responses].map(([rcode, count]) => [rcodes.nameOf(rcode), count])),
      backendAnswers: this.backendAnswers,
      cacheHits: this.cacheHits,
      cacheMisses: this.cacheMisses,
      cacheHitRatio: lookups === 0 ? 0 : this.cacheHits / lookups,
      upstreamQueries: this.upstreamQueries,
      upstreamFailures: this.upstreamFailures,
      upstreamTimeouts: this.upstreamTimeouts,
      upstreamLatency: {
        count: this.latencyCount,
        meanMs: this.latencyCount === 0 ? 0 : this.latencyTotal / this.latencyCount,
        maxMs: this.latencyMax,
      },
    };
  }
}
