/**
 * What the UDP and TCP exchanges share: one answer or one error, whichever
 * comes first, a `DnsTimeoutError` once `timeoutMs` pass without either, and
 * the socket released as the exchange settles.
 *
 * @module
 */
import { DnsTimeoutError, formatHostPort } from "@zquic/io";
import type { DnsServerAddress } from "./udp-exchange.js";

/**
 * Runs `start` with callbacks that settle the exchange once (later calls are
 * ignored); `release` closes its socket then.
 */
export function boundedExchange(
  server: DnsServerAddress,
  timeoutMs: number,
  release: () => void,
  start: (answer: (reply: Uint8Array) => void, fail: (error: unknown) => void) => void,
): Promise<Uint8Array> {
  return new Promise<Uint8Array>((resolve, reject) => {
    let done = false;
    const finish = (settle: () => void): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      release();
      settle();
    };
    const timer = setTimeout(() => finish(() => reject(new DnsTimeoutError(timeoutMs, formatHostPort(server)))), timeoutMs);
    start(
      (reply) => finish(() => resolve(reply)),
      (error) => finish(() => reject(error)),
    );
  });
}
