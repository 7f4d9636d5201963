import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ml_kem768 } from "@noble/post-quantum/ml-kem.js";
import { x25519 } from "@noble/curves/ed25519.js";
import { ZquicError, concatBytes, fromHex, toHex } from "@zquic/wire";
import type { KeyExchangeGroup } from "@zquic/crypto";
import { providers, scriptedRandom, seededRandom } from "./helpers.js";

const groups: KeyExchangeGroup[] = ["x25519", "secp256r1", "secp384r1", "mlkem768", "x25519mlkem768"];
/** Client and server key_exchange lengths (RFC 8446 §4.2.8.2, FIPS 203 Table 3, draft-ietf-tls-ecdhe-mlkem §3). */
const shareLengths: Record<KeyExchangeGroup, [number, number, number]> = {
  x25519: [32, 32, 32],
  secp256r1: [65, 65, 32],
  secp384r1: [97, 97, 48],
  mlkem768: [1184, 1088, 32],
  x25519mlkem768: [1216, 1120, 64],
};

describe.each(providers.map((p) => [p.name, p] as const))("%s provider", (_, provider) => {
  // RFC 7748 §6.1
  const alice = fromHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
  const bob = fromHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
  const alicePublic = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
  const bobPublic = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
  const shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";

  it("reproduces the RFC 7748 §6.1 X25519 exchange from injected private keys", () => {
    const share = provider.generateKeyShare("x25519", scriptedRandom(alice));
    expect(toHex(share.publicKey)).toBe(alicePublic);
    const response = provider.respondKeyShare("x25519", share.publicKey, scriptedRandom(bob));
    expect(toHex(response!.publicKey)).toBe(bobPublic);
    expect(toHex(response!.sharedSecret)).toBe(shared);
    expect(toHex(share.complete(fromHex(bobPublic))!)).toBe(shared);
  });

  // RFC 7748 §5.2: the second vector's u-coordinate has its top bit set, which must be ignored.
  it.each([
    ["a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4", "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c", "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"],
    ["4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d", "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493", "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"],
  ])("computes the RFC 7748 §5.2 X25519 vector for scalar %s", (scalar, u, out) => {
    expect(toHex(provider.generateKeyShare("x25519", scriptedRandom(fromHex(scalar))).complete(fromHex(u))!)).toBe(out);
  });

  it.each(groups)("completes a %s exchange with the right share and secret lengths", (group) => {
    const random = seededRandom(1);
    const share = provider.generateKeyShare(group, random);
    const response = provider.respondKeyShare(group, share.publicKey, random)!;
    const [clientLength, serverLength, secretLength] = shareLengths[group];
    expect(share.group).toBe(group);
    expect(share.publicKey).toHaveLength(clientLength);
    expect(response.publicKey).toHaveLength(serverLength);
    expect(response.sharedSecret).toHaveLength(secretLength);
    expect(share.complete(response.publicKey)).toEqual(response.sharedSecret);
  });

  it.each(groups)("derives %s keys only from the injected random source", (group) => {
    const first = provider.generateKeyShare(group, seededRandom(7));
    const second = provider.generateKeyShare(group, seededRandom(7));
    expect(second.publicKey).toEqual(first.publicKey);
    expect(provider.generateKeyShare(group, seededRandom(8)).publicKey).not.toEqual(first.publicKey);
  });

  it("lays out X25519MLKEM768 as ML-KEM first, X25519 second (draft-ietf-tls-ecdhe-mlkem §3)", () => {
    const seed = new Uint8Array(64).fill(3);
    const clientScalar = new Uint8Array(32).fill(4);
    const message = new Uint8Array(32).fill(5);
    const serverScalar = new Uint8Array(32).fill(6);
    const share = provider.generateKeyShare("x25519mlkem768", scriptedRandom(seed, clientScalar));
    const kem = ml_kem768.keygen(seed);
    expect(share.publicKey).toEqual(concatBytes(kem.publicKey, x25519.getPublicKey(clientScalar)));
    const response = provider.respondKeyShare("x25519mlkem768", share.publicKey, scriptedRandom(message, serverScalar))!;
    const encapsulated = ml_kem768.encapsulate(kem.publicKey, message);
    expect(response.publicKey).toEqual(concatBytes(encapsulated.cipherText, x25519.getPublicKey(serverScalar)));
    expect(response.sharedSecret).toEqual(concatBytes(encapsulated.sharedSecret, x25519.getSharedSecret(serverScalar, x25519.getPublicKey(clientScalar))));
  });

  describe("malformed peer shares give null, never a throw", () => {
    const random = seededRandom(2);
    const shares = Object.fromEntries(groups.map((g) => [g, provider.generateKeyShare(g, random)]));
    const responses = Object.fromEntries(groups.map((g) => [g, provider.respondKeyShare(g, shares[g]!.publicKey, random)!]));

    it.each(groups)("%s: wrong lengths", (group) => {
      const client = shares[group]!.publicKey;
      const server = responses[group]!.publicKey;
      for (const bad of [new Uint8Array(0), client.subarray(1), concatBytes(client, new Uint8Array(1))]) {
        expect(provider.respondKeyShare(group, bad, random)).toBeNull();
      }
      for (const bad of [new Uint8Array(0), server.subarray(1), concatBytes(server, new Uint8Array(1))]) {
        expect(shares[group]!.complete(bad)).toBeNull();
      }
    });

    it.each(["secp256r1", "secp384r1"] as const)("%s: compressed, off-curve and all-zero points", (group) => {
      const point = shares[group]!.publicKey;
      const offCurve = point.slice();
      offCurve[offCurve.length - 1]! ^= 1;
      const compressedTag = point.slice();
      compressedTag[0] = 0x02;
      const zero = new Uint8Array(point.length);
      zero[0] = 0x04;
      for (const bad of [offCurve, compressedTag, zero]) {
        expect(provider.respondKeyShare(group, bad, random)).toBeNull();
        expect(shares[group]!.complete(bad)).toBeNull();
      }
    });

    // RFC 7748 §6.1 / RFC 8446 §7.4.2: low-order points give an all-zero secret, which must be refused.
    it.each(["0000000000000000000000000000000000000000000000000000000000000000", "0100000000000000000000000000000000000000000000000000000000000000", "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"])(
      "x25519: low-order point %s",
      (hex) => {
        expect(provider.respondKeyShare("x25519", fromHex(hex), random)).toBeNull();
        expect(shares.x25519!.complete(fromHex(hex))).toBeNull();
        const hybrid = concatBytes(shares.mlkem768!.publicKey, fromHex(hex));
        expect(provider.respondKeyShare("x25519mlkem768", hybrid, random)).toBeNull();
      },
    );

    it("mlkem768: an encapsulation key with coefficients ≥ q (FIPS 203 §7.2 modulus check)", () => {
      const bad = shares.mlkem768!.publicKey.slice();
      bad.fill(0xff, 0, 3);
      expect(provider.respondKeyShare("mlkem768", bad, random)).toBeNull();
      expect(provider.respondKeyShare("x25519mlkem768", concatBytes(bad, shares.x25519!.publicKey), random)).toBeNull();
    });

    it.each(groups)("%s: random and mutated bytes", (group) => {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 0, maxLength: 1300 }), fc.boolean(), (bytes, asResponse) => {
          const result = asResponse ? shares[group]!.complete(bytes) : provider.respondKeyShare(group, bytes, random);
          expect(result === null || result instanceof Uint8Array).toBe(true);
        }),
        { numRuns: group.includes("mlkem") || group === "secp384r1" ? 15 : 40 },
      );
    });
  });

  it("throws ZquicError for an unknown group", () => {
    expect(() => provider.generateKeyShare("ffdhe2048" as KeyExchangeGroup, seededRandom(1))).toThrow(ZquicError);
  });

  it("rejects out-of-range NIST scalars from the random source, and stops at a broken one", () => {
    const order = fromHex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
    const good = new Uint8Array(32).fill(0x11);
    const share = provider.generateKeyShare("secp256r1", scriptedRandom(order, new Uint8Array(32), good));
    expect(share.publicKey).toEqual(provider.generateKeyShare("secp256r1", scriptedRandom(good)).publicKey);
    expect(() => provider.generateKeyShare("secp256r1", (n) => new Uint8Array(n))).toThrow(ZquicError);
  });
});

describe("noble and native key shares cross-complete", () => {
  const [noble, native] = providers as [(typeof providers)[0], (typeof providers)[0]];
  it.each(groups)("%s, both directions, with identical bytes for the same random source", (group) => {
    for (const [initiator, responder] of [[noble, native], [native, noble]] as const) {
      const share = initiator.generateKeyShare(group, seededRandom(11));
      const response = responder.respondKeyShare(group, share.publicKey, seededRandom(12))!;
      expect(share.complete(response.publicKey)).toEqual(response.sharedSecret);
      expect(responder.generateKeyShare(group, seededRandom(11)).publicKey).toEqual(share.publicKey);
    }
  });
});
