#!/usr/bin/env node
// The sans-I/O guard (DESIGN.md §1): core packages may not reach for the runtime,
// the clock or ambient randomness. The one exception is the `native` crypto
// provider (packages/crypto/src/native/), which other code may load only lazily.
import { readdirSync, readFileSync, statSync, existsSync } from "node:fs";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const corePackages = ["wire", "crypto", "tls", "quic", "h3", "doq", "grpc", "sim"];
// The async API is runtime-neutral but owns the timer: web-standard timers are allowed there.
const neutralPackages = ["io"];
const nativeDir = join(root, "packages/crypto/src/native");

const forbidden = [
  [/\bfrom\s+["']node:|\bimport\s*\(\s*["']node:|\brequire\s*\(/, "imports a node:* module"],
  [/\bBuffer\b/, "uses Buffer (use Uint8Array)"],
  [/\bDate\.now\b|\bnew Date\s*\(\s*\)/, "reads the clock (take `now` as an argument)"],
  [/\bMath\.random\b/, "uses Math.random (take an injected random source)"],
  [/\b(setTimeout|setInterval|setImmediate|queueMicrotask)\b/, "uses a timer (expose pollTimeout instead)"],
  [/\bDeno\b/, "touches Deno"],
  [/\bBun\b/, "touches Bun"],
  [/\bprocess\./, "touches process"],
];
const staticNativeImport = /\bfrom\s+["'][^"']*\/native(\/[^"']*)?["']/;

function stripComments(source) {
  return source.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, " ")).replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
}

function* sourceFiles(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|mts|js|mjs)$/.test(name) && !name.endsWith(".d.ts")) yield path;
  }
}

const timerRule = forbidden.find(([, what]) => what.startsWith("uses a timer"));
const clockRule = forbidden.find(([, what]) => what.startsWith("reads the clock"));
const rulesFor = (pkg) => (neutralPackages.includes(pkg) ? forbidden.filter((rule) => rule !== timerRule && rule !== clockRule) : forbidden);

const problems = [];
for (const pkg of [...corePackages, ...neutralPackages]) {
  const src = join(root, "packages", pkg, "src");
  if (!existsSync(src)) continue;
  for (const file of sourceFiles(src)) {
    if (file.startsWith(nativeDir)) continue;
    const lines = stripComments(readFileSync(file, "utf8")).split("\n");
    lines.forEach((line, i) => {
      for (const [pattern, what] of rulesFor(pkg)) {
        if (pattern.test(line)) problems.push(`${relative(root, file)}:${i + 1}: ${what}: ${line.trim()}`);
      }
      if (staticNativeImport.test(line)) {
        problems.push(`${relative(root, file)}:${i + 1}: imports the native provider statically (load it with import()): ${line.trim()}`);
      }
    });
  }
}

if (problems.length > 0) {
  console.error(`sans-I/O guard: ${problems.length} problem(s) in core packages\n${problems.join("\n")}`);
  process.exit(1);
}
console.log(`sans-I/O guard: core packages clean (${corePackages.join(", ")}); runtime-neutral: ${neutralPackages.join(", ")}`);
