/**
 * IP addresses in text form: RFC 1035 §3.4.1 dotted quads and RFC 4291 §2.2
 * IPv6 text, written back in the RFC 5952 canonical form.
 *
 * @module
 */

/** The 4 octets of a dotted-quad IPv4 address, or `undefined` if `text` is not one. */
export function parseIPv4(text: string): Uint8Array | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const octets = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    // No leading zeros: "010" reads as octal in some parsers, so it is refused.
    if (!/^(0|[1-9][0-9]{0,2})$/.test(parts[i]!)) return undefined;
    const value = Number(parts[i]);
    if (value > 255) return undefined;
    octets[i] = value;
  }
  return octets;
}

/** Dotted-quad text of 4 octets. */
export function formatIPv4(address: Uint8Array): string {
  return Array.from(address).join(".");
}

function parseGroups(text: string): number[] | undefined {
  if (text === "") return [];
  const groups: number[] = [];
  const parts = text.split(":");
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (i === parts.length - 1 && part.includes(".")) {
      const v4 = parseIPv4(part);
      if (v4 === undefined) return undefined;
      groups.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) groups.push(parseInt(part, 16));
    else return undefined;
  }
  return groups;
}

/** The 16 octets of an IPv6 address in RFC 4291 §2.2 text (`::` and a trailing dotted quad allowed). */
export function parseIPv6(text: string): Uint8Array | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0]!);
  const tail = halves.length === 2 ? parseGroups(halves[1]!) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  const octets = new Uint8Array(16);
  groups.forEach((group, i) => {
    octets[2 * i] = group >> 8;
    octets[2 * i + 1] = group & 0xff;
  });
  return octets;
}

/**
 * RFC 5952 §4: lower-case hex, no leading zeros, the longest run of two or
 * more zero groups (the first, on a tie) shortened to `::`.
 */
export function formatIPv6(address: Uint8Array): string {
  const groups = Array.from({ length: 8 }, (_, i) => (address[2 * i]! << 8) | address[2 * i + 1]!);
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; ) {
    let end = start;
    while (end < 8 && groups[end] === 0) end++;
    if (end - start > bestLength) {
      bestStart = start;
      bestLength = end - start;
    }
    start = end === start ? start + 1 : end;
  }
  const hex = (from: number, to: number): string => groups.slice(from, to).map((g) => g.toString(16)).join(":");
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`;
}
