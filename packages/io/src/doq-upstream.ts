/**
 * A DoQ server as the upstream of a `Resolver`: names it does not serve are
 * forwarded over DNS over QUIC.
 *
 * @module
 */
import { UpstreamTimeoutError, type Upstream } from "@zquic/doq";
import { DoqClient } from "./doq-client.js";
import { DnsTimeoutError } from "./doq-errors.js";
import { monotonicNow } from "./driver.js";
import type { QuicTarget } from "./target.js";

/**
 * Forwards queries to `server` through `client`, reusing its connection.
 * Deadlines and reply times are on {@link monotonicNow}'s clock, the one
 * `listenDoq` hands its handler as `now`.
 */
export function doqUpstream(client: DoqClient, server: string | QuicTarget): Upstream {
  return async (query, deadline) => {
    const timeoutMs = deadline - monotonicNow();
    if (timeoutMs <= 0) throw new UpstreamTimeoutError();
    try {
      const { message } = await client.query(server, query, { timeoutMs });
      return { response: message, now: monotonicNow() };
    } catch (error) {
      if (error instanceof DnsTimeoutError) throw new UpstreamTimeoutError(error.message);
      throw error;
    }
  };
}
