/**
 * The TLS 1.3 key schedule's two derivation functions (RFC 8446 §7.1), which
 * QUIC reuses for its packet protection keys (RFC 9001 §5.1).
 *
 * @module
 */
import { ZquicError, utf8 } from "@zquic/wire";
import type { CryptoProvider, HashAlgorithm } from "./provider.js";

/** RFC 8446 §7.1: every label is prefixed with "tls13 ". */
const LABEL_PREFIX = utf8("tls13 ");

/**
 * RFC 8446 §7.1: HKDF-Expand-Label(Secret, Label, Context, Length) =
 * HKDF-Expand(Secret, HkdfLabel, Length), where HkdfLabel is
 * `uint16 length ‖ opaque label<7..255> = "tls13 " + Label ‖ opaque context<0..255>`.
 * `label` is given without the "tls13 " prefix.
 */
export function hkdfExpandLabel(
  provider: CryptoProvider,
  hash: HashAlgorithm,
  secret: Uint8Array,
  label: string | Uint8Array,
  context: Uint8Array,
  length: number,
): Uint8Array {
  const labelBytes = typeof label === "string" ? utf8(label) : label;
  const fullLabelLength = LABEL_PREFIX.length + labelBytes.length;
  if (fullLabelLength > 255 || context.length > 255 || length > 0xffff) {
    throw new ZquicError(
      "CRYPTO_HKDF_LABEL",
      `HKDF-Expand-Label takes a label of at most ${255 - LABEL_PREFIX.length} bytes, a context of at most 255 bytes and a length below 65536`,
    );
  }
  const info = new Uint8Array(2 + 1 + fullLabelLength + 1 + context.length);
  info[0] = length >>> 8;
  info[1] = length & 0xff;
  info[2] = fullLabelLength;
  info.set(LABEL_PREFIX, 3);
  info.set(labelBytes, 3 + LABEL_PREFIX.length);
  info[3 + fullLabelLength] = context.length;
  info.set(context, 4 + fullLabelLength);
  return provider.hkdfExpand(hash, secret, info, length);
}

/**
 * RFC 8446 §7.1: Derive-Secret(Secret, Label, Messages) =
 * HKDF-Expand-Label(Secret, Label, Transcript-Hash(Messages), Hash.length).
 * `transcriptHash` is the already computed Transcript-Hash(Messages).
 */
export function deriveSecret(provider: CryptoProvider, hash: HashAlgorithm, secret: Uint8Array, label: string, transcriptHash: Uint8Array): Uint8Array {
  return hkdfExpandLabel(provider, hash, secret, label, transcriptHash, provider.hashLength(hash));
}
