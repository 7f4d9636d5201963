/**
 * Maps request paths to files under a root directory, refusing anything
 * that would leave it: `..` segments (also percent-encoded), absolute
 * paths, NUL bytes, and symbolic links that point outside.
 *
 * @module
 */
import { realpath, stat } from "node:fs/promises";
import { resolve, sep } from "node:path";

/** What a request path names. */
export type RootLookup = { readonly kind: "file"; readonly path: string } | { readonly kind: "missing" } | { readonly kind: "refused"; readonly reason: string };

/** Resolves `requestPath` (`/a/b.txt`, percent-encoded) to a regular file under `root`. */
export async function lookupUnderRoot(root: string, requestPath: string): Promise<RootLookup> {
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
  const info = await stat(real);
  return info.isFile() ? { kind: "file", path: real } : { kind: "missing" };
}

/** True when `path` is `base` or below it. */
function inside(base: string, path: string): boolean {
  return path === base || path.startsWith(base.endsWith(sep) ? base : base + sep);
}
