/**
 * RFC 9114 §4.3: HTTP control data — the pseudo-header fields of requests (§4.3.1, with
 * CONNECT in §4.4 and extended CONNECT in RFC 9220 / RFC 8441 §4) and responses (§4.3.2) —
 * and the checks that make a header or trailer section well formed (§4.1.2).
 *
 * @module
 */
import type { Field } from "../qpack/field.js";
import { checkFieldValue, checkRegularField, contentLength, fieldValues, malformed, type SectionKind } from "./http-fields.js";

/** A request's control data, as its pseudo-header fields state it. */
export interface RequestHead {
  readonly method: string;
  readonly scheme: string | undefined;
  readonly authority: string | undefined;
  readonly path: string | undefined;
  /** RFC 9220: the `:protocol` of an extended CONNECT request. */
  readonly protocol: string | undefined;
  readonly contentLength: number | undefined;
}

/** A response's control data. */
export interface ResponseHead {
  readonly status: number;
  readonly contentLength: number | undefined;
}

/** What a request may carry beyond RFC 9114. */
export interface RequestRules {
  /** RFC 9220 §3: the server advertised SETTINGS_ENABLE_CONNECT_PROTOCOL, so `:protocol` is defined. */
  readonly extendedConnect: boolean;
}

const REQUEST_PSEUDO = new Set([":method", ":scheme", ":authority", ":path"]);
const EXTENDED_CONNECT_PSEUDO = new Set([...REQUEST_PSEUDO, ":protocol"]);
const RESPONSE_PSEUDO = new Set([":status"]);
const NO_PSEUDO = new Set<string>();

/** RFC 9110 §4.2.1, §4.2.2: schemes whose URIs have a mandatory authority component. */
const AUTHORITY_SCHEMES = new Set(["http", "https"]);

/**
 * Checks a request header section and returns its control data. Throws an
 * H3_MESSAGE_ERROR {@link H3StreamError} when it is malformed (RFC 9114 §4.1.2).
 */
export function checkRequest(fields: readonly Field[], rules: RequestRules): RequestHead {
  const pseudo = splitSection(fields, rules.extendedConnect ? EXTENDED_CONNECT_PSEUDO : REQUEST_PSEUDO, "request");
  const method = pseudo.get(":method");
  const scheme = pseudo.get(":scheme");
  const authority = pseudo.get(":authority");
  const path = pseudo.get(":path");
  const protocol = pseudo.get(":protocol");
  if (method === undefined || method === "") throw malformed("request without :method");
  const head: RequestHead = { method, scheme, authority, path, protocol, contentLength: contentLength(fields) };
  if (method === "CONNECT" && protocol === undefined) {
    // RFC 9114 §4.4: CONNECT names only the authority to tunnel to.
    if (scheme !== undefined || path !== undefined) throw malformed("CONNECT request with :scheme or :path");
    if (authority === undefined || authority === "") throw malformed("CONNECT request without :authority");
    return head;
  }
  // RFC 8441 §4 (RFC 9220 §3): :protocol belongs to CONNECT, with :scheme and :path.
  if (protocol !== undefined && method !== "CONNECT") throw malformed(`:protocol on a ${method} request`);
  if (scheme === undefined || path === undefined) throw malformed("request without :scheme or :path");
  if (AUTHORITY_SCHEMES.has(scheme)) checkAuthority(fields, method, authority, path);
  return head;
}

/** RFC 9114 §4.3.1: the target of an "http" or "https" request. */
function checkAuthority(fields: readonly Field[], method: string, authority: string | undefined, path: string): void {
  if (path === "" || (path === "*" ? method !== "OPTIONS" : !path.startsWith("/"))) throw malformed(`:path ${JSON.stringify(path)} is not an absolute path`);
  const hosts = fieldValues(fields, "host");
  if (hosts.length > 1) throw malformed("more than one host field");
  const host = hosts[0];
  if (authority === undefined && host === undefined) throw malformed("request without :authority or host");
  if (authority === "" || host === "") throw malformed("empty :authority or host");
  if (authority !== undefined && host !== undefined && authority !== host) throw malformed(`:authority ${authority} differs from host ${host}`);
  if (authority?.includes("@")) throw malformed(":authority carries userinfo");
}

/**
 * Checks a response header section and returns its control data. Throws an
 * H3_MESSAGE_ERROR {@link H3StreamError} when it is malformed.
 */
export function checkResponse(fields: readonly Field[]): ResponseHead {
  const status = splitSection(fields, RESPONSE_PSEUDO, "response").get(":status");
  // RFC 9110 §15: a three-digit code from 100 to 599.
  if (status === undefined || !/^[1-5][0-9][0-9]$/.test(status)) throw malformed(`:status ${status ?? "missing"}`);
  // RFC 9114 §4.5: HTTP/3 has no 101 (Switching Protocols).
  if (status === "101") throw malformed("101 (Switching Protocols) response");
  return { status: Number(status), contentLength: contentLength(fields) };
}

/** Checks a trailer section: RFC 9114 §4.3 allows no pseudo-header fields there. */
export function checkTrailers(fields: readonly Field[]): void {
  splitSection(fields, NO_PSEUDO, "trailers");
}

/**
 * RFC 9114 §4.3: every pseudo-header field is one `allowed` here, appears once, and comes
 * before the regular fields; every regular field line passes {@link checkRegularField}.
 * Returns the pseudo-header values.
 */
function splitSection(fields: readonly Field[], allowed: ReadonlySet<string>, section: SectionKind): Map<string, string> {
  const pseudo = new Map<string, string>();
  let regularSeen = false;
  for (const [name, value] of fields) {
    if (!name.startsWith(":")) {
      checkRegularField(name, value, section);
      regularSeen = true;
      continue;
    }
    if (!allowed.has(name)) throw malformed(`pseudo-header field ${name} is not defined in a ${section} section`);
    if (regularSeen) throw malformed(`pseudo-header field ${name} after a regular field`);
    if (pseudo.has(name)) throw malformed(`pseudo-header field ${name} appears twice`);
    checkFieldValue(name, value);
    pseudo.set(name, value);
  }
  return pseudo;
}
