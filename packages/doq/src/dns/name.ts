import { ZquicError, equalBytes } from "@zquic/wire";
import { DnsError } from "./errors.js";
import { decodeEscapes, encodeEscapes } from "./text-escapes.js";

/** RFC 1035 §2.3.4: a label is at most 63 octets. */
export const MAX_LABEL_LENGTH = 63;
/** RFC 1035 §2.3.4: a name is at most 255 octets in wire form. */
export const MAX_NAME_LENGTH = 255;

const DOT = 0x2e;
// Octets a presentation-form label must escape: the dot, and what a master file reads specially.
const NAME_SPECIALS = new Set([...' .;()"@$'].map((c) => c.charCodeAt(0)));
const isNameSpecial = (byte: number): boolean => NAME_SPECIALS.has(byte);

/** RFC 4343 §3: DNS compares names with ASCII case folded, and only ASCII. */
function foldCase(byte: number): number {
  return byte >= 0x41 && byte <= 0x5a ? byte | 0x20 : byte;
}

function labelsEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (foldCase(a[i]!) !== foldCase(b[i]!)) return false;
  return true;
}

function presentLabels(labels: readonly Uint8Array[]): string {
  if (labels.length === 0) return ".";
  return labels.map((label) => `${encodeEscapes(label, isNameSpecial)}.`).join("");
}

/**
 * A domain name as a list of labels (RFC 1035 §3.1), root last and implied.
 * Labels are octets; comparison folds ASCII case (RFC 4343). Instances are
 * immutable and always valid: labels of 1–63 octets, at most 255 octets in all.
 */
export class Name {
  /** The root, `.`. */
  static readonly ROOT = new Name([]);

  /** Octets this name takes in uncompressed wire form. */
  readonly wireLength: number;
  #caseFoldedKey: string | undefined;

  private constructor(
    /** The labels, most specific first, without the empty root label. */
    readonly labels: readonly Uint8Array[],
  ) {
    let length = 1;
    for (const label of labels) {
      if (label.length === 0) throw new DnsError("bad-name", "a label inside a name cannot be empty");
      if (label.length > MAX_LABEL_LENGTH) {
        throw new DnsError("label-too-long", `label of ${label.length} octets exceeds ${MAX_LABEL_LENGTH}`);
      }
      length += label.length + 1;
    }
    if (length > MAX_NAME_LENGTH) {
      throw new DnsError("name-too-long", `name of ${length} octets exceeds ${MAX_NAME_LENGTH}`);
    }
    this.wireLength = length;
  }

  /** A name from its labels (copied); throws {@link DnsError} when they break RFC 1035 §2.3.4. */
  static fromLabels(labels: readonly Uint8Array[]): Name {
    return labels.length === 0 ? Name.ROOT : new Name(labels.map((label) => label.slice()));
  }

  /**
   * RFC 1035 §5.1: a name from presentation form (`www.example.com.`, escapes
   * `\.` and `\DDD`). A name without the final dot is relative to `origin`
   * (the root unless given). Throws {@link DnsError} on malformed text.
   */
  static parse(text: string, origin: Name = Name.ROOT): Name {
    if (text === ".") return Name.ROOT;
    const parts = decodeEscapes(text, DOT);
    const absolute = parts.length > 1 && parts[parts.length - 1]!.length === 0;
    if (absolute) parts.pop();
    if (parts.some((part) => part.length === 0)) {
      throw new DnsError("bad-name", `"${text}" has an empty label`);
    }
    return new Name(absolute ? parts : [...parts, ...origin.labels]);
  }

  /** True for the root name. */
  get isRoot(): boolean {
    return this.labels.length === 0;
  }

  /** A string equal for equal names (case folded): use it to key maps. */
  get key(): string {
    this.#caseFoldedKey ??= presentLabels(this.labels.map((label) => label.map(foldCase)));
    return this.#caseFoldedKey;
  }

  /** RFC 4343: equality with ASCII case folded. */
  equals(other: Name): boolean {
    if (this.labels.length !== other.labels.length) return false;
    return this.labels.every((label, i) => labelsEqual(label, other.labels[i]!));
  }

  /** Octet-exact equality (case preserved). */
  equalsExactly(other: Name): boolean {
    if (this.labels.length !== other.labels.length) return false;
    return this.labels.every((label, i) => equalBytes(label, other.labels[i]!));
  }

  /** True when this name is `ancestor` or lies below it. */
  isSubdomainOf(ancestor: Name): boolean {
    const skip = this.labels.length - ancestor.labels.length;
    if (skip < 0) return false;
    return ancestor.labels.every((label, i) => labelsEqual(label, this.labels[skip + i]!));
  }

  /** The name with the first label removed. Throws on the root, which has no parent. */
  parent(): Name {
    if (this.isRoot) throw new ZquicError("DNS_ROOT_HAS_NO_PARENT", "the root name has no parent: check isRoot first");
    return this.labels.length === 1 ? Name.ROOT : new Name(this.labels.slice(1));
  }

  /** This name with `label` in front (e.g. `*` for a wildcard). */
  prepend(label: Uint8Array): Name {
    return new Name([label.slice(), ...this.labels]);
  }

  /** RFC 1035 §5.1: presentation form, absolute (ends in `.`). */
  toString(): string {
    return presentLabels(this.labels);
  }
}
