/**
 * PEM, the textual encoding of DER (RFC 7468): `-----BEGIN LABEL-----`, base64,
 * `-----END LABEL-----`. Text between blocks is ignored (§5.2); inside a block
 * any whitespace is allowed (§3, "lax" parsing), the base64 itself is strict.
 *
 * @module
 */
import { decodeBase64, encodeBase64 } from "./base64.js";
import { X509Error } from "./errors.js";

/** One PEM block: its label (`CERTIFICATE`, `PRIVATE KEY`, …) and the DER it carries. */
export interface PemBlock {
  readonly label: string;
  readonly der: Uint8Array;
}

const BEGIN = "-----BEGIN ";
const END = "-----END ";
const DASHES = "-----";

/** RFC 7468 §3: labelchar is printable ASCII except "-"; single "-" or spaces may separate them. */
const LABEL = /^(?:[\x21-\x2c\x2e-\x7e]+(?:[- ][\x21-\x2c\x2e-\x7e]+)*)?$/;

/** Every PEM block in `text`, in order. */
export function parsePem(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  let at = text.indexOf(BEGIN);
  while (at >= 0) {
    const label = readLabel(text, at + BEGIN.length, "BEGIN");
    const bodyStart = at + BEGIN.length + label.length + DASHES.length;
    const endAt = text.indexOf(END, bodyStart);
    if (endAt < 0) throw new X509Error(`PEM block "${label}" has no END line`);
    const endLabel = readLabel(text, endAt + END.length, "END");
    if (endLabel !== label) throw new X509Error(`PEM block "${label}" ends with "${endLabel}"`);
    const body = text.slice(bodyStart, endAt);
    // RFC 1421 headers (Proc-Type, DEK-Info) mark encrypted legacy keys, which this package cannot read.
    if (body.includes(":")) throw new X509Error(`PEM block "${label}" has headers (an encrypted key?); decrypt it first, e.g. with openssl pkey`);
    blocks.push({ label, der: decodeBase64(body.replace(/[ \t\r\n\f\v]+/g, "")) });
    at = text.indexOf(BEGIN, endAt + END.length + endLabel.length + DASHES.length);
  }
  return blocks;
}

function readLabel(text: string, from: number, line: string): string {
  const close = text.indexOf(DASHES, from);
  const newline = text.indexOf("\n", from);
  if (close < 0 || (newline >= 0 && newline < close)) throw new X509Error(`PEM ${line} line is not closed by "-----"`);
  const label = text.slice(from, close);
  if (!LABEL.test(label)) throw new X509Error(`PEM label "${label.slice(0, 40)}" has characters RFC 7468 does not allow`);
  return label;
}

/** RFC 7468 §2: a PEM block with 64-character base64 lines and a final newline. */
export function encodePem(label: string, der: Uint8Array): string {
  if (!LABEL.test(label)) throw new X509Error(`"${label}" is not a PEM label; use one such as CERTIFICATE or PRIVATE KEY`);
  const base64 = encodeBase64(der);
  const lines: string[] = [];
  for (let i = 0; i < base64.length; i += 64) lines.push(base64.slice(i, i + 64));
  return `${BEGIN}${label}${DASHES}\n${lines.map((line) => `${line}\n`).join("")}${END}${label}${DASHES}\n`;
}

/** The DER of every block labelled `label` in `text`. */
export function pemBlocksLabelled(text: string, label: string): Uint8Array[] {
  return parsePem(text)
    .filter((block) => block.label === label)
    .map((block) => block.der);
}
