/**
 * One client connection that downloads URLs, over either application
 * protocol the runner uses: `hq-interop` on `connect()`'s streams, or HTTP/3
 * through `createHttp3Client()` (one pooled connection per client).
 *
 * @module
 */
import { H3_ALPN, connect, createHttp3Client, type SessionStore } from "@zquic/node";
import type { TransportConfig } from "@zquic/quic";
import type { EndpointEnvironment } from "./environment.js";
import { HQ_ALPN, hqGet } from "./hq-interop.js";

/** How a connection is made. */
export interface ConnectionSettings {
  /** The scheme, host and port every request goes to. */
  readonly origin: URL;
  /** Trust the runner's CA file, or (without one) accept any certificate. */
  readonly trust: { readonly caFile: string } | { readonly insecure: true };
  readonly transport: Partial<TransportConfig>;
  /** Where session tickets and tokens go; `null` turns resumption off. */
  readonly sessionStore: SessionStore | null;
  /** Send the requests as 0-RTT data when a stored ticket allows it. */
  readonly earlyData: boolean;
  /** TLS cipher suites to offer (default: zquic's). */
  readonly cipherSuites?: readonly number[];
  /** TLS key exchange groups to offer. */
  readonly groups: readonly number[];
  /** GREASE in the ClientHello (default true). */
  readonly grease?: boolean;
}

/** A connection that downloads. */
export interface Downloader {
  /** Requests `url`; resolves with the response body. */
  fetch(url: URL): Promise<ReadableStream<Uint8Array>>;
  /** Closes the connection (no error); resolves once it is gone. */
  close(): Promise<void>;
}

/** How long closing waits for the transport to finish (RFC 9000 §10.2 closing period), at most. */
const CLOSE_WAIT_MS = 2000;

/** What both protocols' connections are made with. */
function connectionOptions(settings: ConnectionSettings) {
  return {
    ...settings.trust,
    transport: settings.transport,
    sessionStore: settings.sessionStore,
    earlyData: settings.earlyData,
    ...(settings.cipherSuites !== undefined ? { cipherSuites: settings.cipherSuites } : {}),
    groups: settings.groups,
    ...(settings.grease !== undefined ? { grease: settings.grease } : {}),
  };
}

function hqDownloader(settings: ConnectionSettings): Downloader {
  const connection = connect(settings.origin.href, { alpn: [HQ_ALPN], ...connectionOptions(settings) });
  return {
    fetch: (url) => hqGet(connection, url.pathname),
    close: async () => {
      connection.close({ closeCode: 0 });
      await bounded(connection.closed);
    },
  };
}

function http3Downloader(settings: ConnectionSettings): Downloader {
  const client = createHttp3Client(connectionOptions(settings));
  return {
    async fetch(url) {
      const response = await client.fetch(url);
      if (!response.ok || response.body === null) {
        await response.body?.cancel();
        throw new Error(`the server answered ${response.status}`);
      }
      return response.body as ReadableStream<Uint8Array>;
    },
    close: () => bounded(client.close()),
  };
}

/** `promise` settled, or `CLOSE_WAIT_MS` passed. */
async function bounded(promise: Promise<unknown>): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([promise.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)))]);
  clearTimeout(timer);
}

/** Downloaders by the ALPN they speak. */
const DOWNLOADERS: Readonly<Record<EndpointEnvironment["alpn"], (settings: ConnectionSettings) => Downloader>> = {
  [HQ_ALPN]: hqDownloader,
  [H3_ALPN]: http3Downloader,
};

/** Opens a connection speaking `alpn`. */
export function openDownloader(alpn: EndpointEnvironment["alpn"], settings: ConnectionSettings): Downloader {
  return DOWNLOADERS[alpn](settings);
}
