/**
 * Matching a server's certificate against the name the client asked for
 * (RFC 6125 §6, as tightened by its successor RFC 9525 §6.3):
 *
 * - a DNS name matches dNSName subjectAltName entries only, compared without
 *   case and without a trailing dot;
 * - a wildcard is honoured only as the complete left-most label (`*.example.com`),
 *   stands for exactly one non-empty label, and needs at least two labels after
 *   it (`*.com` matches nothing);
 * - an IP address literal matches iPAddress entries only, byte for byte;
 * - the subject's commonName is never consulted (RFC 9525 §6.3 forbids the
 *   fallback and browsers dropped it), so a certificate without
 *   subjectAltName matches no name.
 *
 * @module
 */
import { equalBytes } from "@zquic/wire";
import type { SubjectAltName } from "./extensions.js";
import { parseIpAddress } from "./ip-address.js";

/** RFC 1123 §2.1 host name label: letters, digits, hyphens, not starting or ending with a hyphen (underscores tolerated). */
const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

/** `name` in lower case without one trailing dot, split into labels; `undefined` unless it is a well-formed ASCII DNS name. */
function dnsLabels(name: string): string[] | undefined {
  const bare = (name.endsWith(".") ? name.slice(0, -1) : name).toLowerCase();
  if (bare.length === 0 || bare.length > 253) return undefined;
  const labels = bare.split(".");
  // A name ending in an all-numeric label is an address, never a DNS name (WHATWG URL §3.5 reads it as IPv4).
  if (/^\d+$/.test(labels[labels.length - 1]!)) return undefined;
  return labels.every((label) => LABEL.test(label)) ? labels : undefined;
}

/** True when the presented dNSName `pattern` (possibly `*.`-prefixed) matches the DNS name `host`. */
export function matchesDnsName(pattern: string, host: string): boolean {
  const hostLabels = dnsLabels(host);
  if (hostLabels === undefined) return false;
  const wildcard = pattern.startsWith("*.");
  const patternLabels = dnsLabels(wildcard ? pattern.slice(2) : pattern);
  if (patternLabels === undefined) return false;
  if (!wildcard) return patternLabels.join(".") === hostLabels.join(".");
  // RFC 9525 §6.3: "*" is the whole left-most label and matches exactly one label.
  return patternLabels.length >= 2 && hostLabels.slice(1).join(".") === patternLabels.join(".");
}

/**
 * True when `serverName` (a DNS name or an IPv4/IPv6 literal) is one of the
 * identities `subjectAltName` presents. An absent extension matches nothing.
 */
export function matchesServerName(subjectAltName: SubjectAltName | undefined, serverName: string): boolean {
  if (subjectAltName === undefined) return false;
  const address = parseIpAddress(serverName);
  if (address !== undefined) return subjectAltName.ipAddresses.some((entry) => equalBytes(entry, address));
  return subjectAltName.dnsNames.some((pattern) => matchesDnsName(pattern, serverName));
}
