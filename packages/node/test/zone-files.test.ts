// Zone files loaded into a ZoneBackend, and reloaded when they change on disk.
import { copyFileSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Name, RRClass, RRType, formatRecord } from "@zquic/doq";
import { ZoneFiles, loadZoneFile, type ZoneReload } from "@zquic/node";
import { FIXTURE_ZONES, eventually } from "./doq-fixture.js";

const fixture = (name: string) => new URL(name, FIXTURE_ZONES).pathname;
const addressOf = (files: ZoneFiles, name: string) =>
  files.backend.lookup({ name: Name.parse(name), type: RRType.A, class: RRClass.IN }).answer.map(formatRecord);

describe("zone files", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "zquic-zones-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("loads the fixture zones into one backend", async () => {
    const files = await ZoneFiles.load([fixture("example.ghost"), fixture("example.zns")]);
    expect(files.backend.zones.sort()).toEqual(["example.ghost.", "example.zns."]);
    expect(addressOf(files, "mail.example.ghost")).toEqual(["mail.example.ghost. 600 IN A 192.0.2.25"]);
  });

  it("rejects a broken zone naming the file and the line", async () => {
    await expect(loadZoneFile(fixture("broken/bad-ipv4.ghost"))).rejects.toThrow(/broken\/bad-ipv4\.ghost:\d+: /);
    await expect(ZoneFiles.load([fixture("example.ghost"), fixture("broken/unclosed-quote.ghost")])).rejects.toThrow(/unclosed-quote\.ghost:\d+: /);
    await expect(loadZoneFile(join(dir, "absent.zone"))).rejects.toThrow(/absent\.zone: cannot read the zone file/);
  });

  it("refuses two files holding the same zone", async () => {
    const copy = join(dir, "copy.ghost");
    copyFileSync(fixture("example.ghost"), copy);
    await expect(ZoneFiles.load([fixture("example.ghost"), copy])).rejects.toThrow(/zone example\.ghost\. is already loaded from/);
  });

  it("reloads a zone rewritten in place or replaced by a rename, and keeps the old zone when the new one is broken", async () => {
    const path = join(dir, "example.zns");
    const original = readFileSync(fixture("example.zns"), "utf8");
    writeFileSync(path, original);
    const files = await ZoneFiles.load([path]);
    const reloads: ZoneReload[] = [];
    files.watch((reload) => reloads.push(reload));
    try {
      expect(addressOf(files, "example.zns")).toEqual(["example.zns. 600 IN A 198.51.100.7"]);

      writeFileSync(path, original.replace("198.51.100.7", "198.51.100.8").replace(" 7 3600", " 8 3600"));
      await eventually(() => reloads.length === 1);
      expect(reloads[0]).toMatchObject({ kind: "reloaded", path });
      expect(addressOf(files, "example.zns")).toEqual(["example.zns. 600 IN A 198.51.100.8"]);

      // Editors save by writing a new file and renaming it over the old one.
      writeFileSync(`${path}.tmp`, original.replace("198.51.100.7", "198.51.100.9"));
      renameSync(`${path}.tmp`, path);
      await eventually(() => reloads.length === 2);
      expect(addressOf(files, "example.zns")).toEqual(["example.zns. 600 IN A 198.51.100.9"]);

      const lines = original.split("\n");
      const brokenLine = lines.findIndex((line) => line.includes("198.51.100.53"));
      lines[brokenLine] = lines[brokenLine]!.replace("198.51.100.53", "198.51.100");
      writeFileSync(path, lines.join("\n"));
      await eventually(() => reloads.length === 3);
      const failed = reloads[2]!;
      expect(failed.kind).toBe("failed");
      expect(failed.kind === "failed" && failed.error.message).toContain(`${path}:${brokenLine + 1}: `);
      expect(addressOf(files, "example.zns")).toEqual(["example.zns. 600 IN A 198.51.100.9"]);
    } finally {
      files.close();
    }
  });

  it("serves a zone under its new apex when a file's origin changes", async () => {
    const path = join(dir, "moving.zone");
    const original = readFileSync(fixture("example.zns"), "utf8");
    writeFileSync(path, original);
    const files = await ZoneFiles.load([path]);
    const moved = await (writeFileSync(path, original.replaceAll("example.zns.", "moved.zns.")), files.reload(path));
    expect(moved.kind).toBe("reloaded");
    expect(files.backend.zones).toEqual(["moved.zns."]);
    expect(addressOf(files, "moved.zns")).toEqual(["moved.zns. 600 IN A 198.51.100.7"]);
  });
});
