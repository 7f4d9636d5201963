/**
 * A classic DNS server as a `Resolver`'s upstream (RFC 1035 §4.2): the query
 * over UDP, again over TCP when the answer came truncated.
 *
 * @module
 */
import { UpstreamTimeoutError, decodeMessage, encodeMessage, type DnsMessage, type Upstream } from "@zquic/doq";
import { DnsTimeoutError, monotonicNow } from "@zquic/io";
import { randomMessageId } from "./message-id.js";
import { tcpExchange } from "./tcp-exchange.js";
import { udpExchange, type DnsServerAddress } from "./udp-exchange.js";

/** How a query goes to a server: bytes out, bytes back within a time limit. */
type Exchange = (server: DnsServerAddress, query: Uint8Array, timeoutMs: number) => Promise<Uint8Array>;

/**
 * Forwards each query to `server` over UDP with a fresh random Message ID
 * and source port (RFC 5452 §9), and over TCP when the reply has TC set
 * (RFC 1035 §4.2.1, RFC 7766 §5). Deadlines and reply times are on io's
 * `monotonicNow()` clock, the one a DoQ server hands its handler.
 */
export function classicUpstream(server: DnsServerAddress): Upstream {
  return async (query, deadline) => {
    const bytes = encodeMessage({ ...query, id: randomMessageId() });
    let response = await exchangeBefore(udpExchange, server, bytes, deadline);
    if (response.tc) response = await exchangeBefore(tcpExchange, server, bytes, deadline);
    return { response, now: monotonicNow() };
  };
}

/** One exchange that must end by `deadline`; `UpstreamTimeoutError` when it does not. */
async function exchangeBefore(exchange: Exchange, server: DnsServerAddress, query: Uint8Array, deadline: number): Promise<DnsMessage> {
  const timeoutMs = deadline - monotonicNow();
  if (timeoutMs <= 0) throw new UpstreamTimeoutError();
  try {
    return decodeMessage(await exchange(server, query, timeoutMs));
  } catch (error) {
    if (error instanceof DnsTimeoutError) throw new UpstreamTimeoutError(error.message);
    throw error;
  }
}
