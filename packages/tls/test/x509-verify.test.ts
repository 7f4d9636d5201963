import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { nobleProvider, type PrivateKey, type PublicKey } from "@zquic/crypto";
import { fromHex, toHex } from "@zquic/wire";
import {
  CertificateAlert,
  chainVerifier,
  encodeSubjectPublicKeyInfo,
  generateCertificate,
  generatePrivateKey,
  insecureVerifier,
  Oid,
  parseCertificate,
  parsePrivateKey,
  pinnedVerifier,
  spkiSha256,
  PATH_LIMITS,
  type CertificateVerifier,
  type VerifyOutcome,
  type VerifyRequest,
} from "../src/x509/index.js";
import {
  encodeExplicit,
  encodeInteger,
  encodeSequence,
  encodeTime,
  encodeBitString,
  encodeBoolean,
  encodeOctetString,
  encodeOid,
} from "../src/x509/der-writer.js";
import { encodeSignatureAlgorithm } from "../src/x509/algorithms.js";
import { encodeName } from "../src/x509/name.js";
import { certificateDer, fixtureText, NOW } from "./fixtures/x509/fixtures.js";

const provider = nobleProvider;
const der = certificateDer;
const roots = ["rsa-root", "ec-root", "p384-root", "ed25519-root"].map((name) => fixtureText(`${name}.pem`)).join("");
const verifier = chainVerifier({ trustAnchors: roots, provider });

function check(chain: readonly (string | Uint8Array)[], options: Partial<VerifyRequest> = {}, using: CertificateVerifier = verifier): VerifyOutcome {
  const outcome = using.verify({ chain: chain.map((c) => (typeof c === "string" ? der(c) : c)), now: NOW, purpose: "server", ...options });
  if (outcome instanceof Promise) throw new Error("these verifiers answer synchronously");
  return outcome;
}

const ok: VerifyOutcome = { ok: true };
const refusedWith = (alert: number) => ({ ok: false, alert });

describe("chainVerifier accepts good chains", () => {
  const cases: [string, string[], string | undefined][] = [
    ["RSA, PKCS#1 v1.5 signatures", ["rsa-leaf", "rsa-intermediate"], "rsa.example.com"],
    ["RSA, RSASSA-PSS leaf signature", ["rsa-leaf-pss", "rsa-intermediate"], "rsa.example.com"],
    ["ECDSA P-256", ["ec-leaf", "ec-intermediate"], "ec.example.com"],
    ["ECDSA P-256, second SAN, upper case, trailing dot", ["ec-leaf", "ec-intermediate"], "WWW.EC.Example.COM."],
    ["ECDSA P-384", ["p384-leaf", "p384-intermediate"], "p384.example.com"],
    ["Ed25519", ["ed25519-leaf"], "ed25519.example.com"],
    ["wildcard", ["ec-leaf-wildcard", "ec-intermediate"], "a.wild.example.com"],
    ["IPv4 SAN", ["ec-leaf-ip", "ec-intermediate"], "127.0.0.1"],
    ["IPv6 SAN", ["ec-leaf-ip", "ec-intermediate"], "::1"],
    ["IPv6 SAN, bracketed and uncompressed", ["ec-leaf-ip", "ec-intermediate"], "[0:0:0:0:0:0:0:1]"],
    ["no name to check", ["ec-leaf-no-san", "ec-intermediate"], undefined],
    ["extra, duplicate and out-of-order certificates, root included", ["ec-leaf", "other-root", "ec-root", "ec-intermediate", "ec-intermediate"], "ec.example.com"],
  ];
  for (const [title, chain, serverName] of cases) {
    it(title, () => expect(check(chain, serverName === undefined ? {} : { serverName })).toEqual(ok));
  }

  it("validity is inclusive at both ends (RFC 5280 §4.1.2.5)", () => {
    const leaf = parseCertificate(der("ec-leaf"));
    expect(check(["ec-leaf", "ec-intermediate"], { now: leaf.notBefore })).toEqual(ok);
    expect(check(["ec-leaf", "ec-intermediate"], { now: leaf.notAfter })).toEqual(ok);
    expect(check(["ec-leaf", "ec-intermediate"], { now: leaf.notAfter + 1 })).toMatchObject(refusedWith(CertificateAlert.certificate_expired));
  });

  it("a client certificate for clientAuth", () => {
    expect(check(["ec-leaf-client-only", "ec-intermediate"], { purpose: "client" })).toEqual(ok);
    expect(check(["ec-leaf", "ec-intermediate"], { purpose: "client" })).toEqual(ok);
  });

  it("an intermediate as the trust anchor, the peer's chain stopping there", () => {
    const anchoredAtIntermediate = chainVerifier({ trustAnchors: fixtureText("ec-intermediate.pem"), provider });
    expect(check(["ec-leaf"], { serverName: "ec.example.com" }, anchoredAtIntermediate)).toEqual(ok);
  });

  it("a version 1 root as the anchor (RFC 5280 §6.1.4 (k): trusted out of band)", () => {
    const v1Root = chainVerifier({ trustAnchors: fixtureText("v1-root.pem"), provider });
    expect(check(["ec-leaf-under-v1-root"], { serverName: "ec.example.com" }, v1Root)).toEqual(ok);
  });

  it("parsed certificates as anchors, same as PEM", () => {
    const parsedAnchors = chainVerifier({ trustAnchors: [parseCertificate(der("ec-root"))], provider });
    expect(check(["ec-leaf", "ec-intermediate"], {}, parsedAnchors)).toEqual(ok);
  });
});

