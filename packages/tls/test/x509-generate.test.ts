import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { nobleProvider, type RandomSource } from "@zquic/crypto";
import {
  CertificateAlert,
  chainVerifier,
  generateCertificate,
  generateSelfSigned,
  parseCertificate,
  parsePem,
  parsePrivateKey,
  type GeneratedCertificate,
} from "../src/x509/index.js";
import { fixturePath, NOW, openssl } from "./fixtures/x509/fixtures.js";

const provider = nobleProvider;
const validity = { notBefore: Date.UTC(2025, 0, 1), notAfter: Date.UTC(2125, 0, 1) };

/** A deterministic random source (xorshift32), so generated certificates are reproducible. */
function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0 || 1;
  return (length) =>
    Uint8Array.from({ length }, () => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return state & 0xff;
    });
}

const directory = mkdtempSync(join(tmpdir(), "zquic-x509-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

let gnutlsBinary: string | undefined;

/** fixtures/x509/gnutls-handshake.c, compiled once against the system's GnuTLS (libgnutls28-dev). */
function gnutlsHandshake(): string {
  if (gnutlsBinary !== undefined) return gnutlsBinary;
  const binary = join(directory, "gnutls-handshake");
  const flags = spawnSync("pkg-config", ["--cflags", "--libs", "gnutls"]).stdout.toString().trim().split(/\s+/);
  const build = spawnSync("cc", [fixturePath("gnutls-handshake.c"), "-o", binary, ...flags]);
  if (build.status !== 0) throw new Error(`cannot build the GnuTLS check: ${build.stderr.toString()}`);
  gnutlsBinary = binary;
  return binary;
}

/** Writes `generated` to the temporary directory as <name>.pem and <name>.key; returns the two paths. */
function save(name: string, generated: GeneratedCertificate): { cert: string; key: string } {
  const cert = join(directory, `${name}.pem`);
  const key = join(directory, `${name}.key`);
  writeFileSync(cert, generated.certificatePem);
  writeFileSync(key, generated.privateKeyPem);
  return { cert, key };
}

for (const keyType of ["p256", "ed25519"] as const) {
  describe(`generated ${keyType} certificates`, () => {
    const hosts = ["localhost", "127.0.0.1", "::1", "*.test.example"];
    const selfSigned = generateSelfSigned({ keyType, hosts, ...validity, provider, random: seededRandom(7) });
    const ca = generateCertificate({ keyType, hosts: [], commonName: `zquic ${keyType} test CA`, isCA: true, pathLenConstraint: 0, ...validity, provider, random: seededRandom(8) });
    const leaf = generateCertificate({ keyType, hosts: ["server.test"], issuer: ca, ...validity, provider, random: seededRandom(9) });
    const files = { selfSigned: save(`${keyType}-self`, selfSigned), ca: save(`${keyType}-ca`, ca), leaf: save(`${keyType}-leaf`, leaf) };

    it("openssl x509 -text reads them, with the SANs and extensions asked for", () => {
      const text = openssl(["x509", "-in", files.selfSigned.cert, "-noout", "-text"]);
      expect(text).toContain("DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:*.test.example");
      expect(text).toContain("Version: 3 (0x2)");
      expect(text).toMatch(/Basic Constraints: critical\s+CA:FALSE/);
      expect(text).toMatch(/Key Usage: critical\s+Digital Signature\n/);
      expect(text).toContain("TLS Web Server Authentication, TLS Web Client Authentication");
      expect(text).toContain("Not After : Jan  1 00:00:00 2125 GMT");
      const caText = openssl(["x509", "-in", files.ca.cert, "-noout", "-text"]);
      expect(caText).toMatch(/Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
      expect(caText).toMatch(/Key Usage: critical\s+Digital Signature, Certificate Sign, CRL Sign/);
    });

    it("openssl verify accepts the self-signed certificate and the CA-issued leaf", () => {
      expect(openssl(["verify", "-CAfile", files.selfSigned.cert, files.selfSigned.cert]).trim()).toBe(`${files.selfSigned.cert}: OK`);
      expect(openssl(["verify", "-CAfile", files.ca.cert, "-purpose", "sslserver", files.leaf.cert]).trim()).toBe(`${files.leaf.cert}: OK`);
    });

    it("openssl reads the PKCS#8 key and it matches the certificate", () => {
      const fromKey = openssl(["pkey", "-in", files.leaf.key, "-pubout"]);
      const fromCert = openssl(["x509", "-in", files.leaf.cert, "-noout", "-pubkey"]);
      expect(fromKey).toBe(fromCert);
      expect(parsePrivateKey(leaf.privateKeyPem)).toEqual(leaf.privateKey);
    });

    it("chainVerifier accepts them and checks the names", () => {
      const selfTrust = chainVerifier({ trustAnchors: selfSigned.certificatePem, provider });
      for (const serverName of ["localhost", "127.0.0.1", "::1", "a.test.example"]) {
        expect(selfTrust.verify({ chain: [selfSigned.certificate.der], serverName, now: NOW, purpose: "server" })).toEqual({ ok: true });
      }
      const caTrust = chainVerifier({ trustAnchors: [ca.certificate], provider });
      expect(caTrust.verify({ chain: [leaf.certificate.der], serverName: "server.test", now: NOW, purpose: "server" })).toEqual({ ok: true });
      expect(caTrust.verify({ chain: [leaf.certificate.der], serverName: "localhost", now: NOW, purpose: "server" })).toMatchObject({
        ok: false,
        alert: CertificateAlert.bad_certificate,
      });
      // The CA's pathLenConstraint of 0 forbids an intermediate below it.
      const intermediate = generateCertificate({ keyType, hosts: [], isCA: true, issuer: ca, ...validity, provider, random: seededRandom(10) });
      const deepLeaf = generateCertificate({ keyType, hosts: ["server.test"], issuer: intermediate, ...validity, provider, random: seededRandom(11) });
      const outcome = caTrust.verify({ chain: [deepLeaf.certificate.der, intermediate.certificate.der], now: NOW, purpose: "server" });
      expect(outcome).toMatchObject({ ok: false, alert: CertificateAlert.bad_certificate });
    });

    it("is reproducible from the random source", () => {
      const again = generateSelfSigned({ keyType, hosts, ...validity, provider, random: seededRandom(7) });
      expect(again.certificatePem).toBe(selfSigned.certificatePem);
      expect(again.privateKeyPem).toBe(selfSigned.privateKeyPem);
      const other = generateSelfSigned({ keyType, hosts, ...validity, provider, random: seededRandom(70) });
      expect(other.certificatePem).not.toBe(selfSigned.certificatePem);
    });

    it("GnuTLS, under ngtcp2's gtlsclient, loads the key and verifies the chain in a TLS 1.3 handshake", () => {
      const run = (ca: string, cert: string, key: string, hostname: string) => spawnSync(gnutlsHandshake(), [ca, cert, key, hostname], { timeout: 20_000 });
      const good = run(files.ca.cert, files.leaf.cert, files.leaf.key, "server.test");
      expect(good.stderr.toString()).toBe("");
      expect(good.stdout.toString().trim()).toBe("OK");
      expect(run(files.selfSigned.cert, files.selfSigned.cert, files.selfSigned.key, "localhost").stdout.toString().trim()).toBe("OK");
      const wrongName = run(files.ca.cert, files.leaf.cert, files.leaf.key, "other.test");
      expect(wrongName.status).toBe(1);
      expect(wrongName.stderr.toString()).toContain("does not match");
    });

    it("a real TLS 1.3 stack (openssl s_server / s_client) accepts the leaf and key", async () => {
      const port = 20_000 + Math.floor(Math.random() * 20_000);
      const server = spawn("openssl", ["s_server", "-tls1_3", "-naccept", "1", "-accept", `127.0.0.1:${port}`, "-cert", files.leaf.cert, "-key", files.leaf.key]);
      try {
        await new Promise<void>((resolve, reject) => {
          server.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("ACCEPT") && resolve());
          server.on("exit", (code) => reject(new Error(`s_server exited with ${code}`)));
        });
        const client = spawnSync(
          "openssl",
          ["s_client", "-tls1_3", "-brief", "-connect", `127.0.0.1:${port}`, "-CAfile", files.ca.cert, "-verify_return_error", "-verify_hostname", "server.test", "-servername", "server.test"],
          { input: "", timeout: 20_000 },
        );
        expect(client.stderr.toString()).toContain("Verification: OK");
        expect(client.status).toBe(0);
      } finally {
        server.kill();
      }
    });
  });
}

describe("generation options", () => {
  const base = { keyType: "p256" as const, ...validity, provider, random: seededRandom(3) };

  it("uses the first host as the commonName and parses back", () => {
    const generated = generateSelfSigned({ ...base, hosts: ["example.test"] });
    expect(generated.certificate.subject.text).toBe("CN=example.test");
    expect(parseCertificate(parsePem(generated.certificatePem)[0]!.der).der).toEqual(generated.certificate.der);
    expect(generated.certificate.notBefore).toBe(validity.notBefore);
    expect(generated.certificate.notAfter).toBe(validity.notAfter);
    expect(generated.certificate.serialNumber > 0n).toBe(true);
  });

  it("refuses hosts that are neither IP literals nor ASCII DNS names, and inverted validity", () => {
    expect(() => generateSelfSigned({ ...base, hosts: ["bücher.example"] })).toThrow(/A-labels/);
    expect(() => generateSelfSigned({ ...base, hosts: ["a b"] })).toThrow(/neither an IP literal/);
    expect(() => generateSelfSigned({ ...base, hosts: ["x.test"], notBefore: validity.notAfter, notAfter: validity.notBefore })).toThrow(/notBefore/);
  });
});
