/**
 * The server side of HTTP/3 as an application of `listen()`: each request
 * becomes a platform `Request` (its body streaming in), goes to a
 * fetch-style handler, and the `Response` it returns goes back (its body
 * streaming out).
 *
 * @module
 */
import { H3ErrorCode, type Field } from "@zquic/h3";
import type { SocketAddress } from "@zquic/quic";
import { ZquicError } from "@zquic/wire";
import type { ApplicationFactory } from "../application.js";
import { checkCount } from "../options.js";
import type { H3Exchange } from "./exchange.js";
import { fieldsToHeaders, headerFields, pseudoHeader, responseFields } from "./fields.js";
import { H3Session, type Http3ConnectionInfo, type Http3Settings } from "./session.js";
import { trailersToSend } from "./trailers.js";

/** What a handler learns besides the request. */
export interface Http3RequestInfo {
  /** The client's address. */
  readonly remoteAddress: SocketAddress;
  /** The connection the request came on (its counters read live). */
  readonly connection: Http3ConnectionInfo;
}

/** Answers one request; the request's `signal` aborts when the client cancels it. */
export type Http3Handler = (request: Request, info: Http3RequestInfo) => Response | Promise<Response>;

/** How requests are answered. */
export interface Http3ResponderOptions {
  /** HTTP/3 and QPACK settings (RFC 9114 §7.2.4.1, RFC 9204 §5). */
  readonly http3?: Http3Settings;
  /** The response when the handler throws or returns something else (default: an empty 500). */
  readonly onError?: (error: unknown) => Response | Promise<Response>;
  /**
   * Requests one connection carries (default: no limit). The last one starts a graceful
   * shutdown (GOAWAY, RFC 9114 §5.2) and the client moves on to a new connection; requests
   * beyond it are rejected unprocessed (H3_REQUEST_REJECTED), for the client to retry there.
   */
  readonly maxRequestsPerConnection?: number;
}

/** Fetch's forbidden methods: a `Request` cannot carry them (CONNECT would need a tunnel, RFC 9114 §4.4). */
const UNREPRESENTABLE_METHODS = new Set(["CONNECT", "TRACE", "TRACK"]);
/** Fetch: requests with these methods have no body. */
const BODYLESS_METHODS = new Set(["GET", "HEAD"]);

const defaultOnError = (): Response => new Response(null, { status: 500 });

/**
 * The HTTP/3 application for `listen()`'s `applications` (keyed by ALPN `h3`):
 * every request of a connection goes to `handler`.
 */
export function http3Application(handler: Http3Handler, options: Http3ResponderOptions = {}): ApplicationFactory {
  const onError = options.onError ?? defaultOnError;
  const maxRequests = options.maxRequestsPerConnection ?? Infinity;
  checkCount("maxRequestsPerConnection", options.maxRequestsPerConnection);
  return (context) =>
    new H3Session(context, options.http3 ?? {}, {
      onRequest: (exchange, session) => {
        // RFC 9114 §4.1.1: past the limit a request is rejected unprocessed, and the client may retry it elsewhere.
        if (session.requests > maxRequests) return exchange.cancel(H3ErrorCode.H3_REQUEST_REJECTED, new ZquicError("REQUEST_LIMIT", "request rejected"));
        if (session.requests === maxRequests) session.shutdown();
        void answer(exchange, { remoteAddress: session.remoteAddress, connection: session }, handler, onError);
      },
    });
}

/** Answers one exchange; failures end the stream, never the connection. */
async function answer(exchange: H3Exchange, info: Http3RequestInfo, handler: Http3Handler, onError: (error: unknown) => Response | Promise<Response>): Promise<void> {
  const fields = await exchange.head;
  const method = pseudoHeader(fields, ":method") ?? "";
  let response: Response;
  try {
    const request = toRequest(fields, method, exchange);
    response = request instanceof Response ? request : await handler(request, info);
    if (!(response instanceof Response)) throw new ZquicError("BAD_RESPONSE", `the handler returned ${typeof response}, not a Response`);
  } catch (error) {
    if (exchange.signal.aborted) return;
    response = await errorResponse(onError, error);
  }
  try {
    await send(exchange, method, response);
  } catch (error) {
    // The client went away, or the body failed midway: the stream ends, the connection goes on.
    exchange.cancel(H3ErrorCode.H3_INTERNAL_ERROR, error);
  }
}

/** What `onError` makes of `error`, or the default when it fails too. */
async function errorResponse(onError: (error: unknown) => Response | Promise<Response>, error: unknown): Promise<Response> {
  try {
    const response = await onError(error);
    if (response instanceof Response) return response;
  } catch {
    // Fall back to the default below.
  }
  return defaultOnError();
}

/** The platform `Request` for a request's fields, or the response that refuses it. */
function toRequest(fields: readonly Field[], method: string, exchange: H3Exchange): Request | Response {
  if (UNREPRESENTABLE_METHODS.has(method)) return new Response(null, { status: 501 });
  const headers = fieldsToHeaders(fields);
  // RFC 9114 §4.3.1: the target is :scheme, :authority (or Host) and :path.
  const authority = pseudoHeader(fields, ":authority") ?? headers.get("host") ?? "";
  let url: URL;
  try {
    url = new URL(`${pseudoHeader(fields, ":scheme")}://${authority}${pseudoHeader(fields, ":path")}`);
  } catch {
    return new Response(null, { status: 400 });
  }
  if (BODYLESS_METHODS.has(method)) {
    // Content on a GET or HEAD has no meaning (RFC 9110 §9.3.1): it is not read.
    exchange.body.discard();
    return new Request(url, { method, headers, signal: exchange.signal });
  }
  return new Request(url, { method, headers, signal: exchange.signal, body: exchange.body.stream, duplex: "half" } as RequestInit);
}

/** Sends `response` on the exchange: its header section, body and trailers. */
async function send(exchange: H3Exchange, method: string, response: Response): Promise<void> {
  const trailers = trailersToSend(response);
  // RFC 9110 §9.3.2: a response to HEAD has no content.
  const body = method === "HEAD" ? null : response.body;
  if (method === "HEAD") void response.body?.cancel();
  exchange.respond(responseFields(response.status, response.headers), body === null && trailers === undefined);
  if (body !== null || trailers !== undefined) {
    await exchange.send(body, trailers === undefined ? undefined : async () => headerFields(await trailers()));
  }
  exchange.finishReading();
}
