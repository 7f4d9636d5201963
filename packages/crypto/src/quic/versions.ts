/**
 * What each QUIC version changes in packet protection: the Initial salt, the
 * HKDF labels and the Retry integrity key (RFC 9001 §5.2, §5.8; RFC 9369 §3.3).
 *
 * @module
 */
import { QUIC_V1, QUIC_V2, ZquicError, fromHex, utf8 } from "@zquic/wire";

/** The HKDF-Expand-Label labels of packet protection (RFC 9001 §5.1, §6.1), encoded once. */
export interface PacketProtectionLabels {
  readonly key: Uint8Array;
  readonly iv: Uint8Array;
  readonly hp: Uint8Array;
  readonly ku: Uint8Array;
}

/** The labels `prefix` key, iv, hp and ku, as bytes. */
function labels(prefix: string): PacketProtectionLabels {
  return { key: utf8(`${prefix} key`), iv: utf8(`${prefix} iv`), hp: utf8(`${prefix} hp`), ku: utf8(`${prefix} ku`) };
}

/** One version's packet protection constants. */
export interface VersionCrypto {
  readonly version: number;
  readonly initialSalt: Uint8Array;
  readonly labels: PacketProtectionLabels;
  /** The AEAD_AES_128_GCM key of the Retry Integrity Tag. */
  readonly retryKey: Uint8Array;
  /** The nonce of the Retry Integrity Tag. */
  readonly retryNonce: Uint8Array;
}

const versions: ReadonlyMap<number, VersionCrypto> = new Map([
  [
    QUIC_V1,
    {
      version: QUIC_V1,
      // RFC 9001 §5.2
      initialSalt: fromHex("38762cf7f55934b34d179ae6a4c80cadccbb7f0a"),
      labels: labels("quic"),
      // RFC 9001 §5.8
      retryKey: fromHex("be0c690b9f66575a1d766b54e368c84e"),
      retryNonce: fromHex("461599d35d632bf2239825bb"),
    },
  ],
  [
    QUIC_V2,
    {
      version: QUIC_V2,
      // RFC 9369 §3.3.1
      initialSalt: fromHex("0dede3def700a6db819381be6e269dcbf9bd2ed9"),
      // RFC 9369 §3.3.2
      labels: labels("quicv2"),
      // RFC 9369 §3.3.3
      retryKey: fromHex("8fb4b01b56ac48e260fbcbcead7ccc92"),
      retryNonce: fromHex("d86969bc2d7c6d9990efb04a"),
    },
  ],
]);

/** The packet protection constants of `version`; a `ZquicError` for a version without them. */
export function versionCrypto(version: number): VersionCrypto {
  const found = versions.get(version);
  if (found === undefined) {
    throw new ZquicError("CRYPTO_VERSION", `QUIC version 0x${version.toString(16).padStart(8, "0")} has no packet protection here; use QUIC v1 or v2`);
  }
  return found;
}
