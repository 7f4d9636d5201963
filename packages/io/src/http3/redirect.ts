/**
 * Following redirects the way Fetch does (its "HTTP-redirect fetch" steps,
 * RFC 9110 §15.4): where a 3xx response with a Location leads, and what the
 * next request keeps of the last one.
 *
 * @module
 */
import { ZquicError } from "@zquic/wire";

/** Fetch: at most this many redirects are followed. */
export const MAX_REDIRECTS = 20;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Fetch: the fields describing content, dropped when a redirect turns the request into a GET. */
const CONTENT_HEADERS = ["content-encoding", "content-language", "content-location", "content-type", "content-length"];

/** One request as the client sends it. */
export interface OutgoingRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Headers;
  readonly body: ReadableStream<Uint8Array> | null;
}

/**
 * The request a redirect leads to, or `undefined` when `response` is not one
 * to follow. Throws for `redirect: "error"`, a Location that is not a URL, and
 * a 307/308 that would have to send a streamed body again.
 */
export function followRedirect(request: OutgoingRequest, response: Response, mode: RequestRedirect): OutgoingRequest | undefined {
  const location = response.headers.get("location");
  if (!REDIRECT_STATUSES.has(response.status) || location === null || mode === "manual") return undefined;
  if (mode === "error") throw new ZquicError("REDIRECT", `${request.url.href} redirects (${response.status}) and the request's redirect mode is "error"`);
  let url: URL;
  try {
    url = new URL(location, request.url);
  } catch {
    throw new ZquicError("REDIRECT", `${request.url.href} redirects to "${location}", which is not a URL`);
  }
  const headers = new Headers(request.headers);
  // Fetch: credentials do not follow a redirect to another origin.
  if (url.origin !== request.url.origin) headers.delete("authorization");
  // Fetch: 303, and 301/302 after POST, become a GET without content.
  const toGet = (response.status === 303 && request.method !== "HEAD") || ((response.status === 301 || response.status === 302) && request.method === "POST");
  if (toGet) {
    for (const name of CONTENT_HEADERS) headers.delete(name);
    return { method: "GET", url, headers, body: null };
  }
  if (request.body !== null) throw new ZquicError("REDIRECT", `${request.url.href} redirects (${response.status}) and its streamed body cannot be sent again`);
  return { method: request.method, url, headers, body: null };
}
