import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "@zquic/wire";
import { Oid, parseCertificate, parseCertificatesPem, parsePem, X509Error, type Certificate } from "../src/x509/index.js";
import { CERTIFICATE_NAMES, certificateDer, fixturePath, fixtureText, openssl, opensslBytes, opensslEach } from "./fixtures/x509/fixtures.js";

/** What `openssl x509` says about every fixture, field by field (one shell for all of them). */
const opensslOutputs = opensslEach(
  CERTIFICATE_NAMES.map((name) => fixturePath(`${name}.pem`)),
  ["x509", "-noout", "-serial", "-subject", "-issuer", "-startdate", "-enddate", "-nameopt", "RFC2253", "-pubkey", "-text"],
);

function opensslView(name: string) {
  const out = opensslOutputs.get(fixturePath(`${name}.pem`))!;
  const field = (label: string): string => new RegExp(`^${label}=(.*)$`, "m").exec(out)![1]!;
  const extension = (title: string): string | undefined => {
    const match = new RegExp(`X509v3 ${title}:( critical)?\\s*\\n\\s+(.*)`).exec(out);
    return match === null ? undefined : `${match[1] === undefined ? "" : "critical "}${match[2]!.trim()}`;
  };
  return {
    serial: BigInt(`0x${field("serial")}`),
    subject: field("subject"),
    issuer: field("issuer"),
    notBefore: Date.parse(field("notBefore")),
    notAfter: Date.parse(field("notAfter")),
    signatureAlgorithm: /Signature Algorithm: (\S+)/.exec(out)![1]!,
    spki: parsePem(out)[0]!.der,
    subjectAltName: extension("Subject Alternative Name"),
    basicConstraints: extension("Basic Constraints"),
    keyUsage: extension("Key Usage"),
    extendedKeyUsage: extension("Extended Key Usage"),
    subjectKeyIdentifier: extension("Subject Key Identifier"),
    authorityKeyIdentifier: extension("Authority Key Identifier"),
    text: out,
  };
}

/** OpenSSL's names for the signature algorithms of the fixtures, and the scheme each maps to. */
const schemeByOpensslName: Record<string, Certificate["signatureScheme"]> = {
  sha256WithRSAEncryption: "rsa_pkcs1_sha256",
  "ecdsa-with-SHA256": "ecdsa_secp256r1_sha256",
  "ecdsa-with-SHA384": "ecdsa_secp384r1_sha384",
  ED25519: "ed25519",
};

const keyUsageNames: Record<string, string> = {
  "Digital Signature": "digitalSignature",
  "Certificate Sign": "keyCertSign",
  "CRL Sign": "cRLSign",
};
const purposeNames: Record<string, string> = {
  "TLS Web Server Authentication": Oid.serverAuth,
  "TLS Web Client Authentication": Oid.clientAuth,
};

/** OpenSSL prints IPv6 SANs as eight groups without compression. */
function ipText(bytes: Uint8Array): string {
  if (bytes.length === 4) return [...bytes].join(".");
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16).toUpperCase());
  return groups.join(":");
}

const colonHex = (bytes: Uint8Array): string => toHex(bytes).toUpperCase().replace(/(..)(?=.)/g, "$1:");

