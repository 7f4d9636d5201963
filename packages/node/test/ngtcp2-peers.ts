// Debian's ngtcp2 examples (gtlsserver, gtlsclient: ngtcp2 0.12.1 with GnuTLS, HTTP/3 only) as
// real peers on loopback. A missing binary fails the test; every process is started on a
// free port, every wait is bounded, and every process is stopped by its pid.
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { createSocket } from "node:dgram";
import { accessSync, constants, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { nobleProvider } from "@zquic/crypto";
import { serve, type Http3RequestInfo, type Http3Server, type NodeServeOptions, type QlogFactory } from "@zquic/node";
import { generateSelfSigned } from "@zquic/tls";

export const GTLS_SERVER = "/usr/sbin/gtlsserver";
export const GTLS_CLIENT = "/usr/bin/gtlsclient";

/** GnuTLS priority strings that allow one TLS 1.3 cipher suite only. */
export const ONLY_SUITE = {
  aes128: "NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+AES-128-GCM",
  aes256: "NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+AES-256-GCM",
  chacha20: "NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+CHACHA20-POLY1305",
} as const;

/** Throws (so the test fails, never skips) unless the ngtcp2 examples are installed. */
export function requirePeers(): void {
  for (const binary of [GTLS_SERVER, GTLS_CLIENT]) {
    try {
      accessSync(binary, constants.X_OK);
    } catch {
      throw new Error(`${binary} is missing: install Debian's ngtcp2-server and ngtcp2-client (.ci/run does)`);
    }
  }
}

/** A scratch directory with a certificate for localhost/127.0.0.1, a document root and a download directory. */
export interface Workspace {
  readonly dir: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly certPem: string;
  readonly keyPem: string;
  readonly www: string;
  readonly downloads: string;
  /** Writes `data` under the document root and returns its SHA-256. */
  publish(name: string, data: Uint8Array): string;
  remove(): void;
}

export function workspace(): Workspace {
  const dir = mkdtempSync(join(tmpdir(), "zquic-ngtcp2-"));
  const now = Date.now();
  const cert = generateSelfSigned({ keyType: "p256", hosts: ["localhost", "127.0.0.1"], notBefore: now - 86_400_000, notAfter: now + 30 * 86_400_000, provider: nobleProvider, random: nobleProvider.random });
  const certFile = join(dir, "cert.pem");
  const keyFile = join(dir, "priv.key");
  writeFileSync(certFile, cert.certificatePem);
  writeFileSync(keyFile, cert.privateKeyPem, { mode: 0o600 });
  const www = join(dir, "www");
  const downloads = join(dir, "downloads");
  mkdirSync(www);
  mkdirSync(downloads);
  return {
    dir,
    certFile,
    keyFile,
    certPem: cert.certificatePem,
    keyPem: cert.privateKeyPem,
    www,
    downloads,
    publish(name, data) {
      writeFileSync(join(www, name), data);
      return sha256(data);
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function sha256(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** The SHA-256 of a downloaded file. */
export function fileSha256(path: string): string {
  return sha256(readFileSync(path));
}

/** A UDP port on 127.0.0.1 that was free a moment ago. */
export async function freeUdpPort(): Promise<number> {
  const socket = createSocket("udp4");
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(0, "127.0.0.1", () => resolve());
  });
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** True once some socket is bound to UDP `port` on IPv4 (Linux: /proc/net/udp, local_address in hex). */
function udpPortBound(port: number): boolean {
  const suffix = `:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  return readFileSync("/proc/net/udp", "utf8")
    .split("\n")
    .some((line) => line.trim().split(/\s+/)[1]?.endsWith(suffix) === true);
}

/** A process of a test, its output in a file. */
export class PeerProcess {
  readonly exited: Promise<number | null>;
  readonly #child: ChildProcess;

  private constructor(
    child: ChildProcess,
    readonly logFile: string,
  ) {
    this.#child = child;
    this.exited = new Promise((resolve) => {
      child.once("exit", (code) => resolve(code));
      child.once("error", () => resolve(null));
    });
  }

  static start(command: string, args: readonly string[], logFile: string, env: Record<string, string> = {}): PeerProcess {
    const fd = openSync(logFile, "a");
    try {
      const child = spawn(command, [...args], { stdio: ["ignore", fd, fd], env: { ...process.env, ...env } });
      return new PeerProcess(child, logFile);
    } finally {
      closeSync(fd);
    }
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** What it printed so far. */
  output(): string {
    return readFileSync(this.logFile, "utf8");
  }

  /** Waits for it to exit on its own within `ms`, else stops it; resolves with its exit status (null when stopped). */
  async finish(ms: number): Promise<number | null> {
    const timer = setTimeout(() => void this.stop(), ms);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  /** SIGTERM by pid, SIGKILL after a second; resolves once it exited. */
  async stop(): Promise<void> {
    const pid = this.#child.pid;
    if (pid === undefined || this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    this.#child.kill("SIGTERM");
    const timer = setTimeout(() => this.#child.kill("SIGKILL"), 1000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** A running gtlsserver. */
export interface GtlsServer {
  readonly port: number;
  readonly process: PeerProcess;
  readonly origin: string;
}

/**
 * Starts gtlsserver on a free loopback port serving `ws.www`, and waits (at most 5 s) until
 * its socket is bound. `options` are extra command-line options (e.g. `-V`, `--ciphers=…`).
 * `quiet` drops the per-packet debug output (for bulk transfers).
 */
export async function startGtlsServer(ws: Workspace, options: readonly string[] = [], quiet = false): Promise<GtlsServer> {
  const port = await freeUdpPort();
  const args = [...(quiet ? ["-q"] : ["--no-quic-dump", "--no-http-dump"]), `--htdocs=${ws.www}`, ...options, "127.0.0.1", String(port), ws.keyFile, ws.certFile];
  const process = PeerProcess.start(GTLS_SERVER, args, join(ws.dir, `gtlsserver-${port}.log`), { SSLKEYLOGFILE: join(ws.dir, `gtlsserver-${port}.keys`) });
  const deadline = Date.now() + 5000;
  while (!udpPortBound(port)) {
    if (process.pid === undefined || Date.now() > deadline) {
      await process.stop();
      throw new Error(`gtlsserver did not bind 127.0.0.1:${port} within 5 s: ${process.output().slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { port, process, origin: `https://127.0.0.1:${port}` };
}

/**
 * Runs gtlsclient against 127.0.0.1:`port` for `urls` (downloads go to `ws.downloads`, where
 * files of the same names are removed first), waits at most `ms` and stops it after that.
 * gtlsclient exits 0 even when a transfer died, so callers compare what arrived.
 */
export async function runGtlsClient(ws: Workspace, port: number, urls: readonly string[], options: readonly string[] = [], ms = 30_000, quiet = false): Promise<{ code: number | null; output: string }> {
  for (const url of urls) rmSync(join(ws.downloads, basename(new URL(url).pathname)), { force: true });
  const args = [...(quiet ? ["-q"] : ["--no-quic-dump", "--no-http-dump"]), "--exit-on-all-streams-close", `--download=${ws.downloads}`, ...options, "127.0.0.1", String(port), ...urls];
  const process = PeerProcess.start(GTLS_CLIENT, args, join(ws.dir, `gtlsclient-${Date.now()}-${Math.random().toString(36).slice(2)}.log`));
  const code = await process.finish(ms);
  return { code, output: process.output() };
}

/** qlog records (parsed) of the connections a zquic endpoint made, for assertions on its own events. */
export function qlogRecorder(): { readonly factory: QlogFactory; records(): QlogRecord[]; connections(): QlogRecord[][] } {
  const all: QlogRecord[] = [];
  return {
    factory:
      ({ odcid }) =>
      (record) => {
        const parsed = JSON.parse(record.replace(/^\u001e/, "")) as Record<string, unknown>;
        if (typeof parsed.name === "string") all.push({ connection: Buffer.from(odcid).toString("hex"), name: parsed.name, data: (parsed.data ?? {}) as Record<string, unknown> });
      },
    records: () => [...all],
    connections: () => [...new Set(all.map((record) => record.connection))].map((id) => all.filter((record) => record.connection === id)),
  };
}

/** One qlog event of a zquic connection (named by its original Destination Connection ID). */
export interface QlogRecord {
  readonly connection: string;
  readonly name: string;
  readonly data: Record<string, unknown>;
}

/** The events named `name` (e.g. "quic:key_updated"). */
export function events(records: readonly QlogRecord[], name: string): Record<string, unknown>[] {
  return records.filter((r) => r.name === name).map((r) => r.data);
}

/** The transport parameters a side set (qlog `parameters_set`, `owner` "local" or "remote"). */
export function parameters(records: readonly QlogRecord[], owner: "local" | "remote"): Record<string, unknown> {
  return Object.assign({}, ...events(records, "quic:parameters_set").filter((data) => data.owner === owner)) as Record<string, unknown>;
}

/** qlog frames of packets of `packetType` (e.g. "initial", "0RTT") sent or received. */
export function framesOf(records: readonly QlogRecord[], direction: "sent" | "received", packetType: string): Record<string, unknown>[] {
  return events(records, `quic:packet_${direction}`)
    .filter((data) => (data.header as { packet_type?: string } | undefined)?.packet_type === packetType)
    .flatMap((data) => (data.frames ?? []) as Record<string, unknown>[]);
}

/**
 * A zquic HTTP/3 server on a free loopback port serving the files under `ws.www` (read once,
 * answered with their content-length, 404 otherwise); `requests` records who asked what.
 */
export async function serveDirectory(
  ws: Workspace,
  options: Partial<NodeServeOptions> = {},
): Promise<{ server: Http3Server; port: number; origin: string; requests: { path: string; info: Http3RequestInfo }[] }> {
  const files = new Map<string, Uint8Array<ArrayBuffer>>();
  const requests: { path: string; info: Http3RequestInfo }[] = [];
  const server = await serve({ port: 0, hostname: "127.0.0.1", cert: ws.certPem, key: ws.keyPem, ...options }, (request, info) => {
    const path = new URL(request.url).pathname;
    requests.push({ path, info });
    let body = files.get(path);
    if (body === undefined) {
      try {
        body = new Uint8Array(readFileSync(join(ws.www, path)));
      } catch {
        return new Response("not found\n", { status: 404 });
      }
      files.set(path, body);
    }
    return new Response(body, { headers: { "content-type": "application/octet-stream", "content-length": String(body.length) } });
  });
  const port = server.address.port;
  return { server, port, origin: `https://127.0.0.1:${port}`, requests };
}

/** `promise`, or a rejection naming `what` once `ms` passed: every wait in these tests is bounded. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves once `condition()` holds, checking every 20 ms; rejects after `ms`. */
export async function eventually(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
