/**
 * Between the platform's `Headers` and HTTP/3 field lines (RFC 9114 §4.2,
 * §4.3). Both are byte strings with lowercase names, so names and values pass
 * unchanged; pseudo-header fields carry the control data, and the fields that
 * belong to one HTTP/1.1 connection are left out.
 *
 * @module
 */
import type { Field } from "@zquic/h3";

/**
 * RFC 9114 §4.2: connection-specific fields make an HTTP/3 message malformed, so fields
 * that a platform `Headers` may hold for HTTP/1.1 are dropped (`host` becomes `:authority`).
 */
const NOT_FORWARDED = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "host"]);

/** The regular field lines of `headers`, as HTTP/3 may carry them. */
export function headerFields(headers: Headers): Field[] {
  const fields: Field[] = [];
  for (const [name, value] of headers) {
    if (NOT_FORWARDED.has(name)) continue;
    // RFC 9114 §4.2: TE may say only "trailers".
    if (name === "te" && value !== "trailers") continue;
    fields.push([name, value]);
  }
  return fields;
}

/** RFC 9114 §4.3.1: a request's header section: control data, then its fields. */
export function requestFields(method: string, url: URL, headers: Headers): Field[] {
  return [[":method", method], [":scheme", url.protocol.slice(0, -1)], [":authority", url.host], [":path", `${url.pathname}${url.search}`], ...headerFields(headers)];
}

/** RFC 9114 §4.3.2: a response's header section. */
export function responseFields(status: number, headers: Headers): Field[] {
  return [[":status", String(status)], ...headerFields(headers)];
}

/** The regular fields of a received section as `Headers` (pseudo-header fields left out). */
export function fieldsToHeaders(fields: readonly Field[]): Headers {
  const headers = new Headers();
  for (const [name, value] of fields) if (!name.startsWith(":")) headers.append(name, value);
  return headers;
}

/** The value of pseudo-header field `name` (e.g. `:status`), if present. */
export function pseudoHeader(fields: readonly Field[], name: string): string | undefined {
  for (const [n, v] of fields) {
    if (n === name) return v;
    if (!n.startsWith(":")) return undefined;
  }
  return undefined;
}
