/**
 * Distinguished names (RFC 5280 §4.1.2.4): decoding, the comparison form of
 * RFC 5280 §7.1, the string form of RFC 4514, and encoding for generated
 * certificates.
 *
 * @module
 */
import { toHex } from "@zquic/wire";
import { children, decodeOid, decodeString, isStringTag, Tag, type DerElement } from "./asn1.js";
import { encodeAsciiString, encodeOid, encodeSequence, encodeSetOf, encodeUtf8String } from "./der-writer.js";
import { Oid } from "./oids.js";

/** One AttributeTypeAndValue of a name. */
export interface NameAttribute {
  /** The attribute type OID, e.g. `2.5.4.3` (commonName). */
  readonly type: string;
  /** The value as text when it is a character string, else `undefined`. */
  readonly value: string | undefined;
  /** The value element, DER. */
  readonly valueDer: Uint8Array;
}

/** A decoded Name. */
export interface DistinguishedName {
  /** The whole Name, DER. */
  readonly der: Uint8Array;
  /** The relative distinguished names in certificate order (most significant first). */
  readonly rdns: readonly (readonly NameAttribute[])[];
  /** RFC 5280 §7.1 comparison form: equal for names that match, different otherwise. */
  readonly canonical: string;
  /** RFC 4514 string form, e.g. `CN=example.com,O=Example,C=US`. */
  readonly text: string;
}

/** RFC 4514 §3: the short names a string representation uses, by OID. */
const shortNames: ReadonlyMap<string, string> = new Map([
  [Oid.commonName, "CN"],
  [Oid.localityName, "L"],
  [Oid.stateOrProvinceName, "ST"],
  [Oid.organizationName, "O"],
  [Oid.organizationalUnitName, "OU"],
  [Oid.countryName, "C"],
  [Oid.streetAddress, "STREET"],
  [Oid.domainComponent, "DC"],
  [Oid.userId, "UID"],
]);

/** Name ::= SEQUENCE OF RelativeDistinguishedName; RDN ::= SET SIZE (1..MAX) OF AttributeTypeAndValue. */
export function decodeName(element: DerElement): DistinguishedName {
  const reader = children(element, Tag.SEQUENCE, "Name");
  const rdns: NameAttribute[][] = [];
  while (!reader.done) {
    const set = children(reader.read(Tag.SET, "RelativeDistinguishedName"), Tag.SET, "RelativeDistinguishedName");
    const rdn: NameAttribute[] = [];
    do {
      const attribute = children(set.read(Tag.SEQUENCE, "AttributeTypeAndValue"), Tag.SEQUENCE, "AttributeTypeAndValue");
      const type = decodeOid(attribute.read(Tag.OBJECT_IDENTIFIER, "AttributeType"));
      const valueElement = attribute.next();
      attribute.end("AttributeTypeAndValue");
      const value = isStringTag(valueElement.tag) ? decodeString(valueElement) : undefined;
      rdn.push({ type, value, valueDer: valueElement.encoded });
    } while (!set.done);
    rdns.push(rdn);
  }
  return { der: element.encoded, rdns, canonical: canonicalForm(rdns), text: rfc4514(rdns) };
}

/**
 * RFC 5280 §7.1 (with RFC 4518 string preparation simplified to NFKC, case
 * folding and whitespace collapsing): attributes of one RDN are unordered,
 * string values compare case-insensitively, other values byte for byte.
 */
function canonicalForm(rdns: readonly (readonly NameAttribute[])[]): string {
  return rdns
    .map((rdn) =>
      rdn
        .map(({ type, value, valueDer }) => JSON.stringify([type, value === undefined ? `#${toHex(valueDer)}` : prepare(value)]))
        .sort()
        .join("+"),
    )
    .join(",");
}

function prepare(value: string): string {
  return value.normalize("NFKC").toLowerCase().trim().replace(/\s+/g, " ");
}

/** RFC 4514 §2: last RDN first, `+` inside an RDN, values escaped per §2.4. */
function rfc4514(rdns: readonly (readonly NameAttribute[])[]): string {
  return [...rdns]
    .reverse()
    .map((rdn) =>
      rdn.map(({ type, value, valueDer }) => `${shortNames.get(type) ?? type}=${value === undefined ? `#${toHex(valueDer)}` : escapeValue(value)}`).join("+"),
    )
    .join(",");
}

/** RFC 4514 §2.4: backslash the special characters, a leading `#` or space, a trailing space, and NUL. */
function escapeValue(value: string): string {
  return value
    .replace(/[\\",+;<>]/g, (c) => `\\${c}`)
    .replace(/\0/g, "\\00")
    .replace(/^[ #]/, (c) => `\\${c}`)
    .replace(/ $/, "\\ ");
}

/**
 * A Name with one attribute per RDN, in the order given. RFC 5280 Appendix A:
 * countryName is a PrintableString; the others are written as UTF8String
 * (RFC 5280 §4.1.2.4).
 */
export function encodeName(attributes: readonly { readonly type: string; readonly value: string }[]): Uint8Array {
  return encodeSequence(
    ...attributes.map(({ type, value }) =>
      encodeSetOf(encodeSequence(encodeOid(type), type === Oid.countryName ? encodeAsciiString(value, Tag.PrintableString) : encodeUtf8String(value))),
    ),
  );
}
