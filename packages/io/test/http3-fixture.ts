// Set-up for the HTTP/3 tests: a fetch-style server and a client on one MemoryNetwork.
import { Http3Client, serve, type Http3ClientOptions, type Http3Handler, type Http3Server, type ServeOptions } from "@zquic/io";
import { certificate } from "./fixture.js";
import { MemoryNetwork } from "./memory-runtime.js";

/** A network, an HTTP/3 server answering with `handler`, and a client trusting it. */
export interface Http3Pair {
  readonly net: MemoryNetwork;
  readonly server: Http3Server;
  readonly client: Http3Client;
  /** `https://localhost:PORT` + `path`. */
  url(path: string): string;
  /** Closes the client, then the server. */
  close(): Promise<void>;
}

export async function http3Pair(handler: Http3Handler, options: { server?: Partial<ServeOptions>; client?: Partial<Http3ClientOptions> } = {}): Promise<Http3Pair> {
  const net = new MemoryNetwork();
  const cert = certificate();
  const server = await serve(net, { port: 0, cert: cert.certificatePem, key: cert.privateKeyPem, ...options.server }, handler);
  const client = new Http3Client(net, { trustAnchors: cert.certificatePem, sessionStore: null, ...options.client });
  return {
    net,
    server,
    client,
    url: (path) => `https://localhost:${server.address.port}${path}`,
    close: async () => {
      await client.close();
      await server.close({ grace: 1000 });
    },
  };
}

/** A readable that yields `data` in chunks of `chunk` bytes, counting what was pulled. */
export function chunked(data: Uint8Array, chunk: number): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let at = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (at >= data.length) return controller.close();
        controller.enqueue(data.slice(at, at + chunk));
        at += chunk;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulled: () => Math.min(at, data.length) };
}

/** SHA-256 of `data`, in hex (web crypto, as io itself uses no runtime module). */
export async function sha256(data: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", data as Uint8Array<ArrayBuffer>));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}