describe("chainVerifier refuses bad chains with the precise alert", () => {
  const cases: [string, string[], Partial<VerifyRequest>, number, RegExp][] = [
    ["expired leaf", ["ec-leaf-expired", "ec-intermediate"], {}, CertificateAlert.certificate_expired, /expired at 2021-01-01T00:00:00Z/],
    ["leaf not yet valid", ["ec-leaf-not-yet-valid", "ec-intermediate"], {}, CertificateAlert.certificate_expired, /not valid before 2100-01-01/],
    ["everything expired (after 2125)", ["ec-leaf", "ec-intermediate"], { now: Date.UTC(2126, 0, 1) }, CertificateAlert.certificate_expired, /expired/],
    ["wrong host", ["ec-leaf-wrong-host", "ec-intermediate"], { serverName: "ec.example.com" }, CertificateAlert.bad_certificate, /not valid for "ec.example.com"/],
    ["no SAN: commonName is not consulted", ["ec-leaf-no-san", "ec-intermediate"], { serverName: "ec.example.com" }, CertificateAlert.bad_certificate, /not valid for/],
    ["wildcard is one label only", ["ec-leaf-wildcard", "ec-intermediate"], { serverName: "a.b.wild.example.com" }, CertificateAlert.bad_certificate, /not valid for/],
    ["wildcard needs a label", ["ec-leaf-wildcard", "ec-intermediate"], { serverName: "wild.example.com" }, CertificateAlert.bad_certificate, /not valid for/],
    ["IP not in the SANs", ["ec-leaf-ip", "ec-intermediate"], { serverName: "127.0.0.2" }, CertificateAlert.bad_certificate, /not valid for/],
    ["IP against DNS SANs only", ["ec-leaf", "ec-intermediate"], { serverName: "127.0.0.1" }, CertificateAlert.bad_certificate, /not valid for/],
    ["unknown critical extension", ["ec-leaf-unknown-critical", "ec-intermediate"], {}, CertificateAlert.unsupported_certificate, /critical extension 1\.3\.6\.1\.4\.1\.99999\.1/],
    ["clientAuth-only leaf for a server", ["ec-leaf-client-only", "ec-intermediate"], {}, CertificateAlert.unsupported_certificate, /extendedKeyUsage/],
    ["intermediate without cA", ["ec-leaf-under-not-ca", "ec-not-ca"], {}, CertificateAlert.bad_certificate, /is not a CA/],
    ["version 1 intermediate", ["ec-leaf-under-v1-intermediate", "v1-intermediate"], {}, CertificateAlert.bad_certificate, /issuer "CN=zquic v1 Intermediate" is not a CA/],
    ["intermediate without keyCertSign", ["ec-leaf-under-no-certsign", "ec-no-certsign"], {}, CertificateAlert.bad_certificate, /lacks keyCertSign/],
    ["pathLenConstraint exceeded", ["ec-leaf-pathlen", "ec-below-pathlen0", "ec-pathlen0"], {}, CertificateAlert.bad_certificate, /allows 0 intermediate certificates below it, the path has 1/],
    ["missing intermediate", ["ec-leaf"], {}, CertificateAlert.unknown_ca, /no trusted issuer found for "CN=ec.example.com"/],
    ["root not trusted", ["ec-leaf", "ec-intermediate", "ec-root"], {}, CertificateAlert.unknown_ca, /no trusted issuer/],
    ["RSASSA-PSS with a salt TLS 1.3 has no scheme for", ["rsa-leaf-pss-maxsalt", "rsa-intermediate"], {}, CertificateAlert.unsupported_certificate, /unsupported algorithm 1\.2\.840\.113549\.1\.1\.10/],
    ["P-384 key signing with SHA-256", ["p384-leaf", "p384-intermediate-sha256"], {}, CertificateAlert.unsupported_certificate, /ecdsa_secp256r1_sha256\) cannot be checked with the key of "CN=zquic P-384 Root/],
  ];
  const onlyOthers = chainVerifier({ trustAnchors: fixtureText("other-root.pem") + fixtureText("rsa-root.pem") + fixtureText("p384-root.pem"), provider });
  for (const [title, chain, options, alert, reason] of cases) {
    it(title, () => {
      const using = title === "root not trusted" ? onlyOthers : verifier;
      const outcome = check(chain, options, using);
      expect(outcome).toMatchObject(refusedWith(alert));
      expect(outcome.ok ? "" : outcome.reason).toMatch(reason);
    });
  }

  it("a trust anchor that is not a CA cannot issue", () => {
    // The P-256 leaf (cA false) is trusted directly and is made to sign another certificate.
    const notCA = { certificate: parseCertificate(der("ec-leaf")), privateKey: parsePrivateKey(fixtureText("ec-leaf.key")) };
    const issued = generateCertificate({ keyType: "p256", hosts: ["below.example"], issuer: notCA, notBefore: NOW - 1, notAfter: NOW + 1, provider, random: provider.random });
    const trustsLeaf = chainVerifier({ trustAnchors: fixtureText("ec-leaf.pem"), provider });
    expect(check(["ec-leaf"], {}, trustsLeaf)).toEqual(ok);
    const outcome = check([issued.certificate.der], {}, trustsLeaf);
    expect(outcome).toMatchObject(refusedWith(CertificateAlert.bad_certificate));
    expect(outcome.ok ? "" : outcome.reason).toMatch(/trust anchor "CN=ec.example.com" is not a CA/);
  });

  it("a broken signature on the leaf", () => {
    const leaf = der("ec-leaf").slice();
    leaf[leaf.length - 1]! ^= 0x01;
    expect(check([leaf, "ec-intermediate"])).toMatchObject(refusedWith(CertificateAlert.bad_certificate));
  });

  it("a changed TBSCertificate under the intermediate's signature", () => {
    const hex = toHex(der("ec-leaf"));
    const altered = fromHex(hex.replace(toHex(new TextEncoder().encode("www.ec")), toHex(new TextEncoder().encode("www.xx"))));
    expect(parseCertificate(altered).extensions.subjectAltName?.dnsNames).toContain("www.xx.example.com");
    const outcome = check([altered, "ec-intermediate"]);
    expect(outcome).toMatchObject(refusedWith(CertificateAlert.bad_certificate));
    expect(outcome.ok ? "" : outcome.reason).toMatch(/does not verify/);
  });

  it("a certificate that does not decode", () => {
    expect(check(["ec-leaf", der("ec-intermediate").subarray(0, 100)])).toMatchObject(refusedWith(CertificateAlert.decode_error));
    expect(check([Uint8Array.of(0x30, 0x80)])).toMatchObject(refusedWith(CertificateAlert.decode_error));
  });

  it("an empty chain: decode_error from a server, certificate_required from a client (RFC 8446 §4.4.2.4)", () => {
    expect(check([])).toMatchObject(refusedWith(CertificateAlert.decode_error));
    expect(check([], { purpose: "client" })).toMatchObject(refusedWith(CertificateAlert.certificate_required));
  });

  it("too many certificates", () => {
    const chain = ["ec-leaf", ...Array<string>(PATH_LIMITS.maxChainCertificates).fill("ec-intermediate")];
    expect(check(chain)).toMatchObject(refusedWith(CertificateAlert.bad_certificate));
    expect(check(chain.slice(0, PATH_LIMITS.maxChainCertificates))).toEqual(ok);
  });
});

