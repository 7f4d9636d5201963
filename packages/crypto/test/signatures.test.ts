import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { constants, createPublicKey, verify as opensslVerify } from "node:crypto";
import { ZquicError, concatBytes, fromHex, toHex } from "@zquic/wire";
import { signatureSchemes, type PrivateKey, type PublicKey, type SignatureAlgorithm } from "@zquic/crypto";
import { fixture, providers, rsaFixtureKey, seededRandom } from "./helpers.js";

const [noble, native] = providers as [(typeof providers)[0], (typeof providers)[0]];
const random = seededRandom(5);
const message = fixture("message.txt");
const rsaKey = rsaFixtureKey();
const rsaPublic: PublicKey = { kind: "rsa", n: rsaKey.n, e: rsaKey.e };

/** A key for every signature algorithm. */
const keys: Record<SignatureAlgorithm, PrivateKey> = {
  ecdsa_secp256r1_sha256: { kind: "ec", curve: "P-256", d: fromHex("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721") },
  ecdsa_secp384r1_sha384: { kind: "ec", curve: "P-384", d: seededRandom(9)(48) },
  ed25519: { kind: "ed25519", seed: fromHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60") },
  rsa_pss_rsae_sha256: rsaKey,
  rsa_pss_rsae_sha384: rsaKey,
  rsa_pss_rsae_sha512: rsaKey,
  rsa_pkcs1_sha256: rsaKey,
  rsa_pkcs1_sha384: rsaKey,
  rsa_pkcs1_sha512: rsaKey,
};
const algorithms = Object.keys(keys) as SignatureAlgorithm[];

/** The two INTEGERs of a DER ECDSA-Sig-Value (short-form lengths suffice for P-256). */
function derIntegers(der: Uint8Array): [bigint, bigint] {
  const rLength = der[3]!;
  const r = der.subarray(4, 4 + rLength);
  const s = der.subarray(6 + rLength, 6 + rLength + der[5 + rLength]!);
  return [BigInt(`0x${toHex(r)}`), BigInt(`0x${toHex(s)}`)];
}

function derInteger(value: bigint): Uint8Array {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  if (parseInt(hex.slice(0, 2), 16) >= 0x80) hex = `00${hex}`;
  return concatBytes(Uint8Array.of(0x02, hex.length / 2), fromHex(hex));
}

function derSignature(r: bigint, s: bigint): Uint8Array {
  const body = concatBytes(derInteger(r), derInteger(s));
  return concatBytes(Uint8Array.of(0x30, body.length), body);
}

describe.each(providers.map((p) => [p.name, p] as const))("%s provider", (_, provider) => {
  it("signs RFC 8032 §7.1 test 1 (empty message) byte for byte", () => {
    const seed = keys.ed25519;
    const publicKey = provider.publicKeyOf(seed);
    expect(publicKey.kind === "ed25519" && toHex(publicKey.key)).toBe("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    const signature = provider.sign("ed25519", seed, new Uint8Array(0), random);
    expect(toHex(signature)).toBe(
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    );
    expect(provider.verify("ed25519", publicKey, new Uint8Array(0), signature)).toBe(true);
  });

  it.each(algorithms)("%s: signs, verifies, and refuses a changed message or signature", (algorithm) => {
    const key = keys[algorithm];
    const publicKey = provider.publicKeyOf(key);
    const signature = provider.sign(algorithm, key, message, random);
    expect(provider.verify(algorithm, publicKey, message, signature)).toBe(true);
    const otherMessage = message.slice();
    otherMessage[0]! ^= 1;
    expect(provider.verify(algorithm, publicKey, otherMessage, signature)).toBe(false);
    for (const where of [0, signature.length >> 1, signature.length - 1]) {
      const bad = signature.slice();
      bad[where]! ^= 0x40;
      expect(provider.verify(algorithm, publicKey, message, bad)).toBe(false);
    }
    expect(provider.verify(algorithm, publicKey, message, signature.subarray(1))).toBe(false);
    expect(provider.verify(algorithm, publicKey, message, new Uint8Array(0))).toBe(false);
  });

  it("accepts high-S ECDSA signatures, as OpenSSL produces them (PLATFORM trap 1)", () => {
    const order = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
    const key = keys.ecdsa_secp256r1_sha256;
    const [r, s] = derIntegers(provider.sign("ecdsa_secp256r1_sha256", key, message, random));
    const publicKey = provider.publicKeyOf(key);
    const low = derSignature(r, s < order / 2n ? s : order - s);
    const high = derSignature(r, s < order / 2n ? order - s : s);
    expect(provider.verify("ecdsa_secp256r1_sha256", publicKey, message, low)).toBe(true);
    expect(provider.verify("ecdsa_secp256r1_sha256", publicKey, message, high)).toBe(true);
  });

  it("verifies compressed ECDSA public points as well as uncompressed ones", () => {
    const key = keys.ecdsa_secp256r1_sha256;
    const point = (provider.publicKeyOf(key) as Extract<PublicKey, { kind: "ec" }>).point;
    const compressed = concatBytes(Uint8Array.of(0x02 | (point[64]! & 1)), point.subarray(1, 33));
    const signature = provider.sign("ecdsa_secp256r1_sha256", key, message, random);
    expect(provider.verify("ecdsa_secp256r1_sha256", { kind: "ec", curve: "P-256", point: compressed }, message, signature)).toBe(true);
  });

  it.each(["sha256", "sha384", "sha512"] as const)("verifies OpenSSL's RSA-PSS and PKCS#1 v1.5 signatures with %s", (hash) => {
    expect(provider.verify(`rsa_pss_rsae_${hash}`, rsaPublic, message, fixture(`pss-${hash}.sig`))).toBe(true);
    expect(provider.verify(`rsa_pkcs1_${hash}`, rsaPublic, message, fixture(`pkcs1-${hash}.sig`))).toBe(true);
    // The same bytes under another scheme or hash must fail.
    expect(provider.verify(`rsa_pkcs1_${hash}`, rsaPublic, message, fixture(`pss-${hash}.sig`))).toBe(false);
    expect(provider.verify(hash === "sha256" ? "rsa_pss_rsae_sha384" : "rsa_pss_rsae_sha256", rsaPublic, message, fixture(`pss-${hash}.sig`))).toBe(false);
  });

  it.each(["sha256", "sha384", "sha512"] as const)("signs RSA PKCS#1 v1.5 with %s exactly as OpenSSL did (a deterministic scheme)", (hash) => {
    expect(toHex(provider.sign(`rsa_pkcs1_${hash}`, rsaKey, message, random))).toBe(toHex(fixture(`pkcs1-${hash}.sig`)));
  });

  it.each(["sha256", "sha384", "sha512"] as const)("makes RSA-PSS %s signatures OpenSSL accepts with salt length = hash length", (hash) => {
    const signature = provider.sign(`rsa_pss_rsae_${hash}`, rsaKey, message, random);
    const opensslKey = createPublicKey(Buffer.from(fixture("rsa2048.key.pem")));
    const ok = opensslVerify(hash, message, { key: opensslKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: { sha256: 32, sha384: 48, sha512: 64 }[hash] }, signature);
    expect(ok).toBe(true);
  });

  it("refuses RSA signatures not below n, and keys outside the limits", () => {
    const tooBig = new Uint8Array(256).fill(0xff);
    expect(provider.verify("rsa_pss_rsae_sha256", rsaPublic, message, tooBig)).toBe(false);
    expect(provider.verify("rsa_pkcs1_sha256", rsaPublic, message, tooBig)).toBe(false);
    const evenExponent: PublicKey = { kind: "rsa", n: rsaKey.n, e: 65536n };
    expect(provider.verify("rsa_pkcs1_sha256", evenExponent, message, fixture("pkcs1-sha256.sig"))).toBe(false);
    const hugeExponent: PublicKey = { kind: "rsa", n: rsaKey.n, e: (1n << 4000n) + 1n };
    expect(provider.verify("rsa_pkcs1_sha256", hugeExponent, message, fixture("pkcs1-sha256.sig"))).toBe(false);
    const smallModulus: PublicKey = { kind: "rsa", n: (1n << 1000n) + 1n, e: 65537n };
    expect(provider.verify("rsa_pkcs1_sha256", smallModulus, message, new Uint8Array(126))).toBe(false);
  });

  it("returns false when the key does not fit the algorithm, and throws ZquicError when signing with one", () => {
    const ecPublic = provider.publicKeyOf(keys.ecdsa_secp256r1_sha256);
    const signature = provider.sign("ecdsa_secp256r1_sha256", keys.ecdsa_secp256r1_sha256, message, random);
    expect(provider.verify("ecdsa_secp384r1_sha384", ecPublic, message, signature)).toBe(false);
    expect(provider.verify("rsa_pss_rsae_sha256", ecPublic, message, signature)).toBe(false);
    expect(provider.verify("ed25519", rsaPublic, message, signature)).toBe(false);
    expect(provider.verify("ed25519", { kind: "ed25519", key: new Uint8Array(31) }, message, new Uint8Array(64))).toBe(false);
    expect(provider.verify("ecdsa_secp256r1_sha256", { kind: "ec", curve: "P-256", point: new Uint8Array(65) }, message, signature)).toBe(false);
    expect(() => provider.sign("ed25519", rsaKey, message, random)).toThrow(ZquicError);
    expect(() => provider.sign("ecdsa_secp384r1_sha384", keys.ecdsa_secp256r1_sha256, message, random)).toThrow(ZquicError);
    expect(() => provider.sign("ed25519", { kind: "ed25519", seed: new Uint8Array(16) }, message, random)).toThrow(ZquicError);
    expect(() => provider.sign("bogus" as SignatureAlgorithm, rsaKey, message, random)).toThrow(ZquicError);
  });

  it.each(algorithms)("%s: random signature bytes give false, never a throw", (algorithm) => {
    const publicKey = provider.publicKeyOf(keys[algorithm]);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (signature) => {
        expect(provider.verify(algorithm, publicKey, message, signature)).toBe(false);
      }),
      { numRuns: 30 },
    );
  });
});

