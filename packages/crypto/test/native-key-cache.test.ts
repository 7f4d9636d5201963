// The native provider imports each verification key once and keeps it: these
// tests hold it to never using a cached key for another key, and to staying bounded.
import { describe, expect, it } from "vitest";
import { createECDH } from "node:crypto";
import type { PublicKey, SignatureAlgorithm } from "@zquic/crypto";
import { MAX_CACHED_PUBLIC_KEYS, cachedPublicKey } from "../src/native/public-key-cache.js";
import { providers, seededRandom } from "./helpers.js";

const [noble, native] = providers as [(typeof providers)[0], (typeof providers)[0]];
const message = new TextEncoder().encode("zquic");

/** A P-256 key pair from `seed`: the scalar, the point, and the point as the provider's types hold it. */
function p256(seed: number): { d: Uint8Array; point: Uint8Array; publicKey: PublicKey } {
  const d = seededRandom(seed)(32);
  const ecdh = createECDH("prime256v1");
  ecdh.setPrivateKey(d);
  const point = new Uint8Array(ecdh.getPublicKey());
  return { d, point, publicKey: { kind: "ec", curve: "P-256", point } };
}

function jwkOf(point: Uint8Array): { kty: string; crv: string; x: string; y: string } {
  const coordinate = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64url");
  return { kty: "EC", crv: "P-256", x: coordinate(point.subarray(1, 33)), y: coordinate(point.subarray(33)) };
}

describe("cached verification keys (native provider)", () => {
  const algorithm: SignatureAlgorithm = "ecdsa_secp256r1_sha256";
  const [a, b] = [p256(1), p256(2)];
  const signedByA = noble.sign(algorithm, { kind: "ec", curve: "P-256", d: a.d }, message, seededRandom(3));

  it("a signature checks against its own key only, however the checks interleave", () => {
    for (let round = 0; round < 3; round++) {
      expect(native.verify(algorithm, a.publicKey, message, signedByA)).toBe(true);
      expect(native.verify(algorithm, b.publicKey, message, signedByA)).toBe(false);
      // The same key in a fresh object (as every handshake decodes it) hits the cache and still verifies.
      expect(native.verify(algorithm, { kind: "ec", curve: "P-256", point: a.point.slice() }, message, signedByA)).toBe(true);
    }
  });

  it("a key one bit away from a cached one is a different key", () => {
    const point = a.point.slice();
    point[64]! ^= 1; // off the curve now: refused, and not taken for A
    expect(native.verify(algorithm, { kind: "ec", curve: "P-256", point }, message, signedByA)).toBe(false);
    expect(native.verify(algorithm, a.publicKey, message, signedByA)).toBe(true);
  });

  it("returns the same KeyObject for the same key, a different one for a different key", () => {
    const [jwkA, jwkB] = [jwkOf(a.point), jwkOf(b.point)];
    const keyA = cachedPublicKey(jwkA);
    expect(cachedPublicKey({ ...jwkA })).toBe(keyA);
    expect(cachedPublicKey(jwkB)).not.toBe(keyA);
    expect(keyA.export({ format: "jwk" })).toEqual(jwkA);
    expect(cachedPublicKey(jwkB).export({ format: "jwk" })).toEqual(jwkB);
  });

  it("keeps at most MAX_CACHED_PUBLIC_KEYS keys, dropping the least recently used", () => {
    const jwkA = jwkOf(a.point);
    const first = cachedPublicKey(jwkA);
    const others = Array.from({ length: MAX_CACHED_PUBLIC_KEYS }, (_, i) => jwkOf(p256(1000 + i).point));
    // Touching A halfway keeps it through the first half of the newcomers …
    for (const jwk of others.slice(0, MAX_CACHED_PUBLIC_KEYS / 2)) cachedPublicKey(jwk);
    expect(cachedPublicKey(jwkA)).toBe(first);
    const survivor = cachedPublicKey(others[MAX_CACHED_PUBLIC_KEYS / 2 - 1]!);
    // … but MAX_CACHED_PUBLIC_KEYS newer keys push it out, and it is imported afresh.
    for (const jwk of others) cachedPublicKey(jwk);
    expect(cachedPublicKey(jwkA)).not.toBe(first);
    expect(cachedPublicKey(jwkA).export({ format: "jwk" })).toEqual(jwkA);
    expect(cachedPublicKey(others[MAX_CACHED_PUBLIC_KEYS / 2 - 1]!)).toBe(survivor);
  });

  it("Ed25519 and RSA keys are cached apart from EC keys and from each other", () => {
    const seeds = [seededRandom(7)(32), seededRandom(8)(32)];
    const [keyA, keyB] = seeds.map((seed) => noble.publicKeyOf({ kind: "ed25519", seed }));
    const signature = native.sign("ed25519", { kind: "ed25519", seed: seeds[0]! }, message, seededRandom(0));
    for (let round = 0; round < 2; round++) {
      expect(native.verify("ed25519", keyA!, message, signature)).toBe(true);
      expect(native.verify("ed25519", keyB!, message, signature)).toBe(false);
    }
  });
});
