/**
 * HTTP/0.9 over QUIC as the interop runner uses it (ALPN `hq-interop`): the
 * client sends `GET /path\r\n` on a bidirectional stream and ends it; the
 * server answers with the file's bytes and ends its side, or resets the
 * stream when there is no such file.
 *
 * @module
 */
import type { QuicBidirectionalStream, QuicConnection } from "@zquic/node";
import { fileBody, servedFile } from "./served-files.js";

/** The ALPN token of HTTP/0.9 over QUIC in the interop runner. */
export const HQ_ALPN = "hq-interop";

/** A request is one short line; a longer one is refused. */
const MAX_REQUEST_BYTES = 8 * 1024;

/** Application error code of a stream reset for a request that was refused (hq-interop has no status codes). */
const REFUSED = 0x1;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Sends `GET path` on a new stream of `connection`; resolves with the response body. */
export async function hqGet(connection: QuicConnection, path: string): Promise<ReadableStream<Uint8Array>> {
  const stream = await connection.createBidirectionalStream();
  const writer = stream.writable.getWriter();
  await writer.write(encoder.encode(`GET ${path}\r\n`));
  await writer.close();
  return stream.readable;
}

/** The path of the request on `readable` (read to its end), or `undefined` when it is not `GET /path`. */
async function readRequest(readable: ReadableStream<Uint8Array>): Promise<string | undefined> {
  let text = "";
  for await (const chunk of readable) {
    text += decoder.decode(chunk, { stream: true });
    if (text.length > MAX_REQUEST_BYTES) return undefined;
  }
  return /^GET (\/\S*)\r?\n?$/.exec(text)?.[1];
}

/** Answers one request stream. */
async function answer(stream: QuicBidirectionalStream, www: string, log: (line: string) => void): Promise<void> {
  const path = await readRequest(stream.readable);
  const file = path === undefined ? undefined : await servedFile(www, path);
  if (file === undefined) {
    log(`refused request ${JSON.stringify(path)}`);
    await stream.writable.abort({ streamErrorCode: REFUSED });
    return;
  }
  await fileBody(file).pipeTo(stream.writable);
}

/** Serves the requests of one connection from `www` until it ends. */
export async function serveHq(connection: QuicConnection, www: string, log: (line: string) => void): Promise<void> {
  for await (const stream of connection.incomingBidirectionalStreams) {
    answer(stream, www, log).catch((error: unknown) => log(`request failed: ${(error as Error).message}`));
  }
}