describe("parseCertificate agrees with openssl x509 on every fixture", () => {
  for (const name of CERTIFICATE_NAMES) {
    it(name, () => {
      const der = certificateDer(name);
      const certificate = parseCertificate(der);
      const view = opensslView(name);
      expect(certificate.der).toEqual(der);
      expect(certificate.version).toBe(Number(/Version: (\d)/.exec(view.text)![1]));
      expect(certificate.serialNumber).toBe(view.serial);
      expect(certificate.subject.text).toBe(view.subject);
      expect(certificate.issuer.text).toBe(view.issuer);
      expect(certificate.notBefore).toBe(view.notBefore);
      expect(certificate.notAfter).toBe(view.notAfter);
      expect(certificate.spkiDer).toEqual(view.spki);
      // The TBSCertificate is the first element inside the outer SEQUENCE, and the signature is the last BIT STRING.
      expect(toHex(der)).toContain(toHex(certificate.tbs));
      expect(toHex(der).endsWith(toHex(certificate.signature))).toBe(true);

      if (view.signatureAlgorithm === "rsassaPss") {
        const digestSalt = /Salt Length: 0x20/.test(view.text);
        expect(certificate.signatureAlgorithm.oid).toBe(Oid.RSASSA_PSS);
        expect(certificate.signatureScheme).toBe(digestSalt ? "rsa_pss_rsae_sha256" : undefined);
      } else {
        expect(certificate.signatureScheme).toBe(schemeByOpensslName[view.signatureAlgorithm]);
      }

      const { extensions } = certificate;
      const san = view.subjectAltName;
      const ours = extensions.subjectAltName;
      if (san === undefined) expect(ours).toBeUndefined();
      else {
        const entries = san.split(", ");
        expect(ours?.dnsNames).toEqual(entries.filter((e) => e.startsWith("DNS:")).map((e) => e.slice(4)));
        expect(ours?.ipAddresses.map(ipText)).toEqual(entries.filter((e) => e.startsWith("IP Address:")).map((e) => e.slice(11)));
      }

      const bc = view.basicConstraints;
      expect(extensions.basicConstraints?.ca).toBe(bc === undefined ? undefined : bc.includes("CA:TRUE"));
      const pathLen = bc === undefined ? undefined : /pathlen:(\d+)/.exec(bc)?.[1];
      expect(extensions.basicConstraints?.pathLenConstraint).toBe(pathLen === undefined ? undefined : Number(pathLen));

      const ku = view.keyUsage?.replace(/^critical /, "").split(", ").map((n) => keyUsageNames[n]);
      expect(extensions.keyUsage === undefined ? undefined : [...extensions.keyUsage].sort()).toEqual(ku?.sort());

      const eku = view.extendedKeyUsage?.split(", ").map((n) => purposeNames[n]);
      expect(extensions.extendedKeyUsage).toEqual(eku);

      expect(extensions.subjectKeyIdentifier === undefined ? undefined : colonHex(extensions.subjectKeyIdentifier)).toBe(view.subjectKeyIdentifier);
      // Without a keyIdentifier, openssl shows the authorityCertIssuer and serial instead, which are not decoded here.
      const aki = view.authorityKeyIdentifier?.replace(/^keyid:/, "").replace(/^DirName:.*/, "") || undefined;
      expect(extensions.authorityKeyIdentifier === undefined ? undefined : colonHex(extensions.authorityKeyIdentifier)).toBe(aki);

      // Every critical extension openssl shows that we do not handle is listed, and only those.
      const critical = [...view.text.matchAll(/\n\s+([\d.]+): critical/g)].map((m) => m[1]);
      expect(extensions.unhandledCritical).toEqual(critical);
    });
  }

  it("decodes each kind of public key as openssl prints it", () => {
    const rsa = parseCertificate(certificateDer("rsa-leaf")).publicKey;
    const modulus = /Modulus:\n([\s\S]*?)\n\s+Exponent: (\d+)/.exec(opensslView("rsa-leaf").text)!;
    expect(rsa).toEqual({ kind: "rsa", n: BigInt(`0x${modulus[1]!.replace(/[\s:]/g, "")}`), e: BigInt(modulus[2]!) });

    for (const [name, curve] of [["ec-leaf", "P-256"], ["p384-leaf", "P-384"]] as const) {
      const key = parseCertificate(certificateDer(name)).publicKey;
      const text = opensslView(name).text;
      const pub = /pub:\n([\s\S]*?)\n\s+ASN1 OID/.exec(text)![1]!.replace(/[\s:]/g, "");
      expect(key).toEqual({ kind: "ec", curve, point: fromHex(pub) });
    }

    const ed = parseCertificate(certificateDer("ed25519-leaf")).publicKey;
    const edText = opensslView("ed25519-leaf").text;
    const edPub = /pub:\n([\s\S]*?)\n\s+X509v3/.exec(edText)![1]!.replace(/[\s:]/g, "");
    expect(ed).toEqual({ kind: "ed25519", key: fromHex(edPub) });
  });

  it("reads the same certificates from PEM", () => {
    const text = CERTIFICATE_NAMES.map((name) => fixtureText(`${name}.pem`)).join("\n");
    const parsed = parseCertificatesPem(text);
    expect(parsed.map((c) => toHex(c.der))).toEqual(CERTIFICATE_NAMES.map((name) => toHex(certificateDer(name))));
  });
});