it("noble's RSA signing refuses an inconsistent private key instead of leaking a factor", () => {
  const broken = { ...rsaKey, dp: rsaKey.dp + 2n };
  expect(() => noble.sign("rsa_pkcs1_sha256", broken, message, random)).toThrow(ZquicError);
});

describe("noble and native signatures interoperate", () => {
  it.each(algorithms)("%s: each verifies the other's signatures; deterministic schemes agree byte for byte", (algorithm) => {
    const scheme = signatureSchemes[algorithm];
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer(), (data, seed) => {
        const key = keys[algorithm];
        const fromNoble = noble.sign(algorithm, key, data, seededRandom(seed));
        const fromNative = native.sign(algorithm, key, data, seededRandom(seed));
        expect(native.verify(algorithm, native.publicKeyOf(key), data, fromNoble)).toBe(true);
        expect(noble.verify(algorithm, noble.publicKeyOf(key), data, fromNative)).toBe(true);
        // ECDSA: noble uses RFC 6979 nonces, OpenSSL random ones; every other scheme is a function of its inputs.
        if (scheme.family !== "ecdsa") expect(toHex(fromNative)).toBe(toHex(fromNoble));
      }),
      { numRuns: 5 },
    );
  });

  it("agree on public keys", () => {
    for (const key of Object.values(keys)) expect(native.publicKeyOf(key)).toEqual(noble.publicKeyOf(key));
  });
});
