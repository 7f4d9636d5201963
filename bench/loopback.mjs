// Helpers for end-to-end benchmarks on loopback: servers in their own processes (the zquic
// command, Debian's ngtcp2 examples), a scratch directory with a certificate, process RSS,
// and the spread of a set of measurements. Every process is stopped by its pid.
import { spawn, spawnSync } from "node:child_process";
import { createSocket } from "node:dgram";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ZQUIC = fileURLToPath(new URL("../packages/cli/bin/zquic.mjs", import.meta.url));
export const GTLS_SERVER = "/usr/sbin/gtlsserver";
export const GTLS_CLIENT = "/usr/bin/gtlsclient";

/** A scratch directory with `cert.pem`/`priv.key` (for 127.0.0.1) and a document root `www`. */
export function scratch(name) {
  const dir = mkdtempSync(join(tmpdir(), `zquic-${name}-`));
  const made = spawnSync(process.execPath, [ZQUIC, "cert", "--out", dir, "--host", "127.0.0.1", "--host", "localhost"], { stdio: "ignore" });
  if (made.status !== 0) throw new Error("zquic cert failed (run npx tsc -b first)");
  const www = join(dir, "www");
  spawnSync("mkdir", ["-p", www]);
  return {
    dir,
    www,
    certFile: join(dir, "cert.pem"),
    keyFile: join(dir, "priv.key"),
    /** Writes `size` random-ish bytes to www/`name`. */
    publish(file, size) {
      const data = new Uint8Array(size);
      for (let i = 0; i < size; i += 65536) crypto.getRandomValues(data.subarray(i, Math.min(size, i + 65536)));
      writeFileSync(join(www, file), data);
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A UDP port on 127.0.0.1 that was free a moment ago. */
export async function freeUdpPort() {
  const socket = createSocket("udp4");
  await new Promise((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const { port } = socket.address();
  await new Promise((resolve) => socket.close(resolve));
  return port;
}

function udpPortBound(port) {
  const suffix = `:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  return readFileSync("/proc/net/udp", "utf8")
    .split("\n")
    .some((line) => line.trim().split(/\s+/)[1]?.endsWith(suffix));
}

/** Children still running; killed by pid if this process exits first (an error, an interrupt). */
const running = new Set();
process.once("exit", () => {
  for (const proc of running) proc.kill("SIGKILL");
});
for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => process.exit(130));

/** A child process: its pid, its exit, and stop() by pid (SIGTERM, then SIGKILL after 2 s). */
function child(command, args, options = {}) {
  const proc = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"], ...options });
  running.add(proc);
  const exited = new Promise((resolve) => proc.once("exit", (code) => (running.delete(proc), resolve(code))));
  return {
    proc,
    pid: proc.pid,
    exited,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), 2000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** `zquic server` on a free loopback port serving `ws.www`; resolves once it listens. */
export function startZquicServer(ws, extraArgs = []) {
  const server = child(process.execPath, [ZQUIC, "server", "--listen", "127.0.0.1:0", "--cert", ws.certFile, "--key", ws.keyFile, "--root", ws.www, ...extraArgs]);
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`zquic server did not start: ${out}`)), 20_000);
    server.proc.stdout.on("data", (chunk) => {
      out += chunk;
      const match = /listening on 127\.0\.0\.1:(\d+)/.exec(out);
      if (match === null) return;
      clearTimeout(timer);
      resolve({ ...server, port: Number(match[1]) });
    });
  });
}

/** A node script of this directory as a server that prints `listening on PORT`; resolves once it does. */
export function startNodeServer(script, args = [], nodeArgs = []) {
  const server = child(process.execPath, [...nodeArgs, fileURLToPath(new URL(script, import.meta.url)), ...args], { stdio: ["pipe", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`${script} did not start: ${out}`)), 20_000);
    server.proc.stdout.on("data", (chunk) => {
      out += chunk;
      const match = /listening on (\d+)/.exec(out);
      if (match === null) return;
      clearTimeout(timer);
      resolve({ ...server, port: Number(match[1]) });
    });
  });
}

/** gtlsserver (quiet) on a free loopback port serving `ws.www`; resolves once its socket is bound. */
export async function startGtlsServer(ws, extraArgs = []) {
  const port = await freeUdpPort();
  const server = child(GTLS_SERVER, ["-q", `--htdocs=${ws.www}`, ...extraArgs, "127.0.0.1", String(port), ws.keyFile, ws.certFile], { stdio: "ignore" });
  const deadline = Date.now() + 5000;
  while (!udpPortBound(port)) {
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error("gtlsserver did not bind its port");
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { ...server, port };
}

/** Runs gtlsclient (quiet) to its end, at most `limitMs`; resolves with its wall time in ms. */
export async function timeGtlsClient(args, limitMs = 120_000) {
  const started = performance.now();
  const client = child(GTLS_CLIENT, ["-q", "--exit-on-all-streams-close", ...args], { stdio: "ignore" });
  const timer = setTimeout(() => void client.stop(), limitMs);
  const code = await client.exited;
  clearTimeout(timer);
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`gtlsclient ${args.join(" ")} exited with ${code}`);
  return ms;
}

/** Resident set size of process `pid`, in bytes (Linux /proc). */
export function rssOf(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match === null ? NaN : Number(match[1]) * 1024;
}

/** Median, minimum and maximum of `values`. */
export function spread(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted.at(-1) };
}

/** `value` with `digits` decimals, as a string. */
export const fixed = (value, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : String(value));

/** The 1-minute load average, for the record. */
export const load = () => loadavg()[0].toFixed(1);
