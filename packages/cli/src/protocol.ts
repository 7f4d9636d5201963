/**
 * Application protocols by ALPN: what the server runs on a connection, and
 * how the client fetches a path. `hq-interop` is here; `h3` joins later.
 *
 * @module
 */
import type { QuicConnection } from "@zquic/node";

/** What a server-side handler gets besides its connection. */
export interface ServeContext {
  /** The directory whose files are served. */
  readonly root: string;
  /** Diagnostics (stderr). */
  readonly log: (line: string) => void;
}

/** One application protocol over QUIC, named by its ALPN token. */
export interface Protocol {
  readonly alpn: string;
  /** Serves one connection until it ends. */
  serve(connection: QuicConnection, context: ServeContext): Promise<void>;
  /** Requests `path` and returns the response body; the stream errors if the server refuses. */
  fetch(connection: QuicConnection, path: string): Promise<ReadableStream<Uint8Array>>;
}
