import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toHex, utf8 } from "@zquic/wire";
import { encodePem, parsePem, X509Error } from "../src/x509/index.js";
import { decodeBase64, encodeBase64 } from "../src/x509/base64.js";
import { pemBlocksLabelled } from "../src/x509/pem.js";
import { certificateDer, fixtureText } from "./fixtures/x509/fixtures.js";

describe("base64 (RFC 4648)", () => {
  // RFC 4648 §10 test vectors.
  const vectors: [string, string][] = [
    ["", ""],
    ["f", "Zg=="],
    ["fo", "Zm8="],
    ["foo", "Zm9v"],
    ["foob", "Zm9vYg=="],
    ["fooba", "Zm9vYmE="],
    ["foobar", "Zm9vYmFy"],
  ];
  for (const [plain, encoded] of vectors) {
    it(`BASE64("${plain}") = "${encoded}"`, () => {
      expect(encodeBase64(utf8(plain))).toBe(encoded);
      expect(decodeBase64(encoded)).toEqual(utf8(plain));
    });
  }

  it("round trips any bytes, and agrees with Node's encoder", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const text = encodeBase64(bytes);
        expect(text).toBe(Buffer.from(bytes).toString("base64"));
        expect(decodeBase64(text)).toEqual(bytes);
      }),
    );
  });

  it.each([
    ["Zg=", "length not a multiple of 4"],
    ["Zh==", "non-zero bits before padding (§3.5)"],
    ["Zm9=", "non-zero bits before a single pad"],
    ["Z===", "three pads"],
    ["====", "only pads"],
    ["Zg==Zg==", "padding in the middle"],
    ["Zm9v!A==", "a character outside the alphabet"],
    ["Zm9-", "the URL-safe alphabet"],
    ["Zm 9v", "whitespace (PEM removes it first)"],
  ])("refuses %j: %s", (text) => expect(() => decodeBase64(text)).toThrow(X509Error));

  it("random text gives bytes or an X509Error", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        try {
          const bytes = decodeBase64(text);
          expect(encodeBase64(bytes)).toBe(text); // strict decoding accepts only canonical text
        } catch (error) {
          if (!(error instanceof X509Error)) throw error;
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe("PEM (RFC 7468)", () => {
  it("reads a fixture as openssl wrote it", () => {
    const [block] = parsePem(fixtureText("ec-leaf.pem"));
    expect(block?.label).toBe("CERTIFICATE");
    expect(block?.der).toEqual(certificateDer("ec-leaf"));
  });

  it("reads every block, skipping explanatory text, tolerating CRLF and indentation", () => {
    const text = [
      "Subject: CN=example",
      "-----BEGIN CERTIFICATE-----\r",
      "  Zm9v\r",
      "\tYmFy\r",
      "-----END CERTIFICATE-----\r",
      "junk between blocks",
      "-----BEGIN PRIVATE KEY-----",
      "Zg==",
      "-----END PRIVATE KEY-----",
      "-----BEGIN X509 CRL-----",
      "-----END X509 CRL-----",
    ].join("\n");
    expect(parsePem(text)).toEqual([
      { label: "CERTIFICATE", der: utf8("foobar") },
      { label: "PRIVATE KEY", der: utf8("f") },
      { label: "X509 CRL", der: new Uint8Array(0) },
    ]);
    expect(pemBlocksLabelled(text, "PRIVATE KEY")).toEqual([utf8("f")]);
    expect(parsePem("no PEM here")).toEqual([]);
  });

  it.each([
    ["-----BEGIN CERTIFICATE-----\nZm9v\n", /no END line/],
    ["-----BEGIN CERTIFICATE-----\nZm9v\n-----END PRIVATE KEY-----\n", /ends with "PRIVATE KEY"/],
    ["-----BEGIN CERTIFICATE\nZm9v\n-----END CERTIFICATE-----\n", /not closed/],
    ["-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nZm9v\n-----END RSA PRIVATE KEY-----\n", /headers/],
    ["-----BEGIN CERTIFICATE-----\nZm9v!A==\n-----END CERTIFICATE-----\n", /outside the alphabet/],
    ["-----BEGIN BAD--LABEL-----\n-----END BAD--LABEL-----\n", /label/],
  ])("refuses %j", (text, message) => expect(() => parsePem(text)).toThrow(message));

  it("writes 64-character lines (§2)", () => {
    const text = encodePem("CERTIFICATE", new Uint8Array(100));
    const lines = text.trimEnd().split("\n");
    expect(lines[0]).toBe("-----BEGIN CERTIFICATE-----");
    expect(lines.slice(1, -1).map((line) => line.length)).toEqual([64, 64, 8]);
    expect(lines[lines.length - 1]).toBe("-----END CERTIFICATE-----");
    expect(() => encodePem("bad-", new Uint8Array(1))).toThrow(X509Error);
  });

  it("writes exactly what openssl writes for a certificate", () => {
    expect(encodePem("CERTIFICATE", certificateDer("rsa-root"))).toBe(fixtureText("rsa-root.pem"));
  });

  it("round trips any label and bytes", () => {
    const label = fc.constantFrom("CERTIFICATE", "PRIVATE KEY", "EC PRIVATE KEY", "X509 CRL", "PUBLIC KEY");
    fc.assert(
      fc.property(fc.array(fc.tuple(label, fc.uint8Array({ maxLength: 200 })), { maxLength: 3 }), (blocks) => {
        const text = blocks.map(([name, der]) => encodePem(name, der)).join("");
        expect(parsePem(text).map((block) => [block.label, toHex(block.der)])).toEqual(blocks.map(([name, der]) => [name, toHex(der)]));
      }),
    );
  });

  it("random text gives blocks or an X509Error", () => {
    const noisy = fc.array(fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom("-----BEGIN A-----", "-----END A-----", "\n", "Zm9v", "-----", ":")), { maxLength: 12 });
    fc.assert(
      fc.property(noisy, (parts) => {
        try {
          parsePem(parts.join(""));
        } catch (error) {
          if (!(error instanceof X509Error)) throw error;
        }
      }),
      { numRuns: 3000 },
    );
  });
});
