#!/usr/bin/env node
// Deno comes from the npm registry, but its package lists optional binaries for
// every platform and the registry this project uses holds only the Linux x64
// one, so a lock file that names deno cannot pass `npm ci`. It is installed
// here instead, after the locked install, without touching package.json or the
// lock file. Runs as the root `postinstall` script; does nothing once present.
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";

const DENO_VERSION = "2.9.6";
const root = new URL("..", import.meta.url).pathname;
if (existsSync(`${root}node_modules/.bin/deno`) || process.env.ZQUIC_SKIP_DENO === "1") process.exit(0);
const result = spawnSync("npm", ["install", "--no-save", "--no-package-lock", "--no-audit", "--no-fund", `deno@${DENO_VERSION}`], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, ZQUIC_SKIP_DENO: "1" },
});
process.exit(result.status ?? 1);
