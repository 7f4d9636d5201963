/**
 * Which field lines the QPACK encoder puts into the dynamic table — an encoder preference
 * (RFC 9204 §2.1), made here once as data.
 *
 * @module
 */
import { ENTRY_OVERHEAD } from "./dynamic-table.js";

/**
 * What the encoder does with a field line: `index` — reference a table entry, inserting
 * one if needed; `literal` — reference existing entries but never insert; `never-index` —
 * send a literal with the 'N' bit (RFC 9204 §4.5.4, §7.1.3), so no hop compresses it.
 */
export type Indexing = "index" | "literal" | "never-index";

/** Chooses the {@link Indexing} of `name: value`, given the dynamic table capacity in use. */
export type IndexingPolicy = (name: string, value: string, capacity: number) => Indexing;

/**
 * RFC 9204 §7.1.3: credentials are worth protecting from table probing, so they are never
 * indexed on any hop.
 */
const CREDENTIALS = new Set(["authorization", "proxy-authorization"]);

/** Cookies shorter than this have too little entropy to keep a guess from confirming them (§7.1.3). */
const GUESSABLE_COOKIE_LENGTH = 20;

/**
 * Fields whose values change with nearly every message: an entry for one would be used
 * at most once and would push out entries that repeat.
 */
const PER_MESSAGE = new Set([
  ":path",
  "age",
  "content-length",
  "content-range",
  "date",
  "etag",
  "expires",
  "if-modified-since",
  "if-none-match",
  "if-range",
  "last-modified",
  "location",
  "range",
  "traceparent",
  "x-request-id",
]);

/**
 * The default policy:
 * - credentials and short (guessable) cookies are `never-index`;
 * - per-message fields, and entries larger than a quarter of the table (one line should
 *   not flush the table), are `literal`;
 * - everything else is `index`: the lines that repeat on a connection — `:authority`,
 *   `user-agent`, `accept*`, `sec-ch-ua*`, long cookies (high entropy, so indexing them is
 *   safe, and they are the largest repeated lines a browser sends), `origin`, `referer` …
 * Static table matches are always used, whatever the policy says, unless `never-index`.
 */
export const defaultIndexingPolicy: IndexingPolicy = (name, value, capacity) => {
  if (CREDENTIALS.has(name)) return "never-index";
  if ((name === "cookie" || name === "set-cookie") && value.length < GUESSABLE_COOKIE_LENGTH) return "never-index";
  if (PER_MESSAGE.has(name)) return "literal";
  if (name.length + value.length + ENTRY_OVERHEAD > capacity / 4) return "literal";
  return "index";
};
