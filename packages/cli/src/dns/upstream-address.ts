/**
 * `--upstream ADDR`: where a resolver sends the names it does not serve.
 *
 * @module
 */
import { UsageError } from "../command.js";
import { parseHostPort } from "../host-port.js";

/** A classic DNS server (UDP, TCP on truncation) or a DoQ server. */
export type UpstreamAddress =
  | { readonly kind: "classic"; readonly host: string; readonly port: number }
  | { readonly kind: "doq"; readonly host: string; readonly port: number };

const DOQ_SCHEME = "doq://";

/** `HOST:PORT` for classic DNS, `doq://HOST:PORT` for DoQ; the host is an IP address. */
export function parseUpstream(text: string): UpstreamAddress {
  if (text.startsWith(DOQ_SCHEME)) return { kind: "doq", ...parseHostPort(text.slice(DOQ_SCHEME.length)) };
  if (text.includes("://")) throw new UsageError(`--upstream ${text}: write HOST:PORT (classic DNS) or doq://HOST:PORT`);
  return { kind: "classic", ...parseHostPort(text) };
}
