/**
 * AlgorithmIdentifier (RFC 5280 §4.1.1.2) and the mapping between certificate
 * signature algorithms and the provider's TLS SignatureScheme names.
 *
 * @module
 */
import type { SignatureAlgorithm } from "@zquic/crypto";
import { children, contextTag, decodeOid, decodeSmallInteger, explicitInner, Tag, type DerElement } from "./asn1.js";
import { encodeExplicit, encodeInteger, encodeNull, encodeOid, encodeSequence } from "./der-writer.js";
import { X509Error } from "./errors.js";
import { Oid } from "./oids.js";

/** An algorithm OID and its parameters, if any. */
export interface AlgorithmIdentifier {
  /** Dotted OID, e.g. `1.2.840.10045.4.3.2`. */
  readonly oid: string;
  /** The parameters element, or `undefined` when absent. */
  readonly parameters: DerElement | undefined;
  /** The whole AlgorithmIdentifier, DER. */
  readonly der: Uint8Array;
}

/** AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL } */
export function decodeAlgorithmIdentifier(element: DerElement): AlgorithmIdentifier {
  const reader = children(element, Tag.SEQUENCE, "AlgorithmIdentifier");
  const oid = decodeOid(reader.read(Tag.OBJECT_IDENTIFIER, "AlgorithmIdentifier.algorithm"));
  const parameters = reader.done ? undefined : reader.next();
  reader.end("AlgorithmIdentifier");
  return { oid, parameters, der: element.encoded };
}

/** An AlgorithmIdentifier with already-encoded `parameters` (omitted when `undefined`). */
export function encodeAlgorithmIdentifier(oid: string, parameters?: Uint8Array): Uint8Array {
  return parameters === undefined ? encodeSequence(encodeOid(oid)) : encodeSequence(encodeOid(oid), parameters);
}

/** How an algorithm's parameters must look (RFC 8017 Appendix C, RFC 5758 §3.2, RFC 8410 §3). */
type ParameterRule = "absent" | "absent-or-null";

/** Signature algorithms whose parameters are fixed, by OID. */
const fixedSchemes: ReadonlyMap<string, { readonly scheme: SignatureAlgorithm; readonly parameters: ParameterRule }> = new Map([
  [Oid.ecdsaWithSHA256, { scheme: "ecdsa_secp256r1_sha256", parameters: "absent" }],
  [Oid.ecdsaWithSHA384, { scheme: "ecdsa_secp384r1_sha384", parameters: "absent" }],
  [Oid.Ed25519, { scheme: "ed25519", parameters: "absent" }],
  // RFC 4055 §5 says NULL; some encoders omit it, and both are unambiguous.
  [Oid.sha256WithRSAEncryption, { scheme: "rsa_pkcs1_sha256", parameters: "absent-or-null" }],
  [Oid.sha384WithRSAEncryption, { scheme: "rsa_pkcs1_sha384", parameters: "absent-or-null" }],
  [Oid.sha512WithRSAEncryption, { scheme: "rsa_pkcs1_sha512", parameters: "absent-or-null" }],
] as const);

/**
 * RSASSA-PSS hashes TLS 1.3 can check (RFC 8446 §4.2.3: MGF1 over the same
 * hash, salt as long as the hash), with that salt length.
 */
const pssSchemes: ReadonlyMap<string, { readonly saltLength: number; readonly scheme: SignatureAlgorithm }> = new Map([
  [Oid.sha256, { saltLength: 32, scheme: "rsa_pss_rsae_sha256" }],
  [Oid.sha384, { saltLength: 48, scheme: "rsa_pss_rsae_sha384" }],
  [Oid.sha512, { saltLength: 64, scheme: "rsa_pss_rsae_sha512" }],
] as const);

function isNull(element: DerElement): boolean {
  return element.tag === Tag.NULL && element.contents.length === 0;
}

