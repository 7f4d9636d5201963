/**
 * Certificate extensions (RFC 5280 §4.2) that path validation and name
 * matching need. Each known extension has one decoder in a table; unknown
 * critical extensions are listed so that verification can refuse the
 * certificate (RFC 5280 §4.2: "MUST reject").
 *
 * @module
 */
import {
  children,
  contextTag,
  decodeBitString,
  decodeBoolean,
  decodeIa5String,
  decodeOctetString,
  decodeOid,
  decodeSmallInteger,
  readDer,
  Tag,
  type DerElement,
} from "./asn1.js";
import { X509Error } from "./errors.js";
import { Oid } from "./oids.js";

/** One extension as it appears in the certificate. */
export interface Extension {
  readonly oid: string;
  readonly critical: boolean;
  /** The extnValue contents: the DER of the extension's own structure. */
  readonly value: Uint8Array;
}

/** RFC 5280 §4.2.1.9. */
export interface BasicConstraints {
  readonly ca: boolean;
  /** How many non-self-issued intermediate certificates may follow this one, if limited. */
  readonly pathLenConstraint: number | undefined;
}

/** RFC 5280 §4.2.1.3: the KeyUsage bits, by bit number. */
export const KEY_USAGE_BITS = [
  "digitalSignature",
  "nonRepudiation",
  "keyEncipherment",
  "dataEncipherment",
  "keyAgreement",
  "keyCertSign",
  "cRLSign",
  "encipherOnly",
  "decipherOnly",
] as const;

/** One KeyUsage bit's name. */
export type KeyUsageName = (typeof KEY_USAGE_BITS)[number];

/** The subjectAltName entries that identify a TLS peer (RFC 5280 §4.2.1.6). */
export interface SubjectAltName {
  /** dNSName entries, as written (IA5String). */
  readonly dnsNames: readonly string[];
  /** iPAddress entries: 4 bytes (IPv4) or 16 bytes (IPv6). */
  readonly ipAddresses: readonly Uint8Array[];
}

/** The extensions of a certificate, decoded where this package understands them. */
export interface CertificateExtensions {
  /** Every extension, in certificate order. */
  readonly list: readonly Extension[];
  readonly subjectAltName?: SubjectAltName;
  readonly basicConstraints?: BasicConstraints;
  readonly keyUsage?: ReadonlySet<KeyUsageName>;
  /** KeyPurposeId OIDs (RFC 5280 §4.2.1.12). */
  readonly extendedKeyUsage?: readonly string[];
  readonly subjectKeyIdentifier?: Uint8Array;
  /** The keyIdentifier field of authorityKeyIdentifier (RFC 5280 §4.2.1.1). */
  readonly authorityKeyIdentifier?: Uint8Array;
  /** OIDs of critical extensions this package does not process; a certificate with any is unusable. */
  readonly unhandledCritical: readonly string[];
}

/** {@link CertificateExtensions} while the decoders fill it in. */
type Decoding = { -readonly [K in keyof CertificateExtensions]: CertificateExtensions[K] };

/** GeneralName (RFC 5280 §4.2.1.6) CHOICE tags. */
const GeneralNameTag = {
  otherName: contextTag(0, true),
  rfc822Name: contextTag(1, false),
  dNSName: contextTag(2, false),
  x400Address: contextTag(3, true),
  directoryName: contextTag(4, true),
  ediPartyName: contextTag(5, true),
  uniformResourceIdentifier: contextTag(6, false),
  iPAddress: contextTag(7, false),
  registeredID: contextTag(8, false),
} as const;

const generalNameTags: ReadonlySet<number> = new Set(Object.values(GeneralNameTag));

/** A SEQUENCE SIZE (1..MAX) OF something, read element by element. */
function nonEmptySequence(element: DerElement, what: string): DerElement[] {
  const reader = children(element, Tag.SEQUENCE, what);
  const items: DerElement[] = [];
  while (!reader.done) items.push(reader.next());
  if (items.length === 0) throw new X509Error(`${what} must not be empty`);
  return items;
}

function decodeSubjectAltName(element: DerElement): SubjectAltName {
  const dnsNames: string[] = [];
  const ipAddresses: Uint8Array[] = [];
  for (const name of nonEmptySequence(element, "GeneralNames")) {
    if (!generalNameTags.has(name.tag)) throw new X509Error(`GeneralName with unknown tag 0x${name.tag.toString(16)}`);
    if (name.tag === GeneralNameTag.dNSName) dnsNames.push(decodeIa5String(name, GeneralNameTag.dNSName));
    if (name.tag === GeneralNameTag.iPAddress) {
      const address = decodeOctetString(name, GeneralNameTag.iPAddress);
      if (address.length !== 4 && address.length !== 16) throw new X509Error(`iPAddress of ${address.length} bytes`);
      ipAddresses.push(address);
    }
  }
  return { dnsNames, ipAddresses };
}

/** BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER (0..MAX) OPTIONAL } */
function decodeBasicConstraints(element: DerElement): BasicConstraints {
  const reader = children(element, Tag.SEQUENCE, "BasicConstraints");
  const caField = reader.optional(Tag.BOOLEAN);
  const pathField = reader.optional(Tag.INTEGER);
  reader.end("BasicConstraints");
  return {
    // An explicit FALSE is not DER, but widely issued; it means the same.
    ca: caField !== undefined && decodeBoolean(caField),
    pathLenConstraint: pathField === undefined ? undefined : decodeSmallInteger(pathField, 0x7fffffff),
  };
}

/** KeyUsage ::= BIT STRING, bit 0 first (the most significant bit of the first octet). */
function decodeKeyUsage(element: DerElement): ReadonlySet<KeyUsageName> {
  const { bytes } = decodeBitString(element);
  const usages = new Set<KeyUsageName>();
  KEY_USAGE_BITS.forEach((name, bit) => {
    if (((bytes[bit >> 3] ?? 0) & (0x80 >> (bit & 7))) !== 0) usages.add(name);
  });
  return usages;
}

/** AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] OPTIONAL, authorityCertIssuer [1] OPTIONAL, authorityCertSerialNumber [2] OPTIONAL } */
function decodeAuthorityKeyIdentifier(element: DerElement): Uint8Array | undefined {
  const reader = children(element, Tag.SEQUENCE, "AuthorityKeyIdentifier");
  const keyIdentifier = reader.optional(contextTag(0, false));
  reader.optional(contextTag(1, true));
  reader.optional(contextTag(2, false));
  reader.end("AuthorityKeyIdentifier");
  return keyIdentifier === undefined ? undefined : decodeOctetString(keyIdentifier, contextTag(0, false));
}

/** The extensions this package processes, and how each fills in its part of {@link CertificateExtensions}. */
const decoders: ReadonlyMap<string, (value: DerElement, into: Decoding) => void> = new Map([
  [Oid.subjectAltName, (value: DerElement, into: Decoding) => void (into.subjectAltName = decodeSubjectAltName(value))],
  [Oid.basicConstraints, (value: DerElement, into: Decoding) => void (into.basicConstraints = decodeBasicConstraints(value))],
  [Oid.keyUsage, (value: DerElement, into: Decoding) => void (into.keyUsage = decodeKeyUsage(value))],
  [Oid.extKeyUsage, (value: DerElement, into: Decoding) => void (into.extendedKeyUsage = nonEmptySequence(value, "ExtKeyUsageSyntax").map(decodeOid))],
  [Oid.subjectKeyIdentifier, (value: DerElement, into: Decoding) => void (into.subjectKeyIdentifier = decodeOctetString(value))],
  [Oid.authorityKeyIdentifier, (value: DerElement, into: Decoding) => void (into.authorityKeyIdentifier = decodeAuthorityKeyIdentifier(value))],
]);

/**
 * Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension, where
 * Extension ::= SEQUENCE { extnID OBJECT IDENTIFIER, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }.
 * `element` is undefined when the certificate has no extensions.
 */
export function decodeExtensions(element: DerElement | undefined): CertificateExtensions {
  const list: Extension[] = [];
  const unhandledCritical: string[] = [];
  const extensions: Decoding = { list, unhandledCritical };
  for (const item of element === undefined ? [] : nonEmptySequence(element, "Extensions")) {
    const reader = children(item, Tag.SEQUENCE, "Extension");
    const oid = decodeOid(reader.read(Tag.OBJECT_IDENTIFIER, "extnID"));
    const criticalField = reader.optional(Tag.BOOLEAN);
    const value = decodeOctetString(reader.read(Tag.OCTET_STRING, "extnValue"));
    reader.end("Extension");
    const critical = criticalField !== undefined && decodeBoolean(criticalField);
    // RFC 5280 §4.2: "A certificate MUST NOT include more than one instance of a particular extension."
    if (list.some((extension) => extension.oid === oid)) throw new X509Error(`extension ${oid} appears twice`);
    list.push({ oid, critical, value });
    const decode = decoders.get(oid);
    if (decode !== undefined) decode(readDer(value), extensions);
    else if (critical) unhandledCritical.push(oid);
  }
  return extensions;
}
