import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { closeFile, openUnderRoot, readAt, readWhole } from "../src/file-root.js";

/** What `openUnderRoot` found, the file closed again. */
async function lookup(root: string, path: string): Promise<{ kind: string; path?: string; size?: number }> {
  const found = openUnderRoot(root, path);
  if (found.kind !== "file") return { kind: found.kind };
  closeFile(found);
  return { kind: found.kind, path: found.path, size: found.size };
}

const base = mkdtempSync(join(tmpdir(), "zquic-root-"));
const root = join(base, "www");
mkdirSync(join(root, "dir"), { recursive: true });
writeFileSync(join(root, "a.txt"), "a");
writeFileSync(join(root, "dir", "b c.txt"), "b");
writeFileSync(join(base, "secret.txt"), "secret");
symlinkSync(join(base, "secret.txt"), join(root, "escape"));
symlinkSync(join(root, "a.txt"), join(root, "inside-link"));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe("openUnderRoot", () => {
  it("finds regular files, percent-decoded, and ignores query and fragment", async () => {
    expect(await lookup(root, "/a.txt")).toEqual({ kind: "file", path: join(root, "a.txt"), size: 1 });
    expect(await lookup(root, "/dir/b%20c.txt?x=1#top")).toEqual({ kind: "file", path: join(root, "dir", "b c.txt"), size: 1 });
    expect(await lookup(root, "/dir/../a.txt")).toEqual({ kind: "file", path: join(root, "a.txt"), size: 1 });
    expect(await lookup(root, "/inside-link")).toEqual({ kind: "file", path: join(root, "a.txt"), size: 1 });
  });

  it("refuses every way out of the root", async () => {
    for (const path of ["/../secret.txt", "/..%2fsecret.txt", "/dir/..%2F..%2Fsecret.txt", "/%2e%2e/secret.txt", "/escape", "/a.txt%00.png", "a.txt", "/%zz"]) {
      expect({ path, kind: (await lookup(root, path)).kind }).toEqual({ path, kind: "refused" });
    }
  });

  it("reports missing files and directories as missing", async () => {
    for (const path of ["/nope", "/dir", "/", "/dir/"]) expect((await lookup(root, path)).kind).toBe("missing");
  });

  it("reads a file whole or from a position, and closes it once", async () => {
    const file = openUnderRoot(root, "/dir/b%20c.txt");
    if (file.kind !== "file") throw new Error(file.kind);
    expect(readWhole(file)).toEqual(new TextEncoder().encode("b"));
    const buffer = new Uint8Array(4);
    expect(await readAt(file, buffer, 0)).toBe(1);
    expect(await readAt(file, buffer, 1)).toBe(0);
    closeFile(file);
    closeFile(file); // a second close must not close a descriptor reused since
    expect(file.closed).toBe(true);
    await expect(readAt(file, buffer, 0)).rejects.toThrow();
  });
});
