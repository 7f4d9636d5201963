import { utf8 } from "@zquic/wire";
import { DnsError } from "./errors.js";

const BACKSLASH = 0x5c;
const SPACE = 0x20;

/**
 * RFC 1035 §5.1: turns presentation text into octets. `\X` quotes a non-digit X,
 * `\DDD` is the octet with decimal value DDD; other characters stand for their
 * UTF-8 bytes. When `separator` is given, the text is split at each unescaped
 * occurrence of that octet (the dots of a domain name).
 */
export function decodeEscapes(text: string, separator?: number): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let current: number[] = [];
  const chars = [...text];
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i]!;
    if (char !== "\\") {
      const bytes = utf8(char);
      if (bytes.length === 1 && bytes[0] === separator) {
        parts.push(Uint8Array.from(current));
        current = [];
      } else current.push(...bytes);
      continue;
    }
    const next = chars[i + 1];
    if (next === undefined) throw new DnsError("bad-text", `"${text}" ends with a lone backslash`);
    if (/[0-9]/.test(next)) {
      const digits = chars.slice(i + 1, i + 4).join("");
      const value = Number(digits);
      if (!/^[0-9]{3}$/.test(digits) || value > 255) {
        throw new DnsError("bad-text", `"${text}" has a bad \\DDD escape (three decimal digits, at most 255)`);
      }
      current.push(value);
      i += 3;
    } else {
      current.push(...utf8(next));
      i += 1;
    }
  }
  parts.push(Uint8Array.from(current));
  return parts;
}

/**
 * RFC 1035 §5.1: octets as presentation text. Printable ASCII stands for itself
 * unless `special` says it needs a `\` in front; a space stands for itself unless
 * `special` claims it; every other octet becomes `\DDD`.
 */
export function encodeEscapes(bytes: Uint8Array, special: (byte: number) => boolean): string {
  let out = "";
  for (const byte of bytes) {
    if (byte === SPACE && !special(byte)) out += " ";
    else if (byte <= SPACE || byte > 0x7e) out += `\\${byte.toString().padStart(3, "0")}`;
    else if (special(byte) || byte === BACKSLASH) out += `\\${String.fromCharCode(byte)}`;
    else out += String.fromCharCode(byte);
  }
  return out;
}
