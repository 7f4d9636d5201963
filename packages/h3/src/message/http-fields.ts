/**
 * RFC 9114 §4.2 (with RFC 9110 §5): the rules every field line of an HTTP/3 message keeps —
 * lowercase token names, values free of NUL, CR and LF, no connection-specific fields — and
 * the Content-Length field that §4.1.2 checks against the DATA received.
 *
 * @module
 */
import { H3ErrorCode, H3StreamError } from "../errors.js";
import type { Field } from "../qpack/field.js";

/** RFC 9114 §4.1.2: a malformed message is a stream error of type H3_MESSAGE_ERROR. */
export function malformed(reason: string): H3StreamError {
  return new H3StreamError(H3ErrorCode.H3_MESSAGE_ERROR, `malformed message: ${reason}`);
}

/** RFC 9110 §5.1: field-name = token (tchar), here without uppercase letters (RFC 9114 §4.2). */
const FIELD_NAME = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/;

/** RFC 9110 §5.5: NUL, CR and LF are never valid in a field value. */
const INVALID_VALUE_OCTET = /[\0\r\n]/;

/**
 * RFC 9114 §4.2, RFC 9110 §7.6.1: connection-specific fields, which make a message malformed
 * (Transfer-Encoding is also named by §4.1). TE is the one exception, handled on its own.
 */
const CONNECTION_SPECIFIC_FIELDS: ReadonlySet<string> = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"]);

/** Where a field section sits in a message: the header section of a request or response, or a trailer section. */
export type SectionKind = "request" | "response" | "trailers";

/**
 * Checks one regular (non-pseudo) field line: RFC 9114 §4.1.2 and §4.2. Throws an
 * H3_MESSAGE_ERROR {@link H3StreamError}.
 */
export function checkRegularField(name: string, value: string, section: SectionKind): void {
  if (!FIELD_NAME.test(name)) throw malformed(`field name ${JSON.stringify(name)} is not a lowercase token`);
  checkFieldValue(name, value);
  if (CONNECTION_SPECIFIC_FIELDS.has(name)) throw malformed(`connection-specific field ${name}`);
  // RFC 9114 §4.2: TE may appear in a request header section, and only as "trailers".
  if (name === "te" && (section !== "request" || value !== "trailers")) throw malformed(`te: ${value} outside a request, or other than "trailers"`);
}

/** RFC 9114 §4.1.2: a value with an invalid octet makes the message malformed. */
export function checkFieldValue(name: string, value: string): void {
  if (INVALID_VALUE_OCTET.test(value)) throw malformed(`${name} has NUL, CR or LF in its value`);
}

/** The values of every line named `name`, in order. */
export function fieldValues(fields: readonly Field[], name: string): string[] {
  const values: string[] = [];
  for (const [n, v] of fields) if (n === name) values.push(v);
  return values;
}

/**
 * The Content-Length a field section states (RFC 9110 §8.6), if any. Several lines are
 * allowed when they agree. A value that is not all digits, lines that disagree, or a length
 * beyond 2^53 − 1 make the message malformed (an H3_MESSAGE_ERROR {@link H3StreamError}).
 */
export function contentLength(fields: readonly Field[]): number | undefined {
  const values = fieldValues(fields, "content-length");
  if (values.length === 0) return undefined;
  const first = values[0]!;
  if (!/^[0-9]+$/.test(first) || values.some((v) => v !== first)) throw malformed(`content-length ${values.join(", ")} is not one decimal length`);
  const length = Number(first);
  if (!Number.isSafeInteger(length)) throw malformed(`content-length ${first} is too large`);
  return length;
}
