/**
 * Application protocols that own a connection's streams. By default a
 * connection hands its streams to the application as WebTransport-shaped
 * WHATWG streams; a protocol such as HTTP/3, which frames every stream itself
 * and has a sans-I/O engine of its own, takes them over instead: it hears
 * every transport event and calls the transport directly.
 *
 * @module
 */
import type { Connection, ConnectionEvent } from "@zquic/quic";

/** A protocol engine bound to one connection. */
export interface StreamApplication {
  /** Every event of the transport connection, in order; `closed` is the last. */
  onEvent(event: ConnectionEvent): void;
  /** Ends the connection gracefully, the protocol's way (HTTP/3: GOAWAY, let requests finish, then close). */
  shutdown(): void;
}

/** What an application gets when its connection is bound to it. */
export interface ApplicationContext {
  /** The transport connection. Its calls are synchronous and send nothing by themselves. */
  readonly transport: Connection;
  /** Asks the driver to flush soon: call it after every transport call. */
  readonly wake: () => void;
}

/** Binds an application to a connection. */
export type ApplicationFactory = (context: ApplicationContext) => StreamApplication;

/**
 * Which application, if any, owns the streams of a connection that
 * negotiated `alpn` (`undefined` while the handshake has not chosen one).
 */
export type ApplicationChooser = (alpn: string | undefined) => ApplicationFactory | undefined;

/** A client offers its application's protocol only, so the application is known from the start. */
export function clientApplication(factory: ApplicationFactory | undefined): ApplicationChooser {
  return () => factory;
}

/** A server picks the application by the ALPN the handshake chose (RFC 9001 §8.1). */
export function serverApplications(table: Readonly<Record<string, ApplicationFactory>> | undefined): ApplicationChooser {
  return (alpn) => (alpn === undefined || table === undefined || !Object.hasOwn(table, alpn) ? undefined : table[alpn]);
}
