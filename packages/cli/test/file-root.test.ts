import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lookupUnderRoot } from "../src/file-root.js";

const base = mkdtempSync(join(tmpdir(), "zquic-root-"));
const root = join(base, "www");
mkdirSync(join(root, "dir"), { recursive: true });
writeFileSync(join(root, "a.txt"), "a");
writeFileSync(join(root, "dir", "b c.txt"), "b");
writeFileSync(join(base, "secret.txt"), "secret");
symlinkSync(join(base, "secret.txt"), join(root, "escape"));
symlinkSync(join(root, "a.txt"), join(root, "inside-link"));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe("lookupUnderRoot", () => {
  it("finds regular files, percent-decoded, and ignores query and fragment", async () => {
    expect(await lookupUnderRoot(root, "/a.txt")).toEqual({ kind: "file", path: join(root, "a.txt") });
    expect(await lookupUnderRoot(root, "/dir/b%20c.txt?x=1#top")).toEqual({ kind: "file", path: join(root, "dir", "b c.txt") });
    expect(await lookupUnderRoot(root, "/dir/../a.txt")).toEqual({ kind: "file", path: join(root, "a.txt") });
    expect(await lookupUnderRoot(root, "/inside-link")).toEqual({ kind: "file", path: join(root, "a.txt") });
  });

  it("refuses every way out of the root", async () => {
    for (const path of ["/../secret.txt", "/..%2fsecret.txt", "/dir/..%2F..%2Fsecret.txt", "/%2e%2e/secret.txt", "/escape", "/a.txt%00.png", "a.txt", "/%zz"]) {
      expect({ path, kind: (await lookupUnderRoot(root, path)).kind }).toEqual({ path, kind: "refused" });
    }
  });

  it("reports missing files and directories as missing", async () => {
    for (const path of ["/nope", "/dir", "/", "/dir/"]) expect((await lookupUnderRoot(root, path)).kind).toBe("missing");
  });
});
