// fast-check properties of every handshake message codec: encode∘decode is the
// identity, and random or mutated bytes decode to a value or a typed
// WireError/TlsAlert carrying a CRYPTO_ERROR code, never anything else.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  type CertificateMessage,
  type CertificateRequest,
  type ClientHello,
  type ClientHelloExtension,
  type EncryptedExtension,
  ExtensionType,
  HELLO_RETRY_REQUEST_RANDOM,
  type HelloRetryRequest,
  type NewSessionTicket,
  type ServerHello,
  type SessionTicket,
  type UnknownExtension,
  decodeCertificateMessage,
  decodeCertificateRequest,
  decodeCertificateVerify,
  decodeClientHello,
  decodeEncryptedExtensions,
  decodeNewSessionTicket,
  decodeServerHello,
  decodeSessionTicket,
  encodeCertificateMessage,
  encodeCertificateRequest,
  encodeCertificateVerify,
  encodeClientHello,
  encodeEncryptedExtensions,
  encodeNewSessionTicket,
  encodeServerHello,
  encodeSessionTicket,
} from "@zquic/tls";
import { WireError, ZquicError, equalBytes, isCryptoError } from "@zquic/wire";
import { decodeTicketState, encodeTicketState } from "../src/server/ticket-state.js";

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });
const u16List = (min: number, max: number) => fc.array(u16, { minLength: min, maxLength: max });
const knownCodes = new Set<number>(Object.values(ExtensionType));
const unknownExtension: fc.Arbitrary<UnknownExtension> = fc.record({
  type: fc.constant("unknown" as const),
  code: u16.filter((code) => !knownCodes.has(code)),
  data: bytes(0, 40),
});
const hostName = fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,40}$/);
const keyShareEntry = fc.record({ group: u16, keyExchange: bytes(1, 80) });

/** A list with each extension type once, in a random order, from `options`. */
function extensionList<E extends { readonly type: string }>(options: fc.Arbitrary<E>[], unknownCount = 3): fc.Arbitrary<E[]> {
  return fc
    .tuple(fc.subarray(options.map((_, i) => i)), fc.tuple(...options), fc.uniqueArray(unknownExtension, { maxLength: unknownCount, selector: (e) => e.code }))
    .chain(([picked, values, unknown]) => fc.shuffledSubarray([...picked.map((i) => values[i]!), ...(unknown as unknown as E[])], { minLength: picked.length + unknown.length }));
}

const clientHelloExtensions: fc.Arbitrary<ClientHelloExtension>[] = [
  fc.record({ type: fc.constant("server_name" as const), hostName }),
  fc.record({ type: fc.constant("supported_groups" as const), groups: u16List(1, 10) }),
  fc.record({ type: fc.constant("signature_algorithms" as const), schemes: u16List(1, 10) }),
  fc.record({ type: fc.constant("signature_algorithms_cert" as const), schemes: u16List(1, 10) }),
  fc.record({ type: fc.constant("application_layer_protocol_negotiation" as const), protocols: fc.array(bytes(1, 12), { minLength: 1, maxLength: 4 }) }),
  fc.record({ type: fc.constant("key_share" as const), shares: fc.array(keyShareEntry, { maxLength: 3 }) }),
  fc.record({ type: fc.constant("supported_versions" as const), versions: u16List(2, 5) }),
  fc.record({ type: fc.constant("psk_key_exchange_modes" as const), modes: fc.array(u8, { minLength: 1, maxLength: 3 }) }),
  fc.record({ type: fc.constant("early_data" as const) }),
  fc.record({ type: fc.constant("cookie" as const), cookie: bytes(1, 40) }),
  fc.record({ type: fc.constant("quic_transport_parameters" as const), parameters: bytes(0, 60) }),
];

const preSharedKey = fc
  .array(fc.tuple(fc.record({ identity: bytes(1, 40), obfuscatedTicketAge: u32 }), bytes(32, 48)), { minLength: 1, maxLength: 3 })
  .map((entries) => ({ type: "pre_shared_key" as const, identities: entries.map(([identity]) => identity), binders: entries.map(([, binder]) => binder) }));

const clientHello: fc.Arbitrary<ClientHello> = fc
  .record({
    legacyVersion: u16,
    random: bytes(32, 32),
    legacySessionId: bytes(0, 32),
    cipherSuites: u16List(1, 8),
    legacyCompressionMethods: fc.array(u8, { minLength: 1, maxLength: 3 }),
    extensions: extensionList(clientHelloExtensions),
    psk: fc.option(preSharedKey, { nil: undefined }),
    versions: u16List(2, 3),
  })
  .map(({ psk, versions, extensions, ...hello }) => ({
    ...hello,
    // At least 8 bytes of extensions (RFC 8446 §4.1.2): a supported_versions is always there.
    extensions: [
      ...(extensions.some((e) => e.type === "supported_versions") ? [] : [{ type: "supported_versions" as const, versions }]),
      ...extensions,
      ...(psk === undefined ? [] : [psk]),
    ],
  }));

