/**
 * Extensions (RFC 8446 §4.2): the extension block codec, the table of which
 * message each extension may appear in, and the typed extension lists of each
 * message. Unknown extensions (and GREASE) are kept as bytes, in order, so a
 * decoded message re-encodes byte for byte.
 *
 * @module
 */
import type { Reader, Writer } from "@zquic/wire";
import { fromUtf8Strict, utf8 } from "@zquic/wire";
import { alert } from "../alert.js";
import { isGrease } from "../grease.js";
import { expectEnd, tlsReader } from "./handshake.js";
import { readOpaque, readU16List, readU8List, readVector, writeU16List, writeU8List } from "./vectors.js";

/** RFC 8446 §4.2 ExtensionType, plus quic_transport_parameters (RFC 9001 §8.2). */
export const ExtensionType = {
  server_name: 0,
  max_fragment_length: 1,
  status_request: 5,
  supported_groups: 10,
  signature_algorithms: 13,
  use_srtp: 14,
  heartbeat: 15,
  application_layer_protocol_negotiation: 16,
  signed_certificate_timestamp: 18,
  client_certificate_type: 19,
  server_certificate_type: 20,
  padding: 21,
  pre_shared_key: 41,
  early_data: 42,
  supported_versions: 43,
  cookie: 44,
  psk_key_exchange_modes: 45,
  certificate_authorities: 47,
  oid_filters: 48,
  post_handshake_auth: 49,
  signature_algorithms_cert: 50,
  key_share: 51,
  quic_transport_parameters: 0x39,
} as const;

/** A name from {@link ExtensionType}. */
export type ExtensionName = keyof typeof ExtensionType;

/** RFC 8446 §4.2.9: PskKeyExchangeMode. */
export const PskKeyExchangeMode = { psk_ke: 0, psk_dhe_ke: 1 } as const;

/** The messages that carry extensions, by the abbreviations of RFC 8446 §4.2. */
export type ExtensionContext = "CH" | "SH" | "HRR" | "EE" | "CR" | "CT" | "NST";

/** RFC 8446 §4.2 (table) and RFC 9001 §8.2: where each known extension may appear. */
const allowedIn: Readonly<Record<ExtensionName, readonly ExtensionContext[]>> = {
  server_name: ["CH", "EE"],
  max_fragment_length: ["CH", "EE"],
  status_request: ["CH", "CR", "CT"],
  supported_groups: ["CH", "EE"],
  signature_algorithms: ["CH", "CR"],
  use_srtp: ["CH", "EE"],
  heartbeat: ["CH", "EE"],
  application_layer_protocol_negotiation: ["CH", "EE"],
  signed_certificate_timestamp: ["CH", "CR", "CT"],
  client_certificate_type: ["CH", "EE"],
  server_certificate_type: ["CH", "EE"],
  padding: ["CH"],
  key_share: ["CH", "SH", "HRR"],
  pre_shared_key: ["CH", "SH"],
  psk_key_exchange_modes: ["CH"],
  early_data: ["CH", "EE", "NST"],
  cookie: ["CH", "HRR"],
  supported_versions: ["CH", "SH", "HRR"],
  certificate_authorities: ["CH", "CR"],
  oid_filters: ["CR"],
  post_handshake_auth: ["CH"],
  signature_algorithms_cert: ["CH", "CR"],
  quic_transport_parameters: ["CH", "EE"],
};

const namesByCode = new Map<number, ExtensionName>(
  (Object.entries(ExtensionType) as [ExtensionName, number][]).map(([name, code]) => [code, name]),
);

/** An extension this stack does not interpret (unknown, GREASE, or not needed), kept as bytes. */
export interface UnknownExtension {
  readonly type: "unknown";
  readonly code: number;
  readonly data: Uint8Array;
}

/** RFC 8446 §4.2.8: one key share. */
export interface KeyShareEntry {
  readonly group: number;
  readonly keyExchange: Uint8Array;
}

/** RFC 8446 §4.2.11: one offered PSK identity. */
export interface PskIdentity {
  readonly identity: Uint8Array;
  readonly obfuscatedTicketAge: number;
}

