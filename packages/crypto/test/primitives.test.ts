import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ZquicError, fromHex, toHex, utf8 } from "@zquic/wire";
import { hkdfExpandLabel, deriveSecret, loadProvider, type AeadAlgorithm, type HashAlgorithm, type HeaderProtectionAlgorithm } from "@zquic/crypto";
import { providers } from "./helpers.js";

const [noble, native] = providers as [(typeof providers)[0], (typeof providers)[0]];

it("the native provider is fully native on Node 20, probed once per process", async () => {
  expect(native.name).toBe("native");
  expect(await loadProvider()).toBe(native);
  expect(await loadProvider("noble")).toBe(noble);
});

describe.each(providers.map((p) => [p.name, p] as const))("%s provider", (_, provider) => {
  // FIPS 180-2 Appendix B/C/D: the one-block message "abc".
  it.each([
    ["sha256", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
    ["sha384", "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"],
    ["sha512", "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"],
  ] as const)("hashes 'abc' with %s", (algorithm, digest) => {
    expect(toHex(provider.hash(algorithm, utf8("abc")))).toBe(digest);
    expect(provider.hashLength(algorithm)).toBe(digest.length / 2);
  });

  // RFC 4231 §4.2 test case 1.
  it.each([
    ["sha256", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"],
    ["sha384", "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6"],
    ["sha512", "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"],
  ] as const)("computes RFC 4231 test case 1 with HMAC-%s", (algorithm, mac) => {
    expect(toHex(provider.hmac(algorithm, new Uint8Array(20).fill(0x0b), utf8("Hi There")))).toBe(mac);
  });

  it("passes RFC 5869 test case 1 (HKDF-SHA256)", () => {
    const prk = provider.hkdfExtract("sha256", fromHex("000102030405060708090a0b0c"), new Uint8Array(22).fill(0x0b));
    expect(toHex(prk)).toBe("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
    const okm = provider.hkdfExpand("sha256", prk, fromHex("f0f1f2f3f4f5f6f7f8f9"), 42);
    expect(toHex(okm)).toBe("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
  });

  it("treats an empty HKDF salt as HashLen zeros (RFC 5869 §2.2)", () => {
    const ikm = utf8("input keying material");
    expect(provider.hkdfExtract("sha384", new Uint8Array(0), ikm)).toEqual(provider.hkdfExtract("sha384", new Uint8Array(48), ikm));
  });

  it("rejects an HKDF-Expand length beyond 255·HashLen with a ZquicError", () => {
    expect(() => provider.hkdfExpand("sha256", new Uint8Array(32), new Uint8Array(0), 255 * 32 + 1)).toThrow(ZquicError);
    expect(provider.hkdfExpand("sha256", new Uint8Array(32), new Uint8Array(0), 255 * 32)).toHaveLength(255 * 32);
  });

  // RFC 8448 §3: the early secret, Derive-Secret(., "derived", "") and the handshake traffic secrets.
  it("derives the RFC 8448 simple 1-RTT handshake secrets", () => {
    const early = provider.hkdfExtract("sha256", new Uint8Array(0), new Uint8Array(32));
    expect(toHex(early)).toBe("33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a");
    const derived = deriveSecret(provider, "sha256", early, "derived", provider.hash("sha256", new Uint8Array(0)));
    expect(toHex(derived)).toBe("6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba");
    const handshake = provider.hkdfExtract("sha256", derived, fromHex("1bea3fdfd25f94033804b68997a55d1931dc51124ad7f6e28959bb4672e3bd13"));
    expect(toHex(handshake)).toBe("f2c66e28ed535dfb8721b7145ca51c8bc058514f79aa881d0d32cbe1341a2e45");
    const transcript = fromHex("3d35f3eba0aabf5d9661236e3b5bb938fdc32f409cc27c55499e1f0baa3abd8f");
    expect(toHex(deriveSecret(provider, "sha256", handshake, "c hs traffic", transcript))).toBe(
      "d7c28b57a857e961b5bf3e1d7b18d02757c4f97acb66a23372e5a7f3d0a71e07",
    );
  });

  it("refuses HKDF-Expand-Label inputs that do not fit the HkdfLabel structure", () => {
    expect(() => hkdfExpandLabel(provider, "sha256", new Uint8Array(32), "x".repeat(250), new Uint8Array(0), 16)).toThrow(ZquicError);
    expect(() => hkdfExpandLabel(provider, "sha256", new Uint8Array(32), "key", new Uint8Array(256), 16)).toThrow(ZquicError);
  });

  it("keeps an incremental hash running across digest() and clone()", () => {
    const hasher = provider.hasher("sha256");
    hasher.update(utf8("a"));
    const copy = hasher.clone();
    expect(hasher.digest()).toEqual(provider.hash("sha256", utf8("a")));
    hasher.update(utf8("bc"));
    expect(toHex(hasher.digest())).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(toHex(hasher.digest())).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    copy.update(utf8("x"));
    expect(copy.digest()).toEqual(provider.hash("sha256", utf8("ax")));
  });

  it.each(["aes-128-gcm", "aes-256-gcm", "chacha20-poly1305"] as const)("seals and opens with %s, and rejects any tampering", (algorithm) => {
    const key = new Uint8Array(algorithm === "aes-128-gcm" ? 16 : 32).fill(7);
    const aead = provider.aead(algorithm, key);
    const nonce = new Uint8Array(12).fill(1);
    const aad = utf8("header");
    const sealed = aead.seal(nonce, aad, utf8("payload"));
    expect(sealed).toHaveLength(7 + 16);
    expect(aead.open(nonce, aad, sealed)).toEqual(utf8("payload"));
    const into = new Uint8Array(30);
    aead.sealInto(nonce, aad, utf8("payload"), into, 5);
    expect(into.subarray(5, 28)).toEqual(sealed);
    for (let i = 0; i < sealed.length; i++) {
      const bad = sealed.slice();
      bad[i]! ^= 0x01;
      expect(aead.open(nonce, aad, bad)).toBeNull();
    }
    expect(aead.open(nonce, utf8("headex"), sealed)).toBeNull();
    expect(aead.open(new Uint8Array(12), aad, sealed)).toBeNull();
    expect(aead.open(nonce, aad, sealed.subarray(0, 15))).toBeNull();
    expect(aead.open(nonce, aad, aead.seal(nonce, aad, new Uint8Array(0)))).toEqual(new Uint8Array(0));
  });

  it("throws ZquicError for misuse: wrong key or nonce length, unknown algorithm", () => {
    expect(() => provider.aead("aes-128-gcm", new Uint8Array(32))).toThrow(ZquicError);
    expect(() => provider.aead("aes-128-gcm", new Uint8Array(16)).seal(new Uint8Array(8), new Uint8Array(0), new Uint8Array(0))).toThrow(ZquicError);
    expect(() => provider.aead("rot13" as AeadAlgorithm, new Uint8Array(16))).toThrow(ZquicError);
    expect(() => provider.headerProtection("chacha20", new Uint8Array(16))).toThrow(ZquicError);
    expect(() => provider.headerProtection("aes-128-ecb", new Uint8Array(16)).mask(new Uint8Array(15), new Uint8Array(5))).toThrow(ZquicError);
    expect(() => provider.hash("md5" as HashAlgorithm, new Uint8Array(0))).toThrow(ZquicError);
  });

  // RFC 8439 §2.3.2: key 00..1f, counter 1, nonce 000000090000004a00000000; the mask is the block's first 5 bytes.
  it("computes the RFC 8439 §2.3.2 ChaCha20 block as a header protection mask", () => {
    const key = Uint8Array.from({ length: 32 }, (_, i) => i);
    const mask = new Uint8Array(5);
    provider.headerProtection("chacha20", key).mask(fromHex("01000000000000090000004a00000000"), mask);
    expect(toHex(mask)).toBe("10f1e7e4d1");
  });

  it("random() returns fresh bytes of the asked length", () => {
    expect(provider.random(33)).toHaveLength(33);
    expect(provider.random(16)).not.toEqual(provider.random(16));
  });
});

describe("noble and native agree byte for byte", () => {
  const hashes: HashAlgorithm[] = ["sha256", "sha384", "sha512"];
  const aeads: AeadAlgorithm[] = ["aes-128-gcm", "aes-256-gcm", "chacha20-poly1305"];
  const masks: HeaderProtectionAlgorithm[] = ["aes-128-ecb", "aes-256-ecb", "chacha20"];
  const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });

  it("on AEAD seal and open", () => {
    fc.assert(
      fc.property(fc.constantFrom(...aeads), bytes(32, 32), bytes(12, 12), bytes(0, 64), bytes(0, 300), (algorithm, keyBytes, nonce, aad, plaintext) => {
        const key = keyBytes.subarray(0, algorithm === "aes-128-gcm" ? 16 : 32);
        const sealed = noble.aead(algorithm, key).seal(nonce, aad, plaintext);
        expect(native.aead(algorithm, key).seal(nonce, aad, plaintext)).toEqual(sealed);
        expect(native.aead(algorithm, key).open(nonce, aad, sealed)).toEqual(plaintext);
      }),
      { numRuns: 200 },
    );
  });

  it("on corrupted ciphertext: both refuse it", () => {
    fc.assert(
      fc.property(fc.constantFrom(...aeads), bytes(32, 32), bytes(1, 200), fc.nat(), fc.integer({ min: 1, max: 255 }), (algorithm, keyBytes, plaintext, where, flip) => {
        const key = keyBytes.subarray(0, algorithm === "aes-128-gcm" ? 16 : 32);
        const nonce = new Uint8Array(12);
        const sealed = noble.aead(algorithm, key).seal(nonce, new Uint8Array(0), plaintext);
        sealed[where % sealed.length]! ^= flip;
        for (const provider of providers) expect(provider.aead(algorithm, key).open(nonce, new Uint8Array(0), sealed)).toBeNull();
      }),
      { numRuns: 100 },
    );
  });

  it("on header protection masks, including ChaCha20's counter 0xffffffff", () => {
    fc.assert(
      fc.property(fc.constantFrom(...masks), bytes(32, 32), bytes(16, 16), fc.boolean(), (algorithm, keyBytes, sample, maxCounter) => {
        const key = keyBytes.subarray(0, algorithm === "aes-128-ecb" ? 16 : 32);
        if (maxCounter) sample.fill(0xff, 0, 4);
        const [a, b] = [new Uint8Array(5), new Uint8Array(5)];
        noble.headerProtection(algorithm, key).mask(sample, a);
        native.headerProtection(algorithm, key).mask(sample, b);
        expect(toHex(a)).toBe(toHex(b));
      }),
      { numRuns: 200 },
    );
  });

  it("on hashes, HMAC and HKDF", () => {
    fc.assert(
      fc.property(fc.constantFrom(...hashes), bytes(0, 200), bytes(0, 200), bytes(0, 60), fc.integer({ min: 0, max: 400 }), (algorithm, key, data, info, length) => {
        expect(native.hash(algorithm, data)).toEqual(noble.hash(algorithm, data));
        expect(native.hmac(algorithm, key, data)).toEqual(noble.hmac(algorithm, key, data));
        const prk = noble.hkdfExtract(algorithm, key, data);
        expect(native.hkdfExtract(algorithm, key, data)).toEqual(prk);
        expect(native.hkdfExpand(algorithm, prk, info, length)).toEqual(noble.hkdfExpand(algorithm, prk, info, length));
      }),
      { numRuns: 200 },
    );
  });
});

describe("native results are plain Uint8Arrays, not Buffers (whose slice() shares memory)", () => {
  const isPlain = (bytes: Uint8Array | null | undefined): boolean => bytes != null && Object.getPrototypeOf(bytes) === Uint8Array.prototype;
  it("for hashes, MACs, AEAD output, masks' keys, key shares and signatures", () => {
    const aead = native.aead("aes-128-gcm", new Uint8Array(16));
    const nonce = new Uint8Array(12);
    const sealed = aead.seal(nonce, new Uint8Array(0), new Uint8Array(40));
    const hasher = native.hasher("sha256");
    const share = native.generateKeyShare("x25519", () => new Uint8Array(32).fill(1));
    const response = native.respondKeyShare("secp256r1", native.generateKeyShare("secp256r1", () => new Uint8Array(32).fill(2)).publicKey, () => new Uint8Array(32).fill(3));
    const seed = { kind: "ed25519", seed: new Uint8Array(32) } as const;
    const outputs = [
      native.hash("sha384", new Uint8Array(3)),
      native.hmac("sha256", new Uint8Array(3), new Uint8Array(3)),
      native.hkdfExpand("sha256", new Uint8Array(32), new Uint8Array(0), 50),
      hasher.digest(),
      hasher.clone().digest(),
      sealed,
      aead.open(nonce, new Uint8Array(0), sealed),
      share.publicKey,
      share.complete(share.publicKey.map((b, i) => (i === 0 ? 9 : 0))),
      response?.publicKey,
      response?.sharedSecret,
      native.sign("ed25519", seed, new Uint8Array(1), () => new Uint8Array(0)),
      (native.publicKeyOf(seed) as { key: Uint8Array }).key,
      native.random(8),
    ];
    for (const output of outputs) expect(isPlain(output)).toBe(true);
  });
});
