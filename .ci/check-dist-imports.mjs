#!/usr/bin/env node
// Loads every package's built entry point in plain Node ESM. Vitest transforms
// sources and hides import cycles that break real module evaluation (a
// constant read before its module finished initialising); this catches them.
import { readdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const root = new URL("..", import.meta.url).pathname;
const failures = [];
let loaded = 0;
for (const name of readdirSync(join(root, "packages"))) {
  const entry = join(root, "packages", name, "dist", "index.js");
  if (!existsSync(entry)) continue;
  try {
    await import(pathToFileURL(entry).href);
    loaded++;
  } catch (error) {
    failures.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
if (failures.length > 0) {
  console.error(`dist imports: ${failures.length} package(s) fail to load\n${failures.join("\n")}`);
  process.exit(1);
}
console.log(`dist imports: ${loaded} packages load in plain Node ESM`);