const serverHello: fc.Arbitrary<ServerHello> = fc.record({
  kind: fc.constant("server_hello" as const),
  legacyVersion: u16,
  random: bytes(32, 32).filter((random) => !equalBytes(random, HELLO_RETRY_REQUEST_RANDOM)),
  legacySessionIdEcho: bytes(0, 32),
  cipherSuite: u16,
  legacyCompressionMethod: fc.constant(0),
  extensions: extensionList<ServerHello["extensions"][number]>([
    fc.record({ type: fc.constant("key_share" as const), share: keyShareEntry }),
    fc.record({ type: fc.constant("supported_versions" as const), version: u16 }),
    fc.record({ type: fc.constant("pre_shared_key" as const), selectedIdentity: u16 }),
  ]),
});

const helloRetryRequest: fc.Arbitrary<HelloRetryRequest> = fc.record({
  kind: fc.constant("hello_retry_request" as const),
  legacyVersion: u16,
  random: fc.constant(HELLO_RETRY_REQUEST_RANDOM),
  legacySessionIdEcho: bytes(0, 32),
  cipherSuite: u16,
  legacyCompressionMethod: fc.constant(0),
  extensions: extensionList<HelloRetryRequest["extensions"][number]>([
    fc.record({ type: fc.constant("key_share" as const), selectedGroup: u16 }),
    fc.record({ type: fc.constant("supported_versions" as const), version: u16 }),
    fc.record({ type: fc.constant("cookie" as const), cookie: bytes(1, 40) }),
  ]),
});

const encryptedExtensions: fc.Arbitrary<EncryptedExtension[]> = extensionList<EncryptedExtension>([
  fc.record({ type: fc.constant("server_name" as const) }),
  fc.record({ type: fc.constant("supported_groups" as const), groups: u16List(1, 6) }),
  fc.record({ type: fc.constant("application_layer_protocol_negotiation" as const), protocol: bytes(1, 20) }),
  fc.record({ type: fc.constant("early_data" as const) }),
  fc.record({ type: fc.constant("quic_transport_parameters" as const), parameters: bytes(0, 60) }),
]);

const certificateRequest: fc.Arbitrary<CertificateRequest> = fc.record({
  certificateRequestContext: bytes(0, 20),
  extensions: fc
    .tuple(u16List(1, 8), extensionList([fc.record({ type: fc.constant("signature_algorithms_cert" as const), schemes: u16List(1, 6) })]))
    .map(([schemes, rest]) => [{ type: "signature_algorithms" as const, schemes }, ...rest]),
});

const certificateMessage: fc.Arbitrary<CertificateMessage> = fc.record({
  certificateRequestContext: bytes(0, 20),
  certificateList: fc.array(fc.record({ certData: bytes(1, 200), extensions: fc.uniqueArray(unknownExtension, { maxLength: 2, selector: (e) => e.code }) }), {
    maxLength: 4,
  }),
});

const newSessionTicket: fc.Arbitrary<NewSessionTicket> = fc.record({
  ticketLifetime: u32,
  ticketAgeAdd: u32,
  ticketNonce: bytes(0, 16),
  ticket: bytes(1, 120),
  extensions: extensionList([fc.record({ type: fc.constant("early_data" as const), maxEarlyDataSize: u32 })]),
});

const sessionTicket: fc.Arbitrary<SessionTicket> = fc.record({
  ticket: bytes(1, 100),
  psk: bytes(32, 48),
  suite: u16,
  alpn: fc.string({ maxLength: 20 }),
  serverName: fc.option(hostName, { nil: undefined }),
  lifetime: u32,
  ageAdd: u32,
  receivedAt: fc.integer({ min: 0, max: 2 ** 48 - 1 }),
  earlyData: fc.boolean(),
  peerTransportParameters: bytes(0, 60),
});

/** Strips the handshake header an encoder adds. */
const body = (message: Uint8Array) => message.subarray(4);

interface Codec<T> {
  readonly name: string;
  readonly value: fc.Arbitrary<T>;
  encode(value: T): Uint8Array;
  decode(body: Uint8Array): unknown;
}