function parametersMatch(parameters: DerElement | undefined, rule: ParameterRule): boolean {
  return parameters === undefined || (rule === "absent-or-null" && isNull(parameters));
}

/**
 * The TLS SignatureScheme that checks signatures made with `algorithm`, or
 * `undefined` when the algorithm or its parameters are not supported.
 * Malformed RSASSA-PSS parameters throw {@link X509Error}.
 */
export function signatureSchemeOf(algorithm: AlgorithmIdentifier): SignatureAlgorithm | undefined {
  if (algorithm.oid === Oid.RSASSA_PSS) return pssScheme(algorithm.parameters);
  const fixed = fixedSchemes.get(algorithm.oid);
  return fixed !== undefined && parametersMatch(algorithm.parameters, fixed.parameters) ? fixed.scheme : undefined;
}

/**
 * RFC 4055 §3.1: RSASSA-PSS-params ::= SEQUENCE { hashAlgorithm [0], maskGenAlgorithm [1],
 * saltLength [2], trailerField [3] }, all with defaults (SHA-1, MGF1-SHA-1, 20, 1).
 */
function pssScheme(parameters: DerElement | undefined): SignatureAlgorithm | undefined {
  if (parameters === undefined) throw new X509Error("RSASSA-PSS requires parameters");
  const reader = children(parameters, Tag.SEQUENCE, "RSASSA-PSS-params");
  const fields = [0, 1, 2, 3].map((n) => reader.optional(contextTag(n, true)));
  reader.end("RSASSA-PSS-params");
  const [hashField, mgfField, saltField, trailerField] = fields;
  // The SHA-1 defaults have no TLS 1.3 scheme.
  if (hashField === undefined || mgfField === undefined || saltField === undefined) return undefined;
  const hash = hashOid(decodeAlgorithmIdentifier(explicitInner(hashField, "hashAlgorithm")));
  const mgf = decodeAlgorithmIdentifier(explicitInner(mgfField, "maskGenAlgorithm"));
  const saltLength = decodeSmallInteger(explicitInner(saltField, "saltLength"), 0xffff);
  const trailer = trailerField === undefined ? 1 : decodeSmallInteger(explicitInner(trailerField, "trailerField"), 0xffff);
  if (mgf.oid !== Oid.id_mgf1 || mgf.parameters === undefined) return undefined;
  const mgfHash = hashOid(decodeAlgorithmIdentifier(mgf.parameters));
  const entry = hash === undefined ? undefined : pssSchemes.get(hash);
  if (entry === undefined || mgfHash !== hash || saltLength !== entry.saltLength || trailer !== 1) return undefined;
  return entry.scheme;
}

/** RFC 4055 §2.1: a hash identifier's parameters are absent or NULL. */
function hashOid(algorithm: AlgorithmIdentifier): string | undefined {
  return parametersMatch(algorithm.parameters, "absent-or-null") ? algorithm.oid : undefined;
}

/** The AlgorithmIdentifier (DER) that names signatures made with `scheme` in a certificate. */
export function encodeSignatureAlgorithm(scheme: SignatureAlgorithm): Uint8Array {
  for (const [oid, fixed] of fixedSchemes) {
    if (fixed.scheme === scheme) return encodeAlgorithmIdentifier(oid, fixed.parameters === "absent" ? undefined : encodeNull());
  }
  for (const [hash, { saltLength, scheme: pss }] of pssSchemes) {
    if (pss !== scheme) continue;
    const hashAlgorithm = encodeAlgorithmIdentifier(hash);
    return encodeAlgorithmIdentifier(
      Oid.RSASSA_PSS,
      encodeSequence(
        encodeExplicit(0, hashAlgorithm),
        encodeExplicit(1, encodeAlgorithmIdentifier(Oid.id_mgf1, hashAlgorithm)),
        encodeExplicit(2, encodeInteger(saltLength)),
      ),
    );
  }
  throw new X509Error(`no certificate signature algorithm for ${scheme}`);
}
