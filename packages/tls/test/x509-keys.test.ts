import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nobleProvider, type PrivateKey } from "@zquic/crypto";
import { fromHex, toHex } from "@zquic/wire";
import {
  encodePem,
  encodePrivateKeyPkcs8,
  encodeSubjectPublicKeyInfo,
  Oid,
  parseCertificate,
  parsePem,
  parsePrivateKey,
  parsePublicKey,
  X509Error,
} from "../src/x509/index.js";
import { encodeExplicit, encodeInteger, encodeOctetString, encodeOid, encodeSequence } from "../src/x509/der-writer.js";
import { certificateDer, fixturePath, fixtureText, openssl, opensslBytes } from "./fixtures/x509/fixtures.js";

const provider = nobleProvider;

/** The hex of a colon-separated field in `openssl pkey -text` output. */
function opensslField(text: string, name: string): string {
  return new RegExp(`^${name}:\\n((?:\\s+[0-9a-f:]+\\n)+)`, "m").exec(text)![1]!.replace(/[\s:]/g, "");
}

/** `hex` as a fixed-width scalar (openssl drops nothing, but prints a leading 00 before a high bit). */
const scalar = (hex: string, bytes: number) => fromHex(hex.slice(-bytes * 2).padStart(bytes * 2, "0"));
const bigint = (hex: string) => BigInt(`0x${hex}`);

