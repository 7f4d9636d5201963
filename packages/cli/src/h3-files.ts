/**
 * Serving a directory over HTTP/3: a fetch-style handler answering GET and
 * HEAD with a file's bytes and its exact `content-length`, 404 for what is not
 * there, 403 for what leaves the root.
 *
 * @module
 */
import type { FileHandle } from "node:fs/promises";
import type { Http3Handler } from "@zquic/node";
import { openUnderRoot } from "./file-root.js";
import type { ServeContext } from "./protocol.js";

/** Bytes read from a file per body chunk. */
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
  return async (request) => {
    if (request.method !== "GET" && request.method !== "HEAD") return textResponse(405, "method not allowed\n", { allow: ALLOWED_METHODS });
    const path = new URL(request.url).pathname;
    const found = await openUnderRoot(context.root, path);
    if (found.kind !== "file") {
      context.log(`refused ${JSON.stringify(path)}: ${found.kind === "missing" ? "not found" : found.reason}`);
      return found.kind === "missing" ? textResponse(404, "not found\n") : textResponse(403, "forbidden\n");
    }
    const { file, size } = found;
    const headers = { "content-type": "application/octet-stream", "content-length": String(size) };
    if (request.method === "HEAD") {
      await file.close();
      return new Response(null, { headers });
    }
    return new Response(fileBody(file, size), { headers });
  };
}

/**
 * The `size` bytes of a file as a stream, read as the reader asks; the file is closed at the
 * end, or on cancel. A file that shrinks meanwhile errors the stream (its content-length went out).
 */
function fileBody(file: FileHandle, size: number): ReadableStream<Uint8Array> {
  let position = 0;
  const finish = async (controller: ReadableStreamDefaultController<Uint8Array>) => {
    await file.close();
    controller.close();
  };
  return new ReadableStream<Uint8Array>(
    {
      start: (controller) => (size === 0 ? finish(controller) : undefined),
      async pull(controller) {
        try {
          // A fresh buffer per chunk: the reader may keep the chunk.
          const buffer = new Uint8Array(Math.min(FILE_CHUNK_BYTES, size - position));
          const { bytesRead } = await file.read(buffer, 0, buffer.length, position);
          if (bytesRead === 0) throw new Error(`the file ended ${size - position} bytes short of its content-length`);
          position += bytesRead;
          controller.enqueue(buffer.subarray(0, bytesRead));
          if (position >= size) await finish(controller);
        } catch (error) {
          await file.close().catch(() => undefined);
          throw error;
        }
      },
      cancel: () => file.close(),
    },
    { highWaterMark: 0 },
  );
}