/**
 * A v3 certificate named `subject`, issued under the name `issuer`, for `publicKey`, signed by `signer`,
 * with only basicConstraints cA (no key identifiers, so path building must try every same-named candidate).
 */
function meshCertificate(subject: string, issuer: string, publicKey: PublicKey, signer: PrivateKey, isCA: boolean, serial: number): Uint8Array {
  const algorithm = encodeSignatureAlgorithm("ed25519");
  const basicConstraints = encodeSequence(
    encodeSequence(encodeOid(Oid.basicConstraints), encodeBoolean(true), encodeOctetString(isCA ? encodeSequence(encodeBoolean(true)) : encodeSequence())),
  );
  const tbs = encodeSequence(
    encodeExplicit(0, encodeInteger(2)),
    encodeInteger(serial),
    algorithm,
    encodeName([{ type: Oid.commonName, value: issuer }]),
    encodeSequence(encodeTime(Date.UTC(2025, 0, 1)), encodeTime(Date.UTC(2125, 0, 1))),
    encodeName([{ type: Oid.commonName, value: subject }]),
    encodeSubjectPublicKeyInfo(publicKey),
    encodeExplicit(3, basicConstraints),
  );
  return encodeSequence(tbs, algorithm, encodeBitString(provider.sign("ed25519", signer, tbs, provider.random)));
}