const codecs: Codec<never>[] = [
  { name: "ClientHello", value: clientHello, encode: encodeClientHello, decode: decodeClientHello },
  { name: "ServerHello", value: serverHello, encode: encodeServerHello, decode: decodeServerHello },
  { name: "HelloRetryRequest", value: helloRetryRequest, encode: encodeServerHello, decode: decodeServerHello },
  { name: "EncryptedExtensions", value: encryptedExtensions, encode: encodeEncryptedExtensions, decode: decodeEncryptedExtensions },
  { name: "CertificateRequest", value: certificateRequest, encode: encodeCertificateRequest, decode: decodeCertificateRequest },
  { name: "Certificate", value: certificateMessage, encode: encodeCertificateMessage, decode: decodeCertificateMessage },
  {
    name: "CertificateVerify",
    value: fc.record({ algorithm: u16, signature: bytes(0, 300) }),
    encode: encodeCertificateVerify,
    decode: decodeCertificateVerify,
  },
  { name: "NewSessionTicket", value: newSessionTicket, encode: encodeNewSessionTicket, decode: decodeNewSessionTicket },
] as unknown as Codec<never>[];

/** Runs `decode` and accepts only a value or a WireError (TlsAlert included) with a CRYPTO_ERROR code. */
function decodesOrAlerts(decode: (bytes: Uint8Array) => unknown, input: Uint8Array): void {
  try {
    decode(input);
  } catch (error) {
    if (!(error instanceof WireError) || !isCryptoError(error.transportCode)) throw error;
  }
}

/** A valid encoding with a few bytes flipped, cut or inserted. */
function mutated<T>(value: fc.Arbitrary<T>, encode: (value: T) => Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(value, fc.array(fc.tuple(fc.nat(), u8, fc.constantFrom("flip", "cut", "insert", "set")), { minLength: 1, maxLength: 4 }))
    .map(([v, edits]) => {
      let out = body(encode(v)).slice();
      for (const [position, byte, edit] of edits) {
        const at = out.length === 0 ? 0 : position % out.length;
        if (edit === "flip" && out.length > 0) out[at]! ^= byte | 1;
        else if (edit === "set" && out.length > 0) out[at] = byte;
        else if (edit === "cut") out = out.slice(0, at);
        else out = Uint8Array.from([...out.subarray(0, at), byte, ...out.subarray(at)]);
      }
      return out;
    });
}

describe("message codecs", () => {
  for (const codec of codecs) {
    describe(codec.name, () => {
      it("round-trips: decode(encode(x)) = x and the bytes re-encode identically", () => {
        fc.assert(
          fc.property(codec.value, (value) => {
            const encoded = codec.encode(value);
            const decoded = codec.decode(body(encoded));
            expect(decoded).toEqual(value);
            expect(codec.encode(decoded as never)).toEqual(encoded);
          }),
          { numRuns: 100 },
        );
      });

      it("random bytes decode to a value or a typed alert", () => {
        fc.assert(fc.property(bytes(0, 300), (input) => decodesOrAlerts(codec.decode, input)), { numRuns: 200 });
      });

      it("mutated encodings decode to a value or a typed alert", () => {
        fc.assert(fc.property(mutated(codec.value, codec.encode), (input) => decodesOrAlerts(codec.decode, input)), { numRuns: 200 });
      });
    });
  }
});

describe("stored tickets", () => {
  it("a client SessionTicket round-trips through its serialized form", () => {
    fc.assert(
      fc.property(sessionTicket, (ticket) => {
        expect(decodeSessionTicket(encodeSessionTicket(ticket))).toEqual(ticket);
      }),
    );
  });

  it("bytes that are not a stored ticket throw ZquicError TLS_SESSION_TICKET, nothing else", () => {
    const check = (input: Uint8Array) => {
      try {
        decodeSessionTicket(input);
      } catch (error) {
        expect(error).toBeInstanceOf(ZquicError);
        expect((error as ZquicError).code).toBe("TLS_SESSION_TICKET");
      }
    };
    fc.assert(fc.property(bytes(0, 200), check));
    fc.assert(fc.property(mutated(sessionTicket, (t) => Uint8Array.from([0, 0, 0, 0, ...encodeSessionTicket(t)])), check));
  });

  it("the server's sealed ticket state round-trips, and garbage decodes to undefined", () => {
    const state = fc.record({
      suite: u16,
      psk: bytes(32, 48),
      createdAt: fc.integer({ min: 0, max: 2 ** 48 - 1 }),
      lifetime: u32,
      ageAdd: u32,
      alpn: fc.string({ maxLength: 20 }),
      earlyData: fc.boolean(),
      earlyDataContext: bytes(0, 60),
    });
    fc.assert(
      fc.property(state, (s) => {
        expect(decodeTicketState(encodeTicketState(s))).toEqual(s);
      }),
    );
    fc.assert(fc.property(bytes(0, 200), (input) => void decodeTicketState(input)));
  });
});
