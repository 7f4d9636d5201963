/**
 * Zone files (RFC 1035 §5) served by a `ZoneBackend`, loaded at start and
 * reloaded when they change. A file that fails to load on reload leaves its
 * zone as it was.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { ZoneBackend, loadZone, type Zone } from "@zquic/doq";
import { ZquicError } from "@zquic/wire";
import { watchFile } from "../file-watcher.js";

/** What happened on a reload. */
export type ZoneReload =
  /** `path` loaded again; `zone` is served from now on. */
  | { readonly kind: "reloaded"; readonly path: string; readonly zone: Zone }
  /** `path` did not load; the zone it held before is still served. The error names the file and line. */
  | { readonly kind: "failed"; readonly path: string; readonly error: Error };

/** Reads and checks the zone in `path`; errors name the file (and the line, for what is in it). */
export async function loadZoneFile(path: string): Promise<Zone> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new ZquicError("DNS_ZONE_FILE", `${path}: cannot read the zone file: ${(error as Error).message}`);
  }
  return loadZone(text, { fileName: path });
}

/** The zones of a set of files, one zone per file, in one {@link ZoneBackend}. */
export class ZoneFiles {
  /** Serves every zone; give it to a `Resolver` as a name backend. */
  readonly backend = new ZoneBackend();
  /** The zone each file holds now. */
  readonly #zones = new Map<string, Zone>();
  readonly #stops: (() => void)[] = [];

  private constructor() {}

  /** Loads every file; rejects with the first that fails, or when two files hold the same zone. */
  static async load(paths: readonly string[]): Promise<ZoneFiles> {
    const files = new ZoneFiles();
    const zones = await Promise.all(paths.map(loadZoneFile));
    zones.forEach((zone, i) => files.#serve(paths[i]!, zone));
    return files;
  }

  /** The zone each file holds now, by path. */
  get zones(): ReadonlyMap<string, Zone> {
    return this.#zones;
  }

  /** Reloads each file when it changes, reporting every reload to `onReload`. */
  watch(onReload: (reload: ZoneReload) => void): void {
    for (const path of this.#zones.keys()) this.#stops.push(watchFile(path, () => void this.reload(path).then(onReload)));
  }

  /** Loads `path` again: its zone is replaced when it loads, kept when it does not. */
  async reload(path: string): Promise<ZoneReload> {
    try {
      const zone = await loadZoneFile(path);
      this.#serve(path, zone);
      return { kind: "reloaded", path, zone };
    } catch (error) {
      return { kind: "failed", path, error: error as Error };
    }
  }

  /** Stops watching. */
  close(): void {
    for (const stop of this.#stops.splice(0)) stop();
  }

  /** Serves `zone` for `path`, in place of what `path` held. Throws when another file holds that zone. */
  #serve(path: string, zone: Zone): void {
    for (const [other, held] of this.#zones) {
      if (other !== path && held.origin.equals(zone.origin)) {
        throw new ZquicError("DNS_ZONE_TWICE", `${path}: zone ${zone.origin} is already loaded from ${other}`);
      }
    }
    const previous = this.#zones.get(path);
    this.backend.replaceZone(zone);
    if (previous !== undefined && !previous.origin.equals(zone.origin)) this.backend.removeZone(previous.origin);
    this.#zones.set(path, zone);
  }
}
