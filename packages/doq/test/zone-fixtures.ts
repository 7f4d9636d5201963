// The fixture zones, loaded once for the resolver tests.
import { readFileSync } from "node:fs";
import { type Zone, loadZone } from "@zquic/doq";

const fixtures = new URL("./fixtures/zones/", import.meta.url);

/** Loads `fixtures/zones/<name>` with its origin taken from the file name. */
export function fixtureZone(name: string): Zone {
  return loadZone(readFileSync(new URL(name, fixtures), "utf8"), { fileName: `zones/${name}`, origin: `${name}.` });
}
