/**
 * The resolver service's metrics as one log line of `key=value` pairs.
 *
 * @module
 */
import type { ResolverMetrics } from "@zquic/doq";

/** What the DoQ server counted, besides what the resolver did. */
export interface DoqCounters {
  /** Connections open now. */
  connections: number;
  /** Queries reset with DOQ_EXCESSIVE_LOAD (over a per-client limit). */
  excessiveLoad: number;
  /** Queries the clients cancelled. */
  cancelled: number;
}

/**
 * `metrics queries=… responses=NOERROR:3,NXDOMAIN:1 cache_hit_ratio=0.50
 * upstream_latency_ms=mean:1.2,max:3.4 …`, every value without spaces.
 */
export function metricsLine(resolver: ResolverMetrics, doq: DoqCounters): string {
  const responses = Object.entries(resolver.responses).map(([rcode, count]) => `${rcode}:${count}`).join(",") || "none";
  const latency = resolver.upstreamLatency;
  const fields: [string, string | number][] = [
    ["queries", resolver.queries],
    ["responses", responses],
    ["backend_answers", resolver.backendAnswers],
    ["cache_hits", resolver.cacheHits],
    ["cache_misses", resolver.cacheMisses],
    ["cache_hit_ratio", resolver.cacheHitRatio.toFixed(2)],
    ["upstream_queries", resolver.upstreamQueries],
    ["upstream_failures", resolver.upstreamFailures],
    ["upstream_timeouts", resolver.upstreamTimeouts],
    ["upstream_latency_ms", `mean:${latency.meanMs.toFixed(1)},max:${latency.maxMs.toFixed(1)}`],
    ["connections", doq.connections],
    ["excessive_load", doq.excessiveLoad],
    ["cancelled", doq.cancelled],
  ];
  return `metrics ${fields.map(([key, value]) => `${key}=${value}`).join(" ")}`;
}
