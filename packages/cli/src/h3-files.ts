/**
 * Serving a directory over HTTP/3: a fetch-style handler answering GET and
 * HEAD with a file's bytes and its exact `content-length`, 404 for what is not
 * there, 403 for what leaves the root.
 *
 * @module
 */
import type { Http3Handler } from "@zquic/node";
import { closeFile, openUnderRoot, readAt, readWhole, type OpenFile } from "./file-root.js";
import type { ServeContext } from "./protocol.js";

/** Bytes read from a file per body chunk; a file no larger is read at once and sent from memory. */
const FILE_CHUNK_BYTES = 64 * 1024;

/** RFC 9110 §9.3.1, §9.3.2: the methods a file server answers. */
const ALLOWED_METHODS = "GET, HEAD";

/** A short text response with its exact length. */
function textResponse(status: number, text: string, headers: Record<string, string> = {}): Response {
  const body = new TextEncoder().encode(text);
  return new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8", "content-length": String(body.length), ...headers } });
}

/** The handler that serves the files under `context.root`. */
export function fileHandler(context: ServeContext): Http3Handler {
  return (request) => {
    if (request.method !== "GET" && request.method !== "HEAD") return textResponse(405, "method not allowed\n", { allow: ALLOWED_METHODS });
    const path = new URL(request.url).pathname;
    const found = openUnderRoot(context.root, path);
    if (found.kind !== "file") {
      context.log(`refused ${JSON.stringify(path)}: ${found.kind === "missing" ? "not found" : found.reason}`);
      return found.kind === "missing" ? textResponse(404, "not found\n") : textResponse(403, "forbidden\n");
    }
    const headers = { "content-type": "application/octet-stream", "content-length": String(found.size) };
    if (request.method === "HEAD") {
      closeFile(found);
      return new Response(null, { headers });
    }
    if (found.size > FILE_CHUNK_BYTES) return new Response(fileBody(found), { headers });
    try {
      return new Response(readWhole(found), { headers });
    } finally {
      closeFile(found);
    }
  };
}

/**
 * A file's bytes as a stream, read as the reader asks; the file is closed at the
 * end, or on cancel. A file that shrinks meanwhile errors the stream (its content-length went out).
 */
function fileBody(file: OpenFile): ReadableStream<Uint8Array> {
  let position = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          // A fresh buffer per chunk: the reader may keep the chunk.
          const buffer = new Uint8Array(Math.min(FILE_CHUNK_BYTES, file.size - position));
          const bytesRead = await readAt(file, buffer, position);
          if (bytesRead === 0) throw new Error(`the file ended ${file.size - position} bytes short of its content-length`);
          position += bytesRead;
          controller.enqueue(buffer.subarray(0, bytesRead));
          if (position >= file.size) {
            closeFile(file);
            controller.close();
          }
        } catch (error) {
          closeFile(file);
          throw error;
        }
      },
      cancel: () => closeFile(file),
    },
    { highWaterMark: 0 },
  );
}
