/**
 * HTTP/3 (ALPN `h3`, RFC 9114), both sides: the server answers with the
 * files under its root; the client fetches over one pooled connection.
 *
 * @module
 */
import { fileHandler } from "./h3-files.js";
import type { ClientSettings, Protocol, ProtocolClient, ServeContext, ServerSide } from "./protocol.js";

/** The server: every request of an `h3` connection goes to the file handler. */
async function server(context: ServeContext): Promise<ServerSide> {
  const { http3Application } = await import("@zquic/node");
  return { application: http3Application(fileHandler(context)) };
}

/** The client: a 2xx response's body, anything else an error naming the status. */
async function client(_origin: URL, settings: ClientSettings): Promise<ProtocolClient> {
  const { createHttp3Client } = await import("@zquic/node");
  const http = createHttp3Client({
    ...(settings.caFile !== undefined ? { caFile: settings.caFile } : { insecure: true }),
    sessionStore: settings.sessionStore,
    earlyData: settings.earlyData,
  });
  return {
    async fetch(url) {
      const response = await http.fetch(url);
      if (!response.ok) {
        await response.body?.cancel();
        throw new Error(`the server answered ${response.status}`);
      }
      return response.body ?? new ReadableStream({ start: (controller) => controller.close() });
    },
    close: () => http.close(),
  };
}

/** `h3`, both sides (RFC 9114 §3.1: the ALPN token is "h3"). */
export const h3: Protocol = { alpn: "h3", server, client };