/** Extensions of a ClientHello. */
export type ClientHelloExtension =
  | { readonly type: "server_name"; readonly hostName: string }
  | { readonly type: "supported_groups"; readonly groups: readonly number[] }
  | { readonly type: "signature_algorithms"; readonly schemes: readonly number[] }
  | { readonly type: "signature_algorithms_cert"; readonly schemes: readonly number[] }
  | { readonly type: "application_layer_protocol_negotiation"; readonly protocols: readonly Uint8Array[] }
  | { readonly type: "key_share"; readonly shares: readonly KeyShareEntry[] }
  | { readonly type: "supported_versions"; readonly versions: readonly number[] }
  | { readonly type: "psk_key_exchange_modes"; readonly modes: readonly number[] }
  | { readonly type: "pre_shared_key"; readonly identities: readonly PskIdentity[]; readonly binders: readonly Uint8Array[] }
  | { readonly type: "early_data" }
  | { readonly type: "cookie"; readonly cookie: Uint8Array }
  | { readonly type: "quic_transport_parameters"; readonly parameters: Uint8Array }
  | UnknownExtension;

/** Extensions of a ServerHello. */
export type ServerHelloExtension =
  | { readonly type: "key_share"; readonly share: KeyShareEntry }
  | { readonly type: "supported_versions"; readonly version: number }
  | { readonly type: "pre_shared_key"; readonly selectedIdentity: number }
  | UnknownExtension;

/** Extensions of a HelloRetryRequest. */
export type HelloRetryRequestExtension =
  | { readonly type: "key_share"; readonly selectedGroup: number }
  | { readonly type: "supported_versions"; readonly version: number }
  | { readonly type: "cookie"; readonly cookie: Uint8Array }
  | UnknownExtension;

/** Extensions of EncryptedExtensions. */
export type EncryptedExtension =
  | { readonly type: "server_name" }
  | { readonly type: "supported_groups"; readonly groups: readonly number[] }
  | { readonly type: "application_layer_protocol_negotiation"; readonly protocol: Uint8Array }
  | { readonly type: "early_data" }
  | { readonly type: "quic_transport_parameters"; readonly parameters: Uint8Array }
  | UnknownExtension;

/** Extensions of a CertificateRequest. */
export type CertificateRequestExtension =
  | { readonly type: "signature_algorithms"; readonly schemes: readonly number[] }
  | { readonly type: "signature_algorithms_cert"; readonly schemes: readonly number[] }
  | UnknownExtension;

/** Extensions of a NewSessionTicket. */
export type NewSessionTicketExtension = { readonly type: "early_data"; readonly maxEarlyDataSize: number } | UnknownExtension;

/** Extensions of one CertificateEntry (none is interpreted). */
export type CertificateEntryExtension = UnknownExtension;

/** How one interpreted extension's body reads and writes. */
interface BodyCodec<E> {
  decode(reader: Reader): E;
  encode(writer: Writer, extension: E): void;
}

/** The interpreted extensions of one message: name → body codec. */
type CodecTable<E extends { type: string }> = {
  readonly [K in Exclude<E["type"], "unknown">]: BodyCodec<Extract<E, { type: K }>>;
};

// Shared body codecs, one per wire shape.

const empty = <N extends string>(type: N): BodyCodec<{ readonly type: N }> => ({
  decode: () => ({ type }),
  encode: () => {},
});

const schemeList = <N extends "signature_algorithms" | "signature_algorithms_cert">(type: N) => ({
  // RFC 8446 §4.2.3: SignatureScheme supported_signature_algorithms<2..2^16-2>
  decode: (r: Reader) => ({ type, schemes: readU16List(r, 2, 2, 0xfffe, type) }),
  encode: (w: Writer, e: { readonly schemes: readonly number[] }) => writeU16List(w, 2, e.schemes),
});

const groupList: BodyCodec<{ readonly type: "supported_groups"; readonly groups: readonly number[] }> = {
  // RFC 8446 §4.2.7: NamedGroup named_group_list<2..2^16-1>
  decode: (r) => ({ type: "supported_groups", groups: readU16List(r, 2, 2, 0xffff, "supported_groups") }),
  encode: (w, e) => writeU16List(w, 2, e.groups),
};

