/**
 * Trailer sections (RFC 9110 §6.5, RFC 9114 §4.1). The platforms' `Response`
 * has no place for trailers, so they travel beside it: a client asks for those
 * of a response `fetch` returned, a server attaches those to send after a
 * response's body.
 *
 * @module
 */

const received = new WeakMap<Response, Promise<Headers>>();
const toSend = new WeakMap<Response, () => HeadersInit | Promise<HeadersInit>>();

/**
 * The trailer section of a response from an HTTP/3 `fetch`: resolves once its
 * body was read to the end (empty `Headers` when there was none), rejects when
 * the body failed. Responses from elsewhere have none to give.
 */
export function trailersOf(response: Response): Promise<Headers> {
  return received.get(response) ?? Promise.resolve(new Headers());
}

/**
 * Server: sends the fields `trailers()` yields as the trailer section after
 * `response`'s body (it is called once the body has been sent). Returns `response`.
 */
export function withTrailers(response: Response, trailers: () => HeadersInit | Promise<HeadersInit>): Response {
  toSend.set(response, trailers);
  return response;
}

/** @internal Records the trailers a fetched response will have. */
export function setReceivedTrailers(response: Response, trailers: Promise<Headers>): void {
  trailers.catch(() => undefined);
  received.set(response, trailers);
}

/** @internal The trailers to send after `response`'s body, if any were attached. */
export function trailersToSend(response: Response): (() => Promise<Headers>) | undefined {
  const make = toSend.get(response);
  return make === undefined ? undefined : async () => new Headers(await make());
}