describe("parsePrivateKey reads openssl's keys, as openssl reads them", () => {
  it("EC P-256 and P-384: PKCS#8 and SEC1, PEM and DER", () => {
    for (const [name, curve, size] of [["ec-leaf", "P-256", 32], ["p384-leaf", "P-384", 48]] as const) {
      const text = openssl(["pkey", "-in", fixturePath(`${name}.key`), "-text", "-noout"]);
      const expected: PrivateKey = { kind: "ec", curve, d: scalar(opensslField(text, "priv"), size) };
      expect(parsePrivateKey(fixtureText(`${name}.key`))).toEqual(expected);
      expect(parsePrivateKey(fixtureText(`${name}.sec1.key`))).toEqual(expected);
      expect(parsePrivateKey(opensslBytes(["pkey", "-in", fixturePath(`${name}.key`), "-outform", "DER"]))).toEqual(expected);
      expect(parsePrivateKey(opensslBytes(["ec", "-in", fixturePath(`${name}.key`), "-outform", "DER"]))).toEqual(expected);
      // The public half the provider derives is the certificate's key.
      expect(provider.publicKeyOf(expected)).toEqual(parseCertificate(certificateDer(name)).publicKey);
    }
  });

  it("Ed25519 PKCS#8", () => {
    const text = openssl(["pkey", "-in", fixturePath("ed25519-leaf.key"), "-text", "-noout"]);
    const key = parsePrivateKey(fixtureText("ed25519-leaf.key"));
    expect(key).toEqual({ kind: "ed25519", seed: fromHex(opensslField(text, "priv")) });
    expect(provider.publicKeyOf(key)).toEqual(parseCertificate(certificateDer("ed25519-leaf")).publicKey);
  });

  it("RSA: PKCS#8 and PKCS#1, PEM and DER", () => {
    const text = openssl(["pkey", "-in", fixturePath("rsa-leaf.key"), "-text", "-noout"]);
    const expected = {
      kind: "rsa",
      n: bigint(opensslField(text, "modulus")),
      e: 65537n,
      d: bigint(opensslField(text, "privateExponent")),
      p: bigint(opensslField(text, "prime1")),
      q: bigint(opensslField(text, "prime2")),
      dp: bigint(opensslField(text, "exponent1")),
      dq: bigint(opensslField(text, "exponent2")),
      qInv: bigint(opensslField(text, "coefficient")),
    };
    expect(parsePrivateKey(fixtureText("rsa-leaf.key"))).toEqual(expected);
    expect(parsePrivateKey(fixtureText("rsa-leaf.pkcs1.key"))).toEqual(expected);
    expect(parsePrivateKey(opensslBytes(["rsa", "-in", fixturePath("rsa-leaf.key"), "-traditional", "-outform", "DER"]))).toEqual(expected);
  });

  it("skips EC PARAMETERS blocks, as `openssl ecparam -genkey` writes them", () => {
    const parameters = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n";
    expect(parsePrivateKey(parameters + fixtureText("ec-leaf.sec1.key"))).toEqual(parsePrivateKey(fixtureText("ec-leaf.key")));
  });

  it("refuses EC keys whose curve is missing or named twice, differently", () => {
    const d = new Uint8Array(32).fill(7);
    const sec1 = (...parameters: Uint8Array[]) => encodeSequence(encodeInteger(1), encodeOctetString(d), ...parameters);
    const pkcs8 = (curveOid: string, inner: Uint8Array) =>
      encodeSequence(encodeInteger(0), encodeSequence(encodeOid(Oid.ecPublicKey), encodeOid(curveOid)), encodeOctetString(inner));
    expect(parsePrivateKey(pkcs8(Oid.secp256r1, sec1(encodeExplicit(0, encodeOid(Oid.secp256r1)))))).toEqual({ kind: "ec", curve: "P-256", d });
    expect(() => parsePrivateKey(pkcs8(Oid.secp256r1, sec1(encodeExplicit(0, encodeOid(Oid.secp384r1)))))).toThrow(/names P-384 inside PKCS#8 for P-256/);
    expect(() => parsePrivateKey(sec1())).toThrow(/does not name its curve/);
    expect(() => parsePrivateKey(pkcs8(Oid.secp256r1, encodeSequence(encodeInteger(1), encodeOctetString(new Uint8Array(33)))))).toThrow(/not a scalar/);
  });

  it("refuses encrypted keys, with advice", () => {
    expect(() => parsePrivateKey(fixtureText("ec-leaf.encrypted.key"))).toThrow(/encrypted.*openssl pkey/);
  });

  it("refuses a PEM text with no key or two keys", () => {
    expect(() => parsePrivateKey(fixtureText("ec-leaf.pem"))).toThrow(/found 0/);
    expect(() => parsePrivateKey(fixtureText("ec-leaf.key") + fixtureText("rsa-leaf.key"))).toThrow(/found 2/);
  });

  it("refuses key types it cannot use", () => {
    expect(() => parsePrivateKey(fixtureText("unsupported-x25519.key"))).toThrow(/1\.3\.101\.110 is not supported/);
    expect(() => parsePrivateKey(fixtureText("unsupported-p521.key"))).toThrow(/curve other than P-256 or P-384/);
  });
});

describe("parsePublicKey and SubjectPublicKeyInfo", () => {
  it("reads openssl's public keys, equal to the certificates' keys, and writes them back byte for byte", () => {
    for (const name of ["ec-leaf", "rsa-leaf", "ed25519-leaf"]) {
      const spki = parsePem(fixtureText(`${name}.pub`))[0]!.der;
      const key = parsePublicKey(fixtureText(`${name}.pub`));
      expect(key).toEqual(parseCertificate(certificateDer(name)).publicKey);
      expect(parsePublicKey(spki)).toEqual(key);
      expect(toHex(encodeSubjectPublicKeyInfo(key))).toBe(toHex(spki));
    }
  });

  it("refuses RSA keys outside 2048…8192 bits, RSASSA-PSS-restricted keys and other curves", () => {
    expect(() => parsePublicKey(fixtureText("unsupported-rsa1024.pub"))).toThrow(/1\.2\.840\.113549\.1\.1\.1 .*not supported/);
    expect(() => parsePublicKey(fixtureText("unsupported-rsa-pss.pub"))).toThrow(/1\.2\.840\.113549\.1\.1\.10 .*not supported/);
    expect(() => parsePublicKey(fixtureText("unsupported-p521.pub"))).toThrow(/1\.2\.840\.10045\.2\.1 .*not supported/);
  });

  it("refuses malformed keys of a known type", () => {
    const spki = parsePem(fixtureText("ec-leaf.pub"))[0]!.der;
    const hex = toHex(spki);
    // Shorten the point by one byte: BIT STRING length 0x42 → 0x41 and SEQUENCE length 0x59 → 0x58.
    const short = fromHex(`3058${hex.slice(4, hex.indexOf("034200"))}034100${hex.slice(hex.indexOf("034200") + 6, -2)}`);
    expect(() => parsePublicKey(short)).toThrow(/SEC1 point/);
  });
});

describe("encodePrivateKeyPkcs8", () => {
  it("writes what openssl writes, byte for byte", () => {
    for (const name of ["ec-leaf", "p384-leaf", "ed25519-leaf", "rsa-leaf"]) {
      const key = parsePrivateKey(fixtureText(`${name}.key`));
      const der = encodePrivateKeyPkcs8(key, provider.publicKeyOf(key));
      expect(toHex(der)).toBe(toHex(parsePem(fixtureText(`${name}.key`))[0]!.der));
      expect(encodePem("PRIVATE KEY", der)).toBe(fixtureText(`${name}.key`));
    }
  });

  it("round trips any key of the supported kinds", () => {
    const nonZero = (length: number) => fc.uint8Array({ minLength: length, maxLength: length }).filter((d) => d.some((b) => b !== 0));
    const positive = fc.bigInt({ min: 1n, max: 2n ** 2100n });
    const key: fc.Arbitrary<PrivateKey> = fc.oneof(
      nonZero(32).map((d): PrivateKey => ({ kind: "ec", curve: "P-256", d })),
      nonZero(48).map((d): PrivateKey => ({ kind: "ec", curve: "P-384", d })),
      fc.uint8Array({ minLength: 32, maxLength: 32 }).map((seed): PrivateKey => ({ kind: "ed25519", seed })),
      fc.tuple(positive, positive, positive, positive, positive, positive, positive, positive).map(
        ([n, e, d, p, q, dp, dq, qInv]): PrivateKey => ({ kind: "rsa", n, e, d, p, q, dp, dq, qInv }),
      ),
    );
    fc.assert(
      fc.property(key, (value) => {
        expect(parsePrivateKey(encodePrivateKeyPkcs8(value))).toEqual(value);
      }),
      { numRuns: 300 },
    );
  });
});

describe("key decoders on hostile input", () => {
  const seeds = ["ec-leaf.key", "ec-leaf.sec1.key", "p384-leaf.key", "ed25519-leaf.key", "rsa-leaf.key", "rsa-leaf.pkcs1.key"].map(
    (file) => parsePem(fixtureText(file))[0]!.der,
  );
  const spkis = ["ec-leaf.pub", "rsa-leaf.pub", "ed25519-leaf.pub"].map((file) => parsePem(fixtureText(file))[0]!.der);

  const valueOrX509Error = (decode: (bytes: Uint8Array) => unknown) => (bytes: Uint8Array) => {
    try {
      decode(bytes);
    } catch (error) {
      if (!(error instanceof X509Error)) throw error;
    }
  };
  const mutated = (from: Uint8Array[]) =>
    fc.tuple(fc.constantFrom(...from), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), fc.nat()).map(([seed, edits, cut]) => {
      const bytes = seed.slice(0, seed.length - (cut % 3 === 0 ? cut % seed.length : 0));
      for (const [at, value] of edits) if (bytes.length > 0) bytes[at % bytes.length] = value;
      return bytes;
    });

  it("random bytes give a key or an X509Error", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), valueOrX509Error(parsePrivateKey)), { numRuns: 2000 });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), valueOrX509Error(parsePublicKey)), { numRuns: 2000 });
  });

  it("mutated keys give a key or an X509Error", () => {
    fc.assert(fc.property(mutated(seeds), valueOrX509Error(parsePrivateKey)), { numRuns: 2000 });
    fc.assert(fc.property(mutated(spkis), valueOrX509Error(parsePublicKey)), { numRuns: 2000 });
  });
});
