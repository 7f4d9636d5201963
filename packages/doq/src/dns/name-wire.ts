import type { Reader, Writer } from "@zquic/wire";
import { DnsError } from "./errors.js";
import { MAX_NAME_LENGTH, Name } from "./name.js";

// RFC 1035 §4.1.4: a pointer is two octets whose first two bits are ones.
const POINTER_TAG = 0xc0;
const MAX_POINTER_OFFSET = 0x3fff;
/** A 255-octet name has at most 127 labels, so a legitimate name never needs more jumps. */
export const MAX_POINTER_JUMPS = 127;

/**
 * A count of labels a decoder may still produce. Compression lets a few octets
 * stand for a long name, so one message could otherwise expand into millions
 * of labels; one budget per message bounds that.
 */
export interface LabelBudget {
  remaining: number;
}

/**
 * Reads a domain name at the reader's position (RFC 1035 §3.1), following
 * compression pointers (§4.1.4). The reader's `bytes` must be the whole
 * message, since pointers count from its first octet. Every pointer must
 * point strictly before the run of labels it ends, so decoding always
 * terminates; jumps are bounded too, and each label spends one of `budget`.
 */
export function readName(reader: Reader, budget: LabelBudget = { remaining: Infinity }): Name {
  const bytes = reader.bytes;
  const labels: Uint8Array[] = [];
  let position = reader.offset;
  let limit = reader.end;
  let runStart = position;
  let resumeAt: number | undefined;
  let jumps = 0;
  let length = 1;
  for (;;) {
    if (position >= limit) throw new DnsError("truncated", "name runs past the end of its data");
    const head = bytes[position]!;
    if ((head & POINTER_TAG) === POINTER_TAG) {
      if (position + 1 >= limit) throw new DnsError("truncated", "compression pointer cut short");
      const target = ((head & ~POINTER_TAG) << 8) | bytes[position + 1]!;
      if (target >= runStart) throw new DnsError("bad-pointer", `compression pointer to ${target} does not point backwards`);
      if (++jumps > MAX_POINTER_JUMPS) throw new DnsError("too-many-pointers", "name follows too many compression pointers");
      resumeAt ??= position + 2;
      position = runStart = target;
      limit = bytes.length;
      continue;
    }
    if ((head & POINTER_TAG) !== 0) throw new DnsError("bad-label-type", `label type 0x${head.toString(16)} is not defined`);
    if (head === 0) break;
    if (position + 1 + head > limit) throw new DnsError("truncated", "label runs past the end of its data");
    length += head + 1;
    if (length > MAX_NAME_LENGTH) throw new DnsError("name-too-long", `name exceeds ${MAX_NAME_LENGTH} octets`);
    if (--budget.remaining < 0) throw new DnsError("too-many-labels", "message expands into too many labels");
    labels.push(bytes.subarray(position + 1, position + 1 + head));
    position += 1 + head;
  }
  reader.offset = resumeAt ?? position + 1;
  return Name.fromLabels(labels);
}

/** A key equal only for octet-identical label sequences, so compression preserves case. */
function exactKey(labels: readonly Uint8Array[], from: number): string {
  let key = "";
  for (let i = from; i < labels.length; i++) key += String.fromCharCode(labels[i]!.length, ...labels[i]!);
  return key;
}

/**
 * RFC 1035 §4.1.4 on the way out: remembers where each name suffix was
 * written and replaces a repeated suffix with a pointer to it. One per message.
 */
export class NameCompressor {
  private readonly offsets = new Map<string, number>();

  /** `messageStart` is the writer offset of the message's first octet. */
  constructor(private readonly messageStart = 0) {}

  /**
   * Writes `name`, ending in a pointer when a suffix was written before and
   * `compress` allows it (RFC 3597 §4: only for the well-known types).
   */
  writeName(writer: Writer, name: Name, compress: boolean): void {
    const labels = name.labels;
    for (let i = 0; i < labels.length; i++) {
      const key = exactKey(labels, i);
      const earlier = this.offsets.get(key);
      if (compress && earlier !== undefined) {
        writer.u16((POINTER_TAG << 8) | earlier);
        return;
      }
      const here = writer.offset - this.messageStart;
      if (earlier === undefined && here <= MAX_POINTER_OFFSET) this.offsets.set(key, here);
      writer.u8(labels[i]!.length).bytes(labels[i]!);
    }
    writer.u8(0);
  }
}
