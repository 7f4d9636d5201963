/**
 * A Structured Field Dictionary parser (RFC 8941 §3.2, §4.2.2), as much as RFC 9218 needs:
 * it accepts the whole syntax — every bare item type, inner lists and parameters — but
 * only keeps the values of the types priority parameters use, Integer and Boolean.
 * Parameters are checked and dropped.
 *
 * @module
 */

/** A dictionary member's value: an Integer, a Boolean, or anything else (kept as "other"). */
export type DictionaryValue =
  | { readonly type: "integer"; readonly value: number }
  | { readonly type: "boolean"; readonly value: boolean }
  | { readonly type: "other" };

const OTHER: DictionaryValue = { type: "other" };

/** RFC 8941 §4.2: a parse failure, internal to this module. */
class Invalid extends Error {}

/**
 * The members of the Dictionary in `text`, or `undefined` when it does not parse (then, by
 * RFC 8941 §4.2, the whole field is ignored). A repeated key keeps its last value.
 */
export function parseDictionary(text: string): Map<string, DictionaryValue> | undefined {
  const p = new Cursor(text);
  const members = new Map<string, DictionaryValue>();
  try {
    p.skipSpaces();
    while (!p.done) {
      const key = p.key();
      let value: DictionaryValue = { type: "boolean", value: true };
      if (p.peek() === "=") {
        p.next();
        value = p.peek() === "(" ? p.innerList() : p.item();
      } else {
        p.parameters();
      }
      members.set(key, value);
      p.skipWhitespace();
      if (p.done) break;
      p.expect(",");
      p.skipWhitespace();
      if (p.done) throw new Invalid(); // a trailing comma
    }
    return members;
  } catch (e) {
    if (e instanceof Invalid) return undefined;
    throw e;
  }
}

const LCALPHA = /[a-z]/;
const KEY_CHAR = /[a-z0-9_\-.*]/;
const DIGIT = /[0-9]/;
const TOKEN_START = /[A-Za-z*]/;
const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z:/]/;
const BASE64_CHAR = /[A-Za-z0-9+/=]/;

class Cursor {
  private at = 0;
  constructor(private readonly text: string) {}

  get done(): boolean {
    return this.at >= this.text.length;
  }
  peek(): string {
    return this.text.charAt(this.at);
  }
  next(): string {
    return this.text.charAt(this.at++);
  }
  expect(c: string): void {
    if (this.next() !== c) throw new Invalid();
  }
  skipSpaces(): void {
    while (this.peek() === " ") this.at++;
  }
  /** OWS: spaces and horizontal tabs. */
  skipWhitespace(): void {
    while (this.peek() === " " || this.peek() === "\t") this.at++;
  }

  /** §4.2.3.3: lcalpha or "*", then lcalpha, digits, "_", "-", ".", "*". */
  key(): string {
    const start = this.at;
    if (!(LCALPHA.test(this.peek()) || this.peek() === "*")) throw new Invalid();
    while (!this.done && KEY_CHAR.test(this.peek())) this.at++;
    return this.text.slice(start, this.at);
  }

  /** §4.2.3: a bare item and its parameters. */
  item(): DictionaryValue {
    const value = this.bareItem();
    this.parameters();
    return value;
  }

  /** §4.2.1.2: "(" items separated by spaces ")" and parameters. */
  innerList(): DictionaryValue {
    this.expect("(");
    for (;;) {
      this.skipSpaces();
      if (this.peek() === ")") break;
      this.item();
      if (this.peek() !== " " && this.peek() !== ")") throw new Invalid();
    }
    this.next();
    this.parameters();
    return OTHER;
  }

  /** §4.2.3.2: *( ";" *SP key [ "=" bare-item ] ). */
  parameters(): void {
    while (this.peek() === ";") {
      this.next();
      this.skipSpaces();
      this.key();
      if (this.peek() === "=") {
        this.next();
        this.bareItem();
      }
    }
  }

  /** §4.2.3.1: the bare item types, told apart by their first character. */
  bareItem(): DictionaryValue {
    const c = this.peek();
    if (c === "-" || DIGIT.test(c)) return this.number();
    if (c === '"') return this.string();
    if (c === ":") return this.binary();
    if (c === "?") return this.boolean();
    if (TOKEN_START.test(c)) return this.token();
    throw new Invalid();
  }

  /** §4.2.4: Integer (up to 15 digits) or Decimal (up to 12.3 digits). */
  private number(): DictionaryValue {
    const start = this.at;
    if (this.peek() === "-") this.at++;
    const digitsStart = this.at;
    while (DIGIT.test(this.peek())) this.at++;
    const integerDigits = this.at - digitsStart;
    if (integerDigits === 0) throw new Invalid();
    if (this.peek() !== ".") {
      if (integerDigits > 15) throw new Invalid();
      const value = Number(this.text.slice(start, this.at));
      return { type: "integer", value: value === 0 ? 0 : value }; // "-0" is 0
    }
    this.at++;
    const fractionStart = this.at;
    while (DIGIT.test(this.peek())) this.at++;
    const fractionDigits = this.at - fractionStart;
    if (integerDigits > 12 || fractionDigits < 1 || fractionDigits > 3) throw new Invalid();
    return OTHER;
  }

  /** §4.2.5: printable ASCII between quotes, with \" and \\ escapes. */
  private string(): DictionaryValue {
    this.expect('"');
    for (;;) {
      if (this.done) throw new Invalid();
      const c = this.next();
      if (c === '"') return OTHER;
      if (c === "\\") {
        const escaped = this.next();
        if (escaped !== '"' && escaped !== "\\") throw new Invalid();
      } else if (c < " " || c > "~") {
        throw new Invalid();
      }
    }
  }

  /** §4.2.6: a token. */
  private token(): DictionaryValue {
    this.at++;
    while (!this.done && TOKEN_CHAR.test(this.peek())) this.at++;
    return OTHER;
  }

  /** §4.2.7: base64 between colons. */
  private binary(): DictionaryValue {
    this.expect(":");
    while (!this.done && BASE64_CHAR.test(this.peek())) this.at++;
    this.expect(":");
    return OTHER;
  }

  /** §4.2.8: "?0" or "?1". */
  private boolean(): DictionaryValue {
    this.expect("?");
    const c = this.next();
    if (c !== "0" && c !== "1") throw new Invalid();
    return { type: "boolean", value: c === "1" };
  }
}