const transportParameters: BodyCodec<{ readonly type: "quic_transport_parameters"; readonly parameters: Uint8Array }> = {
  // RFC 9001 §8.2: the body is opaque to TLS.
  decode: (r) => ({ type: "quic_transport_parameters", parameters: r.rest() }),
  encode: (w, e) => void w.bytes(e.parameters),
};

const selectedVersion = {
  // RFC 8446 §4.2.1: ProtocolVersion selected_version
  decode: (r: Reader) => ({ type: "supported_versions" as const, version: r.u16() }),
  encode: (w: Writer, e: { readonly version: number }) => void w.u16(e.version),
};

const cookie = {
  // RFC 8446 §4.2.2: opaque cookie<1..2^16-1>
  decode: (r: Reader) => ({ type: "cookie" as const, cookie: readOpaque(r, 2, 1, 0xffff, "cookie") }),
  encode: (w: Writer, e: { readonly cookie: Uint8Array }) => void w.prefixedBytes(2, e.cookie),
};

function readKeyShareEntry(r: Reader): KeyShareEntry {
  // RFC 8446 §4.2.8: NamedGroup group; opaque key_exchange<1..2^16-1>
  return { group: r.u16(), keyExchange: readOpaque(r, 2, 1, 0xffff, "key_exchange") };
}

function writeKeyShareEntry(w: Writer, entry: KeyShareEntry): void {
  w.u16(entry.group).prefixedBytes(2, entry.keyExchange);
}

/** RFC 6066 §3: HostName is ASCII; the host_name type is 0. */
const HOST_NAME = 0;

function readServerNameList(r: Reader): string {
  // RFC 6066 §3: ServerName server_name_list<1..2^16-1>; { NameType name_type; HostName<1..2^16-1> }
  const entries = readVector(r, 2, 1, 0xffff, "server_name_list", (e) => ({
    nameType: e.u8(),
    name: readOpaque(e, 2, 1, 0xffff, "HostName"),
  }));
  const types = new Set(entries.map((entry) => entry.nameType));
  if (types.size !== entries.length) throw alert("illegal_parameter", "server_name lists a name type twice");
  const host = entries.find((entry) => entry.nameType === HOST_NAME);
  const hostName = host && host.name.every((byte) => byte > 0x20 && byte < 0x7f) ? fromUtf8Strict(host.name) : undefined;
  if (hostName === undefined) throw alert("illegal_parameter", "server_name has no ASCII host_name");
  return hostName;
}

function readProtocolNames(r: Reader): Uint8Array[] {
  // RFC 7301 §3.1: ProtocolName protocol_name_list<2..2^16-1>; opaque ProtocolName<1..2^8-1>
  return readVector(r, 2, 2, 0xffff, "protocol_name_list", (e) => readOpaque(e, 1, 1, 0xff, "ProtocolName"));
}

function writeProtocolNames(w: Writer, protocols: readonly Uint8Array[]): void {
  w.prefixed(2, (list) => {
    for (const protocol of protocols) list.prefixedBytes(1, protocol);
  });
}

