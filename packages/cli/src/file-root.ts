/**
 * Maps request paths to files under a root directory, refusing anything
 * that would leave it: `..` segments (also percent-encoded), absolute
 * paths, NUL bytes, and symbolic links that point outside.
 *
 * Finding and opening a file is synchronous, as in most static file servers:
 * on a local disk the system calls take microseconds, where each round trip
 * through libuv's thread pool (`node:fs/promises`) cost this thread about ten
 * times as much (bench/RESULTS.md, h3). Only the reads of large files go
 * through the pool, a chunk at a time.
 *
 * @module
 */
import { closeSync, fstatSync, openSync, read, readSync, realpathSync } from "node:fs";
import { resolve, sep } from "node:path";

/** A regular file under the root, opened: read it with {@link readAt} or {@link readWhole}, then {@link closeFile}. */
export interface OpenFile {
  readonly kind: "file";
  /** The file's real path. */
  readonly path: string;
  readonly fd: number;
  readonly size: number;
  /** Set by {@link closeFile}: the descriptor may belong to another file by now. */
  closed: boolean;
}

/** What a request path names: a regular file, opened, or why not. */
export type RootFile = OpenFile | { readonly kind: "missing" } | { readonly kind: "refused"; readonly reason: string };

/** Opens the regular file `requestPath` (`/a/b.txt`, percent-encoded) names under `root`; directories and other non-files are missing. */
export function openUnderRoot(root: string, requestPath: string): RootFile {
  if (!requestPath.startsWith("/")) return { kind: "refused", reason: "the path does not start with /" };
  let decoded: string;
  try {
    decoded = decodeURIComponent(requestPath.replace(/[?#].*$/, ""));
  } catch {
    return { kind: "refused", reason: "the path is not valid percent-encoding" };
  }
  if (decoded.includes("\0")) return { kind: "refused", reason: "the path holds a NUL byte" };
  const base = realpathSync.native(root);
  const candidate = resolve(base, `.${decoded}`);
  if (!inside(base, candidate)) return { kind: "refused", reason: "the path leads outside the root" };
  let path: string;
  let fd: number;
  try {
    path = realpathSync.native(candidate);
    if (!inside(base, path)) return { kind: "refused", reason: "a link leads outside the root" };
    fd = openSync(path, "r");
  } catch {
    return { kind: "missing" }; // absent, or unreadable
  }
  try {
    const info = fstatSync(fd);
    if (info.isFile()) return { kind: "file", path, fd, size: info.size, closed: false };
  } catch {
    // treated as missing below
  }
  closeSync(fd);
  return { kind: "missing" };
}

/** Reads into `buffer` from `position` through the thread pool; resolves with the bytes read (0 at the end). */
export function readAt(file: OpenFile, buffer: Uint8Array, position: number): Promise<number> {
  return new Promise((resolve, reject) => read(file.fd, buffer, 0, buffer.length, position, (error, bytesRead) => (error ? reject(error) : resolve(bytesRead))));
}

/** The whole of a small file, read at once; throws when the file is shorter than its size was. */
export function readWhole(file: OpenFile): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(file.size);
  for (let at = 0; at < bytes.length; ) {
    const bytesRead = readSync(file.fd, bytes, at, bytes.length - at, at);
    if (bytesRead === 0) throw new Error(`the file ended ${bytes.length - at} bytes short of its size`);
    at += bytesRead;
  }
  return bytes;
}

/** Closes the file once; later calls do nothing (the descriptor number may be reused by then). */
export function closeFile(file: OpenFile): void {
  if (file.closed) return;
  file.closed = true;
  closeSync(file.fd);
}

/** True when `path` is `base` or below it. */
function inside(base: string, path: string): boolean {
  return path === base || path.startsWith(base.endsWith(sep) ? base : base + sep);
}