describe("parseCertificate refuses what RFC 5280 forbids", () => {
  const der = certificateDer("ec-leaf");

  it("trailing bytes after the certificate", () => {
    expect(() => parseCertificate(Uint8Array.of(...der, 0))).toThrow(X509Error);
  });

  it("a signature algorithm that differs inside and outside the TBSCertificate", () => {
    // ecdsa-with-SHA256 (…04 03 02) becomes ecdsa-with-SHA384 (…04 03 03) in the outer field only.
    const hex = toHex(der);
    const oid = "06082a8648ce3d040302";
    const last = hex.lastIndexOf(oid);
    const changed = `${hex.slice(0, last)}06082a8648ce3d040303${hex.slice(last + oid.length)}`;
    expect(() => parseCertificate(fromHex(changed))).toThrow(/signature algorithm differs/);
  });

  it("a duplicate extension", () => {
    const certificate = parseCertificate(der);
    expect(certificate.extensions.list.map((e) => e.oid)).toContain(Oid.subjectKeyIdentifier);
    // Rename the authorityKeyIdentifier (2.5.29.35) to a second subjectKeyIdentifier (2.5.29.14): both are OCTET STRING-shaped enough to decode.
    const hex = toHex(der).replace("0603551d23", "0603551d0e");
    expect(() => parseCertificate(fromHex(hex))).toThrow(/appears twice/);
  });
});

describe("parseCertificate on hostile input", () => {
  const seeds = CERTIFICATE_NAMES.map(certificateDer);

  const returnsOrThrowsX509 = (bytes: Uint8Array): void => {
    try {
      parseCertificate(bytes);
    } catch (error) {
      if (!(error instanceof X509Error)) throw error;
    }
  };

  it("random bytes give a certificate or an X509Error", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), returnsOrThrowsX509), { numRuns: 2000 });
  });

  it("mutated certificates give a certificate or an X509Error", () => {
    const mutation = fc.record({
      seed: fc.integer({ min: 0, max: seeds.length - 1 }),
      edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom("set", "insert", "delete")), { minLength: 1, maxLength: 6 }),
      cut: fc.option(fc.nat()),
    });
    fc.assert(
      fc.property(mutation, ({ seed, edits, cut }) => {
        const bytes = [...seeds[seed]!];
        for (const [at, value, kind] of edits) {
          const index = at % (bytes.length + 1);
          if (kind === "set") bytes[index % bytes.length] = value;
          else if (kind === "insert") bytes.splice(index, 0, value);
          else bytes.splice(index, 1);
        }
        returnsOrThrowsX509(Uint8Array.from(cut === null ? bytes : bytes.slice(0, cut % (bytes.length + 1))));
      }),
      { numRuns: 3000 },
    );
  });
});

describe("the system's CA bundle", () => {
  const bundle = "/etc/ssl/certs/ca-certificates.crt";

  /** OpenSSL's default name output escapes UTF-8 bytes ≥ 0x80 as \\XX (and quotes values with commas, which the test strips). */
  const opensslEscaped = (value: string): string =>
    [...new TextEncoder().encode(value)].map((byte) => (byte >= 0x80 ? `\\${byte.toString(16).toUpperCase()}` : String.fromCharCode(byte))).join("");

  it("parses every certificate in it, with the subject attributes openssl reads", () => {
    const parsed = parseCertificatesPem(readFileSync(bundle, "utf8"));
    const pkcs7 = opensslBytes(["crl2pkcs7", "-nocrl", "-certfile", bundle]);
    const subjects = [...openssl(["pkcs7", "-print_certs", "-noout"], pkcs7).matchAll(/^subject=(.*)$/gm)].map((m) => m[1]!.replace(/"/g, ""));
    expect(parsed.length).toBeGreaterThan(50);
    expect(parsed.length).toBe(subjects.length);
    parsed.forEach((certificate, index) => {
      for (const attribute of certificate.subject.rdns.flat()) expect(subjects[index]).toContain(` = ${opensslEscaped(attribute.value!)}`);
    });
  });
});