const clientHelloCodecs: CodecTable<ClientHelloExtension> = {
  server_name: {
    decode: (r) => ({ type: "server_name", hostName: readServerNameList(r) }),
    encode: (w, e) =>
      void w.prefixed(2, (list) => {
        list.u8(HOST_NAME).prefixedBytes(2, utf8(e.hostName));
      }),
  },
  supported_groups: groupList,
  signature_algorithms: schemeList("signature_algorithms"),
  signature_algorithms_cert: schemeList("signature_algorithms_cert"),
  application_layer_protocol_negotiation: {
    decode: (r) => ({ type: "application_layer_protocol_negotiation", protocols: readProtocolNames(r) }),
    encode: (w, e) => writeProtocolNames(w, e.protocols),
  },
  key_share: {
    // RFC 8446 §4.2.8: KeyShareEntry client_shares<0..2^16-1>
    decode: (r) => ({ type: "key_share", shares: readVector(r, 2, 0, 0xffff, "client_shares", readKeyShareEntry) }),
    encode: (w, e) =>
      void w.prefixed(2, (list) => {
        for (const share of e.shares) writeKeyShareEntry(list, share);
      }),
  },
  supported_versions: {
    // RFC 8446 §4.2.1: ProtocolVersion versions<2..254>
    decode: (r) => ({ type: "supported_versions", versions: readU16List(r, 1, 2, 254, "versions") }),
    encode: (w, e) => writeU16List(w, 1, e.versions),
  },
  psk_key_exchange_modes: {
    // RFC 8446 §4.2.9: PskKeyExchangeMode ke_modes<1..255>
    decode: (r) => ({ type: "psk_key_exchange_modes", modes: readU8List(r, 1, 1, 255, "ke_modes") }),
    encode: (w, e) => writeU8List(w, 1, e.modes),
  },
  pre_shared_key: {
    // RFC 8446 §4.2.11: PskIdentity identities<7..2^16-1>; PskBinderEntry binders<33..2^16-1>
    decode: (r) => {
      const identities = readVector(r, 2, 7, 0xffff, "identities", (e) => ({
        identity: readOpaque(e, 2, 1, 0xffff, "identity"),
        obfuscatedTicketAge: e.u32(),
      }));
      const binders = readVector(r, 2, 33, 0xffff, "binders", (e) => readOpaque(e, 1, 32, 255, "PskBinderEntry"));
      if (binders.length !== identities.length) throw alert("illegal_parameter", "pre_shared_key has as many binders as identities");
      return { type: "pre_shared_key", identities, binders };
    },
    encode: (w, e) => {
      w.prefixed(2, (list) => {
        for (const { identity, obfuscatedTicketAge } of e.identities) list.prefixedBytes(2, identity).u32(obfuscatedTicketAge);
      });
      writeBinders(w, e.binders);
    },
  },
  early_data: empty("early_data"),
  cookie,
  quic_transport_parameters: transportParameters,
};

/** RFC 8446 §4.2.11: PskBinderEntry binders<33..2^16-1>; the tail of a ClientHello. */
export function writeBinders(writer: Writer, binders: readonly Uint8Array[]): void {
  writer.prefixed(2, (list) => {
    for (const binder of binders) list.prefixedBytes(1, binder);
  });
}

/** The encoded size of the binders list, which RFC 8446 §4.2.11.2 cuts off a ClientHello to bind it. */
export function bindersLength(binders: readonly Uint8Array[]): number {
  return binders.reduce((sum, binder) => sum + 1 + binder.length, 2);
}

const serverHelloCodecs: CodecTable<ServerHelloExtension> = {
  key_share: {
    // RFC 8446 §4.2.8: KeyShareEntry server_share
    decode: (r) => ({ type: "key_share", share: readKeyShareEntry(r) }),
    encode: (w, e) => writeKeyShareEntry(w, e.share),
  },
  supported_versions: selectedVersion,
  pre_shared_key: {
    // RFC 8446 §4.2.11: uint16 selected_identity
    decode: (r) => ({ type: "pre_shared_key", selectedIdentity: r.u16() }),
    encode: (w, e) => void w.u16(e.selectedIdentity),
  },
};

const helloRetryRequestCodecs: CodecTable<HelloRetryRequestExtension> = {
  key_share: {
    // RFC 8446 §4.2.8: NamedGroup selected_group
    decode: (r) => ({ type: "key_share", selectedGroup: r.u16() }),
    encode: (w, e) => void w.u16(e.selectedGroup),
  },
  supported_versions: selectedVersion,
  cookie,
};

const encryptedExtensionCodecs: CodecTable<EncryptedExtension> = {
  server_name: empty("server_name"),
  supported_groups: groupList,
  application_layer_protocol_negotiation: {
    // RFC 7301 §3.1: the server's list "MUST contain exactly one ProtocolName".
    decode: (r) => {
      const protocols = readProtocolNames(r);
      if (protocols.length !== 1) throw alert("illegal_parameter", "the server selected more than one protocol");
      return { type: "application_layer_protocol_negotiation", protocol: protocols[0]! };
    },
    encode: (w, e) => writeProtocolNames(w, [e.protocol]),
  },
  early_data: empty("early_data"),
  quic_transport_parameters: transportParameters,
};

const certificateRequestCodecs: CodecTable<CertificateRequestExtension> = {
  signature_algorithms: schemeList("signature_algorithms"),
  signature_algorithms_cert: schemeList("signature_algorithms_cert"),
};