describe("path building is bounded", () => {
  it("gives up with certificate_unknown when the signature budget runs out", () => {
    // Keys K0 … K(n+1); the leaf is signed by K1 and M_i (key K_i, named "Mesh") by K_(i+1): a path exists only through all of them,
    // and the peer sends them in the worst order, so each step tries every same-named candidate before the right one:
    // n(n+1)/2 checks in all, more than the budget, on a path shorter than the length limit.
    const n = 10;
    expect(n * (n + 1) / 2).toBeGreaterThan(PATH_LIMITS.maxSignatureChecks);
    expect(n + 1).toBeLessThan(PATH_LIMITS.maxPathLength);
    let seed = 1;
    const random = (n: number) => Uint8Array.from({ length: n }, () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) & 0xff);
    const keys = Array.from({ length: n + 2 }, () => generatePrivateKey("ed25519", random));
    const publicKeys = keys.map((key) => provider.publicKeyOf(key));
    const leaf = meshCertificate("leaf.example", "Mesh", publicKeys[0]!, keys[1]!, false, 1);
    const mesh = Array.from({ length: n }, (_, i) => meshCertificate("Mesh", "Mesh", publicKeys[i + 1]!, keys[i + 2]!, true, i + 2)).reverse();
    const outcome = check([leaf, ...mesh]);
    expect(outcome).toMatchObject(refusedWith(CertificateAlert.certificate_unknown));
    expect(outcome.ok ? "" : outcome.reason).toMatch(new RegExp(`gave up after ${PATH_LIMITS.maxSignatureChecks} signature checks`));
  });

  it("key identifiers steer the search: the same mesh with authorityKeyIdentifier tries one candidate per step", () => {
    let seed = 2;
    const random = (n: number) => Uint8Array.from({ length: n }, () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) & 0xff);
    const validity = { notBefore: Date.UTC(2025, 0, 1), notAfter: Date.UTC(2125, 0, 1), provider, random };
    const mesh = [generateCertificate({ keyType: "ed25519", hosts: [], commonName: "Mesh", isCA: true, ...validity })];
    const length = PATH_LIMITS.maxPathLength;
    for (let i = 0; i < length; i++) mesh.push(generateCertificate({ keyType: "ed25519", hosts: [], commonName: "Mesh", isCA: true, issuer: mesh[i]!, ...validity }));
    const leaf = generateCertificate({ keyType: "ed25519", hosts: ["leaf.example"], issuer: mesh[length]!, ...validity });
    const outcome = check([leaf.certificate.der, ...mesh.slice(1).map((m) => m.certificate.der)]);
    expect(outcome).toMatchObject(refusedWith(CertificateAlert.bad_certificate));
    expect(outcome.ok ? "" : outcome.reason).toMatch(new RegExp(`no trusted issuer within ${PATH_LIMITS.maxPathLength} certificates`));
  });
});

