/**
 * HTTP/0.9 over QUIC as the QUIC interop runner uses it (ALPN `hq-interop`):
 * the client sends `GET /path\r\n` on a bidirectional stream and ends it; the
 * server answers with the file's bytes and ends its side. There are no
 * status codes, so a refused request is a RESET_STREAM with one of
 * {@link HqErrorCode}.
 *
 * @module
 */
import type { QuicBidirectionalStream, QuicConnection } from "@zquic/node";
import { closeFile, openUnderRoot, readAt } from "./file-root.js";
import type { ClientSettings, Protocol, ProtocolClient, ServeContext } from "./protocol.js";

/** The stream error codes this server resets refused requests with. */
export const HqErrorCode = {
  /** Not `GET /path`, or longer than {@link MAX_REQUEST_BYTES}. */
  badRequest: 0x1,
  /** The path leads outside the served directory. */
  refused: 0x2,
  notFound: 0x3,
  /** Reading the file failed. */
  internal: 0x4,
} as const;

/** A request is one short line: anything longer is refused. */
export const MAX_REQUEST_BYTES = 8 * 1024;

const FILE_CHUNK_BYTES = 64 * 1024;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Reads the whole request (the client ends the stream after it), up to {@link MAX_REQUEST_BYTES}. */
async function readRequest(readable: ReadableStream<Uint8Array>): Promise<string | undefined> {
  const reader = readable.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    length += value.length;
    if (length > MAX_REQUEST_BYTES) {
      await reader.cancel({ streamErrorCode: HqErrorCode.badRequest });
      return undefined;
    }
    chunks.push(value);
  }
  const line = decoder.decode(concat(chunks, length)).replace(/\r?\n$/, "");
  return /^GET (\/\S*)$/.exec(line)?.[1];
}

function concat(chunks: readonly Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** Answers one request stream. */
async function serveRequest(stream: QuicBidirectionalStream, context: ServeContext): Promise<void> {
  const path = await readRequest(stream.readable);
  const writer = stream.writable.getWriter();
  if (path === undefined) return writer.abort({ streamErrorCode: HqErrorCode.badRequest });
  const file = openUnderRoot(context.root, path);
  if (file.kind !== "file") {
    context.log(`refused ${JSON.stringify(path)}: ${file.kind === "missing" ? "not found" : file.reason}`);
    return writer.abort({ streamErrorCode: file.kind === "missing" ? HqErrorCode.notFound : HqErrorCode.refused });
  }
  try {
    const buffer = new Uint8Array(FILE_CHUNK_BYTES);
    for (let position = 0; ; ) {
      const bytesRead = await readAt(file, buffer, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      // write() resolves once the transport holds a copy, so the buffer can be refilled.
      await writer.write(buffer.subarray(0, bytesRead));
    }
    await writer.close();
  } catch (error) {
    await writer.abort({ streamErrorCode: HqErrorCode.internal }).catch(() => undefined);
    throw error;
  } finally {
    closeFile(file);
  }
}

/** Serves every request of one connection until it ends. */
async function serve(connection: QuicConnection, context: ServeContext): Promise<void> {
  // hq-interop uses no unidirectional streams: refuse any the client opens.
  void connection.incomingUnidirectionalStreams.pipeTo(new WritableStream({ write: (stream) => stream.cancel({ streamErrorCode: HqErrorCode.badRequest }) })).catch(() => undefined);
  const requests = connection.incomingBidirectionalStreams.getReader();
  for (;;) {
    const next = await requests.read().catch(() => ({ done: true as const, value: undefined }));
    if (next.done) return;
    serveRequest(next.value, context).catch((error: unknown) => context.log(`request failed: ${(error as Error).message}`));
  }
}

/** Sends `GET path` and returns the response body. */
async function fetch(connection: QuicConnection, path: string): Promise<ReadableStream<Uint8Array>> {
  const stream = await connection.createBidirectionalStream();
  const writer = stream.writable.getWriter();
  await writer.write(encoder.encode(`GET ${path}\r\n`));
  await writer.close();
  return stream.readable;
}

/** One connection to `origin`; each fetch is a stream on it. */
async function client(origin: URL, settings: ClientSettings): Promise<ProtocolClient> {
  const { connect } = await import("@zquic/node");
  const connection = connect(origin.href, {
    alpn: [hqInterop.alpn],
    ...(settings.caFile !== undefined ? { caFile: settings.caFile } : { insecure: true }),
    sessionStore: settings.sessionStore,
    earlyData: settings.earlyData,
  });
  return {
    fetch: (url) => fetch(connection, url.pathname),
    close: async () => {
      connection.close({ closeCode: 0 });
      await connection.closed.catch(() => undefined);
    },
  };
}

/** `hq-interop`, both sides. */
export const hqInterop: Protocol = { alpn: "hq-interop", server: async (context) => ({ serve: (connection) => serve(connection, context) }), client };
