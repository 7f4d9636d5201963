/**
 * `zquic demo`: the main job, end to end, on one machine — a certificate, a
 * `zquic server` process on loopback, `zquic get` downloads over HTTP/3 and
 * over hq-interop, each file checked by SHA-256.
 *
 * @module
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ExitStatus, flag, integer, type Command, type Terminal } from "../command.js";
import { writeCertificate } from "./cert.js";

/** The `zquic` entry point, to run the real commands as their own processes. */
const ZQUIC = fileURLToPath(new URL("../../bin/zquic.mjs", import.meta.url));
/** How long the server may take to start listening. */
const STARTUP_MS = 15_000;
/** How long one download run may take. */
const DOWNLOAD_MS = 120_000;

export const demoCommand: Command = {
  name: "demo",
  summary: "run a server and downloads on loopback and check them",
  help: `Usage: zquic demo [--megabytes N] [--keep]

Makes a self-signed certificate and a directory of files in a temporary
directory, starts "zquic server" on 127.0.0.1, downloads every file with
"zquic get" over HTTP/3 and then over hq-interop, and checks each download
against the original by SHA-256. Exits 0 when every file arrived intact.

Options:
  --megabytes N  size of the largest file (default 10)
  --keep         keep the temporary directory
  -h, --help     show this help`,
  options: { megabytes: { type: "string" }, keep: { type: "boolean" } },
  positionals: false,
  async run(args, terminal) {
    const megabytes = integer(args, "megabytes", 10);
    const dir = await mkdtemp(join(tmpdir(), "zquic-demo-"));
    let server: ChildProcess | undefined;
    try {
      const { certFile, keyFile } = await writeCertificate(join(dir, "certs"), ["localhost", "127.0.0.1"]);
      const files = await writeFiles(join(dir, "www"), megabytes);
      terminal.out(`files: ${[...files.keys()].join(", ")} in ${join(dir, "www")}`);
      server = spawn(process.execPath, [ZQUIC, "server", "--listen", "127.0.0.1:0", "--cert", certFile, "--key", keyFile, "--root", join(dir, "www")], { stdio: ["ignore", "pipe", "inherit"] });
      const port = await listeningPort(server);
      terminal.out(`zquic server listening on 127.0.0.1:${port}`);
      let ok = true;
      for (const alpn of ["h3", "hq-interop"]) ok = (await download(alpn, port, certFile, join(dir, `downloads-${alpn}`), files, terminal)) && ok;
      terminal.out(ok ? "every download arrived intact" : "some downloads failed");
      return ok ? ExitStatus.ok : ExitStatus.failed;
    } finally {
      server?.kill("SIGTERM");
      if (flag(args, "keep")) terminal.out(`kept ${dir}`);
      else await rm(dir, { recursive: true, force: true });
    }
  },
};

/** An HTML page and random files up to `megabytes`, by name with their SHA-256. */
async function writeFiles(www: string, megabytes: number): Promise<Map<string, string>> {
  const contents = new Map<string, Uint8Array>([
    ["index.html", new TextEncoder().encode("<!doctype html><title>zquic</title><p>Served over QUIC by zquic.\n")],
    ["small.bin", randomBytes(16 << 10)],
    [`${megabytes}MB.bin`, randomBytes(megabytes << 20)],
  ]);
  await mkdir(www, { recursive: true });
  const hashes = new Map<string, string>();
  for (const [name, data] of contents) {
    await writeFile(join(www, name), data);
    hashes.set(name, sha256(data));
  }
  return hashes;
}

function sha256(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** The port the server prints once it listens ("listening on 127.0.0.1:PORT"). */
function listeningPort(server: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("zquic server did not start listening")), STARTUP_MS);
    let output = "";
    server.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on \S+:(\d+)/.exec(output);
      if (match !== null) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    server.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`zquic server exited early (status ${code})`));
    });
  });
}

/** Runs `zquic get` for every file over `alpn` and compares what arrived. */
async function download(alpn: string, port: number, certFile: string, output: string, files: Map<string, string>, terminal: Terminal): Promise<boolean> {
  const urls = [...files.keys()].map((name) => `https://localhost:${port}/${name}`);
  const started = performance.now();
  const status = await new Promise<number | null>((resolve) => {
    const get = spawn(process.execPath, [ZQUIC, "get", "--ca", certFile, "--alpn", alpn, "--output", output, ...urls], { stdio: ["ignore", "inherit", "inherit"] });
    const timer = setTimeout(() => get.kill("SIGTERM"), DOWNLOAD_MS);
    get.once("exit", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
  const seconds = (performance.now() - started) / 1000;
  let ok = status === 0;
  let bytes = 0;
  for (const [name, expected] of files) {
    const data = await readFile(join(output, name)).catch(() => undefined);
    const intact = data !== undefined && sha256(data) === expected;
    bytes += data?.length ?? 0;
    ok &&= intact;
    terminal.out(`  ${alpn.padEnd(10)} ${name.padEnd(12)} ${intact ? "ok" : "MISMATCH"}`);
  }
  terminal.out(`  ${alpn}: ${(bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(2)} s (${((bytes * 8) / 1e6 / seconds).toFixed(0)} Mbit/s, process start-up included)`);
  return ok;
}
