/**
 * Application protocols by ALPN: how the server speaks one, and how the
 * client fetches with it.
 *
 * @module
 */
import type { ApplicationFactory, QuicConnection, SessionStore } from "@zquic/node";

/** What a server-side protocol gets. */
export interface ServeContext {
  /** The directory whose files are served. */
  readonly root: string;
  /** Diagnostics (stderr). */
  readonly log: (line: string) => void;
}

/**
 * How a server speaks a protocol: an application that owns the streams of
 * each connection (HTTP/3), or a handler of each connection's WebTransport-shaped
 * streams (hq-interop).
 */
export type ServerSide = { readonly application: ApplicationFactory } | { readonly serve: (connection: QuicConnection) => Promise<void> };

/** How a client checks the server and resumes. */
export interface ClientSettings {
  /** A CA file to trust, or `undefined` to accept any certificate (testing only). */
  readonly caFile: string | undefined;
  /** Where tickets and tokens are kept; `null` turns resumption off. */
  readonly sessionStore: SessionStore | null;
  /** Send requests as 0-RTT data when a ticket allows it. */
  readonly earlyData: boolean;
}

/** A client of one origin. */
export interface ProtocolClient {
  /** Requests `url` and returns the response body; rejects, or errors the body, when the server refuses. */
  fetch(url: URL): Promise<ReadableStream<Uint8Array>>;
  /** Closes the connection; resolves once it is gone. */
  close(): Promise<void>;
}

/** One application protocol over QUIC, named by its ALPN token. Both sides load the protocol stack when asked for. */
export interface Protocol {
  readonly alpn: string;
  server(context: ServeContext): Promise<ServerSide>;
  client(origin: URL, settings: ClientSettings): Promise<ProtocolClient>;
}
