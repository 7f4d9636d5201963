/**
 * RFC 7541 §5.2 and Appendix B: Huffman coding of string literals, as QPACK uses it
 * (RFC 9204 §4.1.2). Text is a byte string (see `byte-string.ts`).
 *
 * Decoding runs a finite-state machine built once from the code table: a state is an
 * internal node of the code tree, and each state has one transition per 4-bit nibble.
 * Every code is at least 5 bits long, so a nibble completes at most one symbol.
 *
 * @module
 */
import type { Writer } from "@zquic/wire";
import { toByteString } from "../byte-string.js";
import { QpackError } from "../errors.js";
import { HUFFMAN_CODES, HUFFMAN_CODE_LENGTHS, HUFFMAN_EOS } from "./huffman-code.js";

/** The number of bits the code of `text` takes, before padding. */
function huffmanBits(text: string): number {
  let bits = 0;
  for (let i = 0; i < text.length; i++) bits += HUFFMAN_CODE_LENGTHS[text.charCodeAt(i)]!;
  return bits;
}

/** The length in octets of the Huffman encoding of byte string `text`. */
export function huffmanEncodedLength(text: string): number {
  return (huffmanBits(text) + 7) >>> 3;
}

/**
 * Appends the Huffman encoding of byte string `text` to `w`, padded to an octet with the
 * most significant bits of the EOS code (all ones), as RFC 7541 §5.2 requires.
 */
export function huffmanEncode(text: string, w: Writer): void {
  w.ensure(huffmanEncodedLength(text));
  const out = w.buffer;
  let o = w.offset;
  let pending = 0; // the low `pendingBits` bits are waiting to fill an octet
  let pendingBits = 0;
  for (let i = 0; i < text.length; i++) {
    const symbol = text.charCodeAt(i);
    const code = HUFFMAN_CODES[symbol]!;
    let length = HUFFMAN_CODE_LENGTHS[symbol]!;
    while (pendingBits + length >= 8) {
      const take = 8 - pendingBits;
      length -= take;
      out[o++] = (pending << take) | ((code >>> length) & ((1 << take) - 1));
      pending = 0;
      pendingBits = 0;
    }
    pending = (pending << length) | (code & ((1 << length) - 1));
    pendingBits += length;
  }
  if (pendingBits > 0) out[o++] = (pending << (8 - pendingBits)) | ((1 << (8 - pendingBits)) - 1);
  w.offset = o;
}

// Transition entries: bits 0–7 the next state, 8–15 the symbol, then the two flags.
const EMITS = 1 << 16;
const FAILS = 1 << 17;

interface DecoderMachine {
  /** `transitions[state * 16 + nibble]`. */
  readonly transitions: Uint32Array;
  /** States where the data may end: the bits since the last symbol are a valid padding. */
  readonly accepting: Uint8Array;
}

/** Builds the code tree, then the nibble transitions of each internal node. */
function buildDecoderMachine(): DecoderMachine {
  // children[node * 2 + bit]: an internal node number (≥ 0), or −(symbol + 1) for a leaf.
  const children = new Int32Array(256 * 2);
  const depth = new Uint8Array(256);
  const allOnes = new Uint8Array(256).fill(1);
  let nodes = 1;
  for (let symbol = 0; symbol <= HUFFMAN_EOS; symbol++) {
    const code = HUFFMAN_CODES[symbol]!;
    const length = HUFFMAN_CODE_LENGTHS[symbol]!;
    let node = 0;
    for (let i = length - 1; i > 0; i--) {
      const bit = (code >>> i) & 1;
      let next = children[node * 2 + bit]!;
      if (next === 0) {
        next = nodes++;
        children[node * 2 + bit] = next;
        depth[next] = depth[node]! + 1;
        allOnes[next] = allOnes[node]! & bit;
      }
      node = next;
    }
    children[node * 2 + (code & 1)] = -(symbol + 1);
  }

  const transitions = new Uint32Array(256 * 16);
  const accepting = new Uint8Array(256);
  for (let state = 0; state < 256; state++) {
    // RFC 7541 §5.2: padding is at most 7 bits, all taken from the EOS code's ones.
    accepting[state] = state === 0 || (allOnes[state] === 1 && depth[state]! <= 7) ? 1 : 0;
    for (let nibble = 0; nibble < 16; nibble++) {
      let node = state;
      let entry = 0;
      for (let i = 3; i >= 0; i--) {
        const child = children[node * 2 + ((nibble >>> i) & 1)]!;
        if (child >= 0) {
          node = child;
          continue;
        }
        const symbol = -child - 1;
        if (symbol === HUFFMAN_EOS) {
          entry = FAILS;
          break;
        }
        entry = EMITS | (symbol << 8);
        node = 0;
      }
      transitions[state * 16 + nibble] = entry | node;
    }
  }
  return { transitions, accepting };
}

const machine = buildDecoderMachine();
let scratch = new Uint8Array(256);

/**
 * The byte string that `bytes` Huffman-encode, or `undefined` when it would be longer than
 * `maxLength` octets. Throws a {@link QpackError} with `errorCode` when the data contains
 * EOS or ends in padding that is longer than 7 bits or not all ones (RFC 7541 §5.2).
 */
export function huffmanDecode(bytes: Uint8Array, maxLength: number, errorCode: number): string | undefined {
  // Every code is at least 5 bits, which bounds the output before decoding starts.
  const bound = Math.min(maxLength, Math.floor((bytes.length * 8) / 5));
  if (scratch.length < bound) scratch = new Uint8Array(Math.max(bound, scratch.length * 2));
  const out = scratch;
  const { transitions, accepting } = machine;
  let state = 0;
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    for (let shift = 4; shift >= 0; shift -= 4) {
      const entry = transitions[(state << 4) | ((byte >>> shift) & 0x0f)]!;
      if (entry & FAILS) throw new QpackError(errorCode, "Huffman-encoded string contains EOS");
      if (entry & EMITS) {
        if (n === bound) return undefined;
        out[n++] = (entry >>> 8) & 0xff;
      }
      state = entry & 0xff;
    }
  }
  if (accepting[state] !== 1) throw new QpackError(errorCode, "Huffman padding is longer than 7 bits or not all ones");
  return toByteString(out.subarray(0, n));
}
