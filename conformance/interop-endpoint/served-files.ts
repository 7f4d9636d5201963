/**
 * The files the server serves: a request path mapped to a regular file under
 * the `WWW` directory (never outside it), and read as a stream.
 *
 * @module
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { resolve, sep } from "node:path";
import { Readable } from "node:stream";

/** A file to serve. */
export interface ServedFile {
  readonly path: string;
  readonly size: number;
}

/** The regular file `requestPath` (`/name`, percent-encoded) names under `root`, or `undefined`. */
export async function servedFile(root: string, requestPath: string): Promise<ServedFile | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(requestPath);
  } catch {
    return undefined;
  }
  const base = resolve(root);
  const path = resolve(base, `.${decoded}`);
  if (!path.startsWith(base + sep) || decoded.includes("\0")) return undefined;
  const info = await stat(path).catch(() => undefined);
  return info?.isFile() === true ? { path, size: info.size } : undefined;
}

/** The file's bytes as a stream. */
export function fileBody(file: ServedFile): ReadableStream<Uint8Array> {
  return Readable.toWeb(createReadStream(file.path)) as ReadableStream<Uint8Array>;
}