describe("SPKI pins", () => {
  const pinOf = (name: string) => spkiSha256(parseCertificate(der(name)), provider);

  it("match openssl's SPKI SHA-256", () => {
    // What `openssl x509 -pubkey | openssl pkey -pubin -outform DER | openssl dgst -sha256` gives, computed with node:crypto.
    const certificate = parseCertificate(der("ec-leaf"));
    expect(toHex(pinOf("ec-leaf"))).toBe(createHash("sha256").update(certificate.spkiDer).digest("hex"));
  });

  it("chainVerifier with a pin: the validated path must carry it", () => {
    const pinnedAtIntermediate = chainVerifier({ trustAnchors: roots, provider, pinnedSpkiSha256: [pinOf("ec-intermediate")] });
    expect(check(["ec-leaf", "ec-intermediate"], {}, pinnedAtIntermediate)).toEqual(ok);
    const pinnedElsewhere = chainVerifier({ trustAnchors: roots, provider, pinnedSpkiSha256: [pinOf("other-root")] });
    expect(check(["ec-leaf", "ec-intermediate"], {}, pinnedElsewhere)).toMatchObject(refusedWith(CertificateAlert.certificate_unknown));
  });

  it("pinnedVerifier trusts the pinned leaf alone, or what chains to a pinned key", () => {
    expect(check(["ec-leaf"], { serverName: "ec.example.com" }, pinnedVerifier([pinOf("ec-leaf")], provider))).toEqual(ok);
    const atIntermediate = pinnedVerifier([pinOf("ec-intermediate")], provider);
    expect(check(["ec-leaf", "ec-intermediate"], {}, atIntermediate)).toEqual(ok);
    expect(check(["ec-leaf"], {}, atIntermediate)).toMatchObject(refusedWith(CertificateAlert.unknown_ca));
    expect(check(["rsa-leaf", "ec-intermediate"], {}, atIntermediate)).toMatchObject(refusedWith(CertificateAlert.unknown_ca));
    const forged = der("ec-leaf").slice();
    forged[forged.length - 1]! ^= 0x01;
    expect(check([forged, "ec-intermediate"], {}, atIntermediate)).toMatchObject(refusedWith(CertificateAlert.bad_certificate));
    expect(check(["ec-leaf"], { serverName: "other.example" }, pinnedVerifier([pinOf("ec-leaf")], provider))).toMatchObject(
      refusedWith(CertificateAlert.bad_certificate),
    );
  });

  it("refuses pins that are not SHA-256 digests", () => {
    expect(() => pinnedVerifier([new Uint8Array(20)], provider)).toThrow(/32/);
    expect(() => pinnedVerifier([], provider)).toThrow(/no SPKI pins/);
  });
});

describe("the handshake's decoded leaf (VerifyRequest.leaf)", () => {
  it("stands in for chain[0] and gives the same outcomes", () => {
    for (const [chain, serverName] of [
      [["ec-leaf", "ec-intermediate"], "ec.example.com"],
      [["ec-leaf-expired", "ec-intermediate"], "ec.example.com"],
      [["ec-leaf", "ec-intermediate"], "elsewhere.example.com"],
    ] as const) {
      const leaf = parseCertificate(der(chain[0]));
      expect(check(chain, { serverName, leaf })).toEqual(check(chain, { serverName }));
    }
  });

  it("is ignored when it was decoded from other bytes than chain[0]", () => {
    const valid = parseCertificate(der("ec-leaf"));
    expect(check(["ec-leaf-expired", "ec-intermediate"], { leaf: valid })).toMatchObject(refusedWith(CertificateAlert.certificate_expired));
    expect(check([Uint8Array.of(0x30, 0x00), der("ec-intermediate")], { leaf: valid })).toMatchObject(refusedWith(CertificateAlert.decode_error));
  });
});

describe("insecureVerifier", () => {
  it("accepts anything, even garbage", () => {
    expect(check([Uint8Array.of(1, 2, 3)], {}, insecureVerifier())).toEqual(ok);
    expect(check(["ec-leaf-expired"], { serverName: "nowhere" }, insecureVerifier())).toEqual(ok);
  });
});

describe("chainVerifier configuration", () => {
  it("needs at least one anchor", () => {
    expect(() => chainVerifier({ trustAnchors: "", provider })).toThrow(/at least one trust anchor/);
  });
});
