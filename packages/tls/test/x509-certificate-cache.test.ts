import { describe, expect, it } from "vitest";
import { decodeCertificate, MAX_CACHED_CERTIFICATES } from "../src/x509/certificate-cache.js";
import { parseCertificate, X509Error } from "../src/x509/index.js";
import { CERTIFICATE_NAMES, certificateDer } from "./fixtures/x509/fixtures.js";

/** The certificate with the last byte of its serial number set to `serial` (below 256): other DER, still decodable, no longer verifiable. */
function variant(der: Uint8Array, serial: number): Uint8Array {
  const copy = der.slice();
  // The serialNumber INTEGER follows the v3 version field, [0] EXPLICIT INTEGER 2 (a0 03 02 01 02).
  const version = copy.findIndex((_, i) => [0xa0, 0x03, 0x02, 0x01, 0x02].every((byte, j) => copy[i + j] === byte));
  const end = version + 5 + 2 + copy[version + 6]!; // tag, length, contents
  copy[end - 1] = serial;
  return copy;
}

describe("decoded certificate cache", () => {
  const der = certificateDer(CERTIFICATE_NAMES[0]!);

  it("decodes as parseCertificate does and returns the same object for the same bytes", () => {
    const first = decodeCertificate(der);
    expect(first).toEqual(parseCertificate(der));
    expect(decodeCertificate(der.slice())).toBe(first);
  });

  it("keeps a private copy: changing the caller's bytes changes neither the kept certificate nor the lookup", () => {
    const bytes = variant(der, 201);
    const kept = decodeCertificate(bytes);
    const serial = kept.serialNumber;
    bytes.set(variant(der, 202));
    expect(kept.serialNumber).toBe(serial);
    const other = decodeCertificate(bytes);
    expect(other).not.toBe(kept);
    expect(other.serialNumber).not.toBe(serial);
  });

  it("does not keep failures", () => {
    const broken = der.slice(0, der.length - 1);
    expect(() => decodeCertificate(broken)).toThrow(X509Error);
    expect(() => decodeCertificate(broken)).toThrow(X509Error);
  });

  it(`keeps at most ${MAX_CACHED_CERTIFICATES}, dropping the least recently used`, () => {
    const oldest = decodeCertificate(variant(der, 1));
    const recent = decodeCertificate(variant(der, 2));
    for (let serial = 3; serial < MAX_CACHED_CERTIFICATES + 2; serial++) {
      decodeCertificate(variant(der, serial));
      if (serial === MAX_CACHED_CERTIFICATES) expect(decodeCertificate(variant(der, 2))).toBe(recent); // used again: moves to the back
    }
    expect(decodeCertificate(variant(der, 2))).toBe(recent);
    expect(decodeCertificate(variant(der, 1))).not.toBe(oldest);
  });
});
