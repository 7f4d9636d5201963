/**
 * IP address literals, as a TLS client names a server it reaches by address
 * and as RFC 5280 §4.2.1.6 stores them in iPAddress entries (4 or 16 bytes).
 *
 * @module
 */

/** RFC 791 dotted-decimal, four decimal octets without leading zeros (which some parsers read as octal). */
const IPV4 = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** The 4 bytes of a dotted-decimal IPv4 literal, or `undefined`. */
export function parseIpv4(text: string): Uint8Array | undefined {
  const match = IPV4.exec(text);
  if (match === null) return undefined;
  const octets = match.slice(1).map(Number);
  return octets.every((octet) => octet <= 255) ? Uint8Array.from(octets) : undefined;
}

/** The 16 bytes of an RFC 4291 §2.2 IPv6 literal (with `::` and a trailing dotted IPv4 allowed), or `undefined`. */
export function parseIpv6(text: string): Uint8Array | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groups = halves.map((half) => (half === "" ? [] : half.split(":")));
  const last = groups[groups.length - 1]!;
  // §2.2 form 3: the low 32 bits may be written as an IPv4 address.
  const tail = last.length > 0 && last[last.length - 1]!.includes(".") ? parseIpv4(last.pop()!) : new Uint8Array(0);
  if (tail === undefined) return undefined;
  const words = groups.map((half) => half.map((group) => (HEX_GROUP.test(group) ? parseInt(group, 16) : Number.NaN)));
  if (words.some((half) => half.some(Number.isNaN))) return undefined;
  const explicit = words.reduce((count, half) => count + half.length, 0) * 2 + tail.length;
  if (halves.length === 1 ? explicit !== 16 : explicit > 14) return undefined;
  const bytes = new Uint8Array(16);
  const put = (values: number[], at: number): void => values.forEach((word, i) => bytes.set([word >> 8, word & 0xff], at + 2 * i));
  put(words[0]!, 0);
  if (words.length === 2) put(words[1]!, 16 - tail.length - 2 * words[1]!.length);
  bytes.set(tail, 16 - tail.length);
  return bytes;
}

/** The bytes of an IPv4 or IPv6 literal (IPv6 optionally in brackets, no zone), or `undefined` for anything else. */
export function parseIpAddress(text: string): Uint8Array | undefined {
  const bracketed = /^\[(.*)\]$/.exec(text);
  if (bracketed !== null) return parseIpv6(bracketed[1]!);
  // RFC 4291 §2.2: every IPv6 literal has a colon; host names (the usual case) have none.
  return parseIpv4(text) ?? (text.includes(":") ? parseIpv6(text) : undefined);
}