const newSessionTicketCodecs: CodecTable<NewSessionTicketExtension> = {
  early_data: {
    // RFC 8446 §4.2.10: uint32 max_early_data_size
    decode: (r) => ({ type: "early_data", maxEarlyDataSize: r.u32() }),
    encode: (w, e) => void w.u32(e.maxEarlyDataSize),
  },
};

const codecs = {
  CH: clientHelloCodecs,
  SH: serverHelloCodecs,
  HRR: helloRetryRequestCodecs,
  EE: encryptedExtensionCodecs,
  CR: certificateRequestCodecs,
  CT: {},
  NST: newSessionTicketCodecs,
} as const;

/** The extension type each message context carries. */
export interface ExtensionOf {
  CH: ClientHelloExtension;
  SH: ServerHelloExtension;
  HRR: HelloRetryRequestExtension;
  EE: EncryptedExtension;
  CR: CertificateRequestExtension;
  CT: CertificateEntryExtension;
  NST: NewSessionTicketExtension;
}

/** The wire code of `extension`. */
export function extensionCode(extension: { readonly type: string }): number {
  return extension.type === "unknown" ? (extension as UnknownExtension).code : ExtensionType[extension.type as ExtensionName];
}

/**
 * RFC 8446 §4.2: reads an extension block (`Extension extensions<min..2^16-1>`)
 * of message `context`. A repeated type is illegal_parameter; so is a known
 * extension in a message the §4.2 table does not list it for.
 */
export function readExtensions<C extends ExtensionContext>(reader: Reader, context: C, min = 0): ExtensionOf[C][] {
  const table = codecs[context] as Readonly<Record<string, BodyCodec<ExtensionOf[C]>>>;
  const seen = new Set<number>();
  return readVector(reader, 2, min, 0xffff, "extensions", (r) => {
    const code = r.u16();
    const data = readOpaque(r, 2, 0, 0xffff, "extension_data");
    if (seen.has(code)) throw alert("illegal_parameter", `extension ${code} appears twice`);
    seen.add(code);
    const name = namesByCode.get(code);
    if (name !== undefined && !allowedIn[name].includes(context)) {
      throw alert("illegal_parameter", `${name} is not allowed in ${context}`);
    }
    const codec = name === undefined ? undefined : table[name];
    if (codec === undefined) return { type: "unknown", code, data } as ExtensionOf[C];
    const body = tlsReader(data);
    const extension = codec.decode(body);
    expectEnd(body, name!);
    return extension;
  });
}

/** Writes an extension block of message `context`. */
export function writeExtensions<C extends ExtensionContext>(writer: Writer, context: C, extensions: readonly ExtensionOf[C][]): void {
  const table = codecs[context] as Readonly<Record<string, BodyCodec<ExtensionOf[C]>>>;
  writer.prefixed(2, (block) => {
    for (const extension of extensions) {
      block.u16(extensionCode(extension));
      block.prefixed(2, (body) => {
        if (extension.type === "unknown") body.bytes((extension as UnknownExtension).data);
        else table[extension.type]!.encode(body, extension);
      });
    }
  });
}

/** The extension of type `type` in `extensions`, typed, or `undefined`. */
export function findExtension<E extends { readonly type: string }, T extends Exclude<E["type"], "unknown">>(
  extensions: readonly E[],
  type: T,
): Extract<E, { type: T }> | undefined {
  return extensions.find((extension) => extension.type === type) as Extract<E, { type: T }> | undefined;
}

/**
 * RFC 8446 §4.2: a server may only answer extensions the client sent (with
 * `exempt` ones, like a HelloRetryRequest's cookie, allowed unasked); anything
 * else, GREASE echoed back included (RFC 8701 §3.1), is unsupported_extension.
 */
export function checkSolicited(
  received: readonly { readonly type: string }[],
  sent: readonly ClientHelloExtension[],
  exempt: readonly string[],
): void {
  for (const extension of received) {
    const code = extensionCode(extension);
    const solicited = !isGrease(code) && (exempt.includes(extension.type) || sent.some((mine) => extensionCode(mine) === code));
    if (!solicited) throw alert("unsupported_extension", `extension ${code} was not offered`);
  }
}
