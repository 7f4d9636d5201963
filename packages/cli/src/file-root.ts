/**
 * Maps request paths to files under a root directory, refusing anything
 * that would leave it: `..` segments (also percent-encoded), absolute
 * paths, NUL bytes, and symbolic links that point outside.
 *
 * @module
 */
import { open, realpath, type FileHandle } from "node:fs/promises";
import { resolve, sep } from "node:path";

/** What a request path names. */
type RootLookup = { readonly kind: "file"; readonly path: string } | { readonly kind: "missing" } | { readonly kind: "refused"; readonly reason: string };

/** What a request path names: a regular file, opened (the caller closes `file`), or why not. */
export type RootFile =
  | { readonly kind: "file"; readonly path: string; readonly file: FileHandle; readonly size: number }
  | { readonly kind: "missing" }
  | { readonly kind: "refused"; readonly reason: string };

/** Resolves `requestPath` (`/a/b.txt`, percent-encoded) to a path under `root` that exists. */
async function resolveUnderRoot(root: string, requestPath: string): Promise<RootLookup> {
  if (!requestPath.startsWith("/")) return { kind: "refused", reason: "the path does not start with /" };
  let decoded: string;
  try {
    decoded = decodeURIComponent(requestPath.replace(/[?#].*$/, ""));
  } catch {
    return { kind: "refused", reason: "the path is not valid percent-encoding" };
  }
  if (decoded.includes("\0")) return { kind: "refused", reason: "the path holds a NUL byte" };
  const base = await realpath(root);
  const candidate = resolve(base, `.${decoded}`);
  if (!inside(base, candidate)) return { kind: "refused", reason: "the path leads outside the root" };
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    return { kind: "missing" };
  }
  if (!inside(base, real)) return { kind: "refused", reason: "a link leads outside the root" };
  return { kind: "file", path: real };
}

/**
 * Opens the regular file `requestPath` names under `root`, with its size from
 * the open file itself; directories and other non-files are missing.
 */
export async function openUnderRoot(root: string, requestPath: string): Promise<RootFile> {
  const found = await resolveUnderRoot(root, requestPath);
  if (found.kind !== "file") return found;
  let file: FileHandle;
  try {
    file = await open(found.path, "r");
  } catch {
    return { kind: "missing" }; // gone since, or unreadable
  }
  try {
    const info = await file.stat();
    if (info.isFile()) return { kind: "file", path: found.path, file, size: info.size };
  } catch {
    // treated as missing below
  }
  await file.close();
  return { kind: "missing" };
}

/** True when `path` is `base` or below it. */
function inside(base: string, path: string): boolean {
  return path === base || path.startsWith(base.endsWith(sep) ? base : base + sep);
}
