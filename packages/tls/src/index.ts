/**
 * `@zquic/tls`: TLS 1.3 for QUIC (RFC 8446, RFC 9001): client and server handshakes, X.509, resumption, 0-RTT.
 *
 * The sessions ({@link TlsClient}, {@link TlsServer}) take in-order CRYPTO bytes
 * per encryption level and hand back handshake bytes, traffic secrets and
 * events ({@link TlsOutput}); they own no I/O, clock or randomness.
 *
 * @packageDocumentation
 */
export * from "./x509/index.js";
export { AlertDescription, type AlertName, TlsAlert, alertName } from "./alert.js";
export { CipherSuite, type CipherSuiteParameters, DEFAULT_CIPHER_SUITES, cipherSuite } from "./cipher-suite.js";
export { NamedGroup, DEFAULT_GROUPS, keyExchangeGroup } from "./named-group.js";
export { SignatureScheme, DEFAULT_SIGNATURE_SCHEMES, chooseSignatureScheme, handshakeSignatureAlgorithm, schemeFitsKey } from "./signature-scheme.js";
export { isGrease } from "./grease.js";
export type { EncryptionLevel, TlsOutput } from "./outputs.js";
export { MAX_TICKET_LIFETIME, type TlsConfig, type TlsClientConfig, type TlsServerConfig } from "./config.js";
export { type SessionTicket, encodeSessionTicket, decodeSessionTicket } from "./session-ticket.js";
export { TicketKeys, type TicketKeysOptions } from "./ticket-keys.js";
export { AntiReplay, type AntiReplayOptions } from "./anti-replay.js";
export { TlsSession } from "./session.js";
export { TlsClient } from "./client/client.js";
export { TlsServer } from "./server/server.js";
export { Hkdf } from "./hkdf.js";
export { Transcript } from "./transcript.js";
export {
  EarlySecret,
  HandshakeSecret,
  MasterSecret,
  type TrafficSecrets,
  exportKeyingMaterial,
  finishedVerifyData,
  resumptionPsk,
} from "./key-schedule.js";
export { HandshakeType, HANDSHAKE_HEADER_LENGTH, type HandshakeMessage } from "./messages/handshake.js";
export * from "./messages/extensions.js";
export * from "./messages/client-hello.js";
export * from "./messages/server-hello.js";
export * from "./messages/encrypted-extensions.js";
export * from "./messages/certificate-request.js";
export * from "./messages/certificate.js";
export * from "./messages/certificate-verify.js";
export * from "./messages/finished.js";
export * from "./messages/new-session-ticket.js";
