/**
 * Comparing what the client downloaded with what the server served, by
 * SHA-256, as the runner compares its `/www` and `/downloads` directories:
 * every expected file present and equal, nothing else there.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";

/** What the download directory holds, compared with the served files. */
export interface DownloadReport {
  readonly expected: readonly string[];
  readonly missing: readonly string[];
  readonly unexpected: readonly string[];
  /** Present but different (size or content). */
  readonly mismatched: readonly string[];
}

/** SHA-256 of a file, hex. */
export function fileHash(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(path)
      .on("data", (chunk) => hash.update(chunk))
      .on("error", reject)
      .on("end", () => resolve(hash.digest("hex")));
  });
}

async function regularFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
}

async function same(a: string, b: string): Promise<boolean> {
  const [sizeA, sizeB] = await Promise.all([stat(a), stat(b)]);
  return sizeA.size === sizeB.size && (await fileHash(a)) === (await fileHash(b));
}

/** Compares `downloads` with the `expected` files of `www`. */
export async function compareDownloads(www: string, downloads: string, expected: readonly string[]): Promise<DownloadReport> {
  const present = new Set(await regularFiles(downloads));
  const wanted = new Set(expected);
  const mismatched: string[] = [];
  for (const name of expected) if (present.has(name) && !(await same(join(www, name), join(downloads, name)))) mismatched.push(name);
  return {
    expected,
    missing: expected.filter((name) => !present.has(name)),
    unexpected: [...present].filter((name) => !wanted.has(name)),
    mismatched,
  };
}

/** True when every expected file arrived intact and nothing else did. */
export function downloadsComplete(report: DownloadReport): boolean {
  return report.missing.length === 0 && report.unexpected.length === 0 && report.mismatched.length === 0;
}
