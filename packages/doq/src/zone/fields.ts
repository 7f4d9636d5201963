import { fromUtf8 } from "@zquic/wire";
import { DnsError, MAX_TTL, Name, decodeEscapes, encodeEscapes } from "../dns/index.js";
import { PresentationError } from "./errors.js";
import { parseIPv4, parseIPv6 } from "./ip-address.js";
import type { Token } from "./lexer.js";

const TTL_UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/**
 * A TTL: decimal seconds (RFC 1035 §5.1), or the common unit form `1h30m`
 * (BIND's extension). `undefined` when `text` is neither.
 */
export function parseTtl(text: string, max = MAX_TTL): number | undefined {
  let seconds: number;
  if (/^[0-9]+$/.test(text)) seconds = Number(text);
  else if (/^([0-9]+[smhdw])+$/i.test(text)) {
    seconds = 0;
    for (const [, amount, unit] of text.matchAll(/([0-9]+)([smhdw])/gi)) seconds += Number(amount) * TTL_UNITS[unit!.toLowerCase()]!;
  } else return undefined;
  return seconds <= max ? seconds : undefined;
}

/** RFC 1035 §5.1: `text` in a `"`-quoted character-string with escapes. */
export function formatCharacterString(bytes: Uint8Array): string {
  return `"${encodeEscapes(bytes, (byte) => byte === 0x22)}"`;
}

/** The octets of a character-string token, escapes decoded (RFC 1035 §5.1). */
export function decodeToken(token: Token): Uint8Array {
  try {
    return decodeEscapes(token.text)[0]!;
  } catch (error) {
    if (error instanceof DnsError) throw new PresentationError(error.message, token.line);
    throw error;
  }
}

/**
 * Reads the fields of one RR's RDATA in presentation form, one token at a time;
 * every problem is a {@link PresentationError} naming the token's line.
 */
export class FieldReader {
  private index = 0;

  constructor(
    private readonly tokens: readonly Token[],
    /** The origin relative names are completed with, if any. */
    readonly origin: Name | undefined,
    /** The line to blame when a field is missing. */
    private readonly line: number,
  ) {}

  /** True when every token has been read. */
  get done(): boolean {
    return this.index >= this.tokens.length;
  }

  /** The next token, without consuming it. */
  peek(): Token | undefined {
    return this.tokens[this.index];
  }

  /** The next token; `what` names it in the error when it is missing. */
  next(what: string): Token {
    const token = this.tokens[this.index++];
    if (token === undefined) throw new PresentationError(`missing ${what}`, this.tokens[this.tokens.length - 1]?.line ?? this.line);
    return token;
  }

  /** Throws unless every token has been read. */
  end(): void {
    const extra = this.tokens[this.index];
    if (extra !== undefined) throw new PresentationError(`unexpected "${extra.text}"`, extra.line);
  }

  /** An unsigned decimal integer up to `max`. */
  uint(max: number, what: string): number {
    const token = this.next(what);
    const value = /^[0-9]+$/.test(token.text) ? Number(token.text) : NaN;
    if (!(value <= max)) throw new PresentationError(`bad ${what} "${token.text}" (an integer from 0 to ${max})`, token.line);
    return value;
  }

  /** A TTL-like duration of at most `max` seconds (SOA timers accept the same units). */
  duration(what: string, max = MAX_TTL): number {
    const token = this.next(what);
    const value = parseTtl(token.text, max);
    if (value === undefined) throw new PresentationError(`bad ${what} "${token.text}"`, token.line);
    return value;
  }

  /** RFC 1035 §5.1: a domain name; `@` is the origin, relative names end at the origin. */
  name(what: string): Name {
    const token = this.next(what);
    return nameFromToken(token, this.origin, what);
  }

  /** A character-string, escapes decoded. */
  characterString(what: string): Uint8Array {
    return decodeToken(this.next(what));
  }

  /** A dotted-quad IPv4 address. */
  ipv4(): Uint8Array {
    const token = this.next("IPv4 address");
    const address = parseIPv4(fromUtf8(decodeToken(token)));
    if (address === undefined) throw new PresentationError(`bad IPv4 address "${token.text}"`, token.line);
    return address;
  }

  /** An IPv6 address. */
  ipv6(): Uint8Array {
    const token = this.next("IPv6 address");
    const address = parseIPv6(fromUtf8(decodeToken(token)));
    if (address === undefined) throw new PresentationError(`bad IPv6 address "${token.text}"`, token.line);
    return address;
  }

  /** All remaining tokens. */
  rest(): Token[] {
    const rest = this.tokens.slice(this.index);
    this.index = this.tokens.length;
    return rest;
  }
}

/** RFC 1035 §5.1: a domain name token; `@` is `origin`, relative names are completed with it. */
export function nameFromToken(token: Token, origin: Name | undefined, what: string): Name {
  if (token.text === "@" && !token.quoted) {
    if (origin === undefined) throw new PresentationError(`${what} "@" needs an origin: add $ORIGIN`, token.line);
    return origin;
  }
  const absolute = /(^|[^\\])(\\\\)*\.$/.test(token.text);
  if (!absolute && origin === undefined) {
    throw new PresentationError(`relative ${what} "${token.text}" needs an origin: add $ORIGIN or end it with "."`, token.line);
  }
  try {
    return Name.parse(token.text, origin);
  } catch (error) {
    if (error instanceof DnsError) throw new PresentationError(`bad ${what} "${token.text}": ${error.message}`, token.line);
    throw error;
  }
}
