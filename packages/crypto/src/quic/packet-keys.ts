/**
 * Packet protection keys (RFC 9001 §5.1): the AEAD key and IV and the header
 * protection key derived from one traffic secret, the Initial secrets
 * (§5.2) and the next generation of keys after a key update (§6.1).
 *
 * @module
 */
import { utf8 } from "@zquic/wire";
import { AEAD_NONCE_LENGTH, headerProtectionKeyLength } from "../algorithms.js";
import { hkdfExpandLabel } from "../hkdf-label.js";
import type { Aead, CryptoProvider, HeaderProtector } from "../provider.js";
import { TLS_AES_128_GCM_SHA256, type CipherSuite } from "./cipher-suites.js";
import { versionCrypto } from "./versions.js";

/** The keys protecting packets in one direction at one encryption level and key phase. */
export interface PacketKeys {
  readonly suite: CipherSuite;
  readonly version: number;
  /** The traffic secret these keys come from (the input to the next key update). */
  readonly secret: Uint8Array;
  readonly aead: Aead;
  /** RFC 9001 §5.3: XORed with the packet number to form the nonce. */
  readonly iv: Uint8Array;
  /** RFC 9001 §5.4: unchanged by key updates. */
  readonly headerProtection: HeaderProtector;
}

const NO_CONTEXT = new Uint8Array(0);

/** RFC 9001 §5.2: the labels of the Initial secrets. */
const CLIENT_IN = utf8("client in");
const SERVER_IN = utf8("server in");

/** RFC 9001 §5.1: HKDF-Expand-Label(secret, label, "", length) with the suite's hash. */
function expandLabel(provider: CryptoProvider, suite: CipherSuite, secret: Uint8Array, label: Uint8Array, length: number): Uint8Array {
  return hkdfExpandLabel(provider, suite.hash, secret, label, NO_CONTEXT, length);
}

/** Keys from `secret` with the AEAD key and IV derived from it and the given header protection. */
function withSecret(provider: CryptoProvider, suite: CipherSuite, version: number, secret: Uint8Array, headerProtection: HeaderProtector): PacketKeys {
  const { labels } = versionCrypto(version);
  return {
    suite,
    version,
    secret,
    aead: provider.aead(suite.aead, expandLabel(provider, suite, secret, labels.key, suite.keyLength)),
    // RFC 9001 §5.1: the IV is as long as the AEAD nonce (12 bytes for every suite here).
    iv: expandLabel(provider, suite, secret, labels.iv, AEAD_NONCE_LENGTH),
    headerProtection,
  };
}

/** RFC 9001 §5.1: the packet protection keys of `secret`, with the labels of `version`. */
export function packetKeys(provider: CryptoProvider, suite: CipherSuite, secret: Uint8Array, version: number): PacketKeys {
  const hpKey = expandLabel(provider, suite, secret, versionCrypto(version).labels.hp, headerProtectionKeyLength[suite.headerProtection]);
  return withSecret(provider, suite, version, secret, provider.headerProtection(suite.headerProtection, hpKey));
}

/**
 * RFC 9001 §6.1: the keys of the next key phase. secret_<n+1> =
 * HKDF-Expand-Label(secret_<n>, "quic ku", "", Hash.length); the AEAD key and IV
 * are derived from it again, and the header protection key is kept.
 */
export function nextGenerationKeys(provider: CryptoProvider, keys: PacketKeys): PacketKeys {
  const { suite, version } = keys;
  const secret = expandLabel(provider, suite, keys.secret, versionCrypto(version).labels.ku, provider.hashLength(suite.hash));
  return withSecret(provider, suite, version, secret, keys.headerProtection);
}

/** The client's and the server's Initial secrets. */
export interface InitialSecrets {
  readonly client: Uint8Array;
  readonly server: Uint8Array;
}

/**
 * RFC 9001 §5.2: initial_secret = HKDF-Extract(initial_salt, dcid), then
 * "client in" / "server in" with HKDF-Expand-Label over SHA-256. `dcid` is the
 * Destination Connection ID of the client's first Initial (or the one a Retry chose).
 */
export function initialSecrets(provider: CryptoProvider, version: number, dcid: Uint8Array): InitialSecrets {
  const { initialSalt } = versionCrypto(version);
  const hash = TLS_AES_128_GCM_SHA256.hash;
  const initialSecret = provider.hkdfExtract(hash, initialSalt, dcid);
  const length = provider.hashLength(hash);
  return {
    client: hkdfExpandLabel(provider, hash, initialSecret, CLIENT_IN, NO_CONTEXT, length),
    server: hkdfExpandLabel(provider, hash, initialSecret, SERVER_IN, NO_CONTEXT, length),
  };
}

/** RFC 9001 §5: Initial packets use AEAD_AES_128_GCM (TLS_AES_128_GCM_SHA256) keys from the Initial secrets. */
export function initialKeys(provider: CryptoProvider, version: number, dcid: Uint8Array): { client: PacketKeys; server: PacketKeys } {
  const secrets = initialSecrets(provider, version, dcid);
  return {
    client: packetKeys(provider, TLS_AES_128_GCM_SHA256, secrets.client, version),
    server: packetKeys(provider, TLS_AES_128_GCM_SHA256, secrets.server, version),
  };
}
