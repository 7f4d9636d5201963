// The built `zquic` command, spawned on loopback (run `npx tsc -b` first).
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requirePeers, runGtlsClient, startGtlsServer, workspace } from "../../node/test/ngtcp2-peers.js";

const bin = new URL("../bin/zquic.mjs", import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), "zquic-cli-"));

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `zquic args`; kills it after `ms`. */
function zquic(args: string[], ms = 30_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), ms);
    child.on("error", reject);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

describe("zquic --help and argument errors", () => {
  it("prints help for the command and every subcommand", async () => {
    const runs = await Promise.all([["--help"], ["server", "--help"], ["get", "-h"], ["cert", "--help"]].map((args) => zquic(args)));
    for (const run of runs) expect(run.status).toBe(0);
    expect(runs[0]!.stdout).toContain("Commands:");
    expect(runs[1]!.stdout).toContain("Usage: zquic server --listen HOST:PORT");
    expect(runs[2]!.stdout).toContain("Usage: zquic get");
    expect(runs[3]!.stdout).toContain("Usage: zquic cert --out DIR");
  });

  it("exits 2 with one line on stderr for bad arguments", async () => {
    const cases = [
      [],
      ["fly"],
      ["server", "--bogus"],
      ["server", "--listen", "localhost:443", "--cert", "c", "--key", "k", "--root", "."],
      ["server", "--listen", "127.0.0.1:443", "--cert", join(work, "missing.pem"), "--key", "k", "--root", "."],
      ["get"],
      ["get", "--insecure", "not-a-url"],
      ["get", "--insecure", "--ca", "x.pem", "https://127.0.0.1:4433/a"],
      ["get", "--insecure", "https://127.0.0.1:4433/a", "https://127.0.0.2:4433/b"],
      ["get", "--insecure", "--alpn", "gopher", "https://127.0.0.1:4433/a"],
      ["get", "--insecure", "--0rtt", "https://127.0.0.1:4433/a"],
      ["cert"],
      ["server", "--listen", "127.0.0.1:0", "--cert", "c", "--key", "k", "--root", ".", "--alpn", "h3,gopher"],
    ];
    const runs = await Promise.all(cases.map((args) => zquic(args)));
    runs.forEach((run, i) => {
      expect({ args: cases[i], status: run.status }).toEqual({ args: cases[i], status: 2 });
      if (cases[i]!.length > 0) expect(run.stderr.trim().split("\n")).toHaveLength(1);
      expect(run.stdout).toBe("");
    });
    expect(runs[9]!.stderr).toContain('no handler for ALPN "gopher"');
    expect(runs[12]!.stderr).toContain('no handler for ALPN "gopher" (available: h3, hq-interop)');
  });
});

describe("zquic cert, server (with Retry) and get on loopback", () => {
  const root = join(work, "www");
  const certs = join(work, "certs");
  let server: ChildProcess | undefined;
  let origin = "";
  const files = new Map<string, Buffer>([
    ["big.bin", randomBytes(1024 * 1024 + 123)],
    ["small.txt", Buffer.from("hello over QUIC\n")],
    ["nested/deep.bin", randomBytes(70_000)],
    ["empty", Buffer.alloc(0)],
  ]);

  beforeAll(async () => {
    mkdirSync(join(root, "nested"), { recursive: true });
    for (const [name, data] of files) writeFileSync(join(root, name), data);
    writeFileSync(join(work, "secret.txt"), "outside the root\n");
    const cert = await zquic(["cert", "--out", certs, "--host", "localhost", "--host", "127.0.0.1"]);
    expect(cert.status).toBe(0);
    expect(readFileSync(join(certs, "cert.pem"), "utf8")).toContain("-----BEGIN CERTIFICATE-----");
    expect(readFileSync(join(certs, "priv.key"), "utf8")).toContain("-----BEGIN PRIVATE KEY-----");
    const child = spawn(process.execPath, [bin, "server", "--listen", "127.0.0.1:0", "--cert", join(certs, "cert.pem"), "--key", join(certs, "priv.key"), "--root", root, "--retry"], { stdio: ["ignore", "pipe", "pipe"] });
    server = child;
    origin = await new Promise<string>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 20_000);
      child.stdout!.on("data", (chunk: Buffer) => {
        out += chunk;
        const match = /listening on (\S+) \(h3, hq-interop\)/.exec(out);
        if (match !== null) {
          clearTimeout(timer);
          resolve(`https://${match[1]}`);
        }
      });
      child.on("exit", (status) => reject(new Error(`server exited with ${status}`)));
    });
  });

  afterAll(async () => {
    if (server !== undefined && server.exitCode === null) {
      const exited = new Promise((resolve) => server!.on("exit", resolve));
      server.kill("SIGTERM");
      await exited;
    }
    rmSync(work, { recursive: true, force: true });
  });

  it.each([["h3"], ["hq-interop"]])("downloads several files over one connection, byte for byte (--alpn %s)", async (alpn) => {
    const output = join(work, `out-${alpn}`);
    const run = await zquic(["get", "--alpn", alpn, "--ca", join(certs, "cert.pem"), "--output", output, ...[...files.keys()].map((name) => `${origin}/${name}`)]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    for (const [name, data] of files) expect(sha256(readFileSync(join(output, name.split("/").pop()!)))).toBe(sha256(data));
  });

  it.each([
    ["h3", "the server answered 403", "the server answered 404"],
    ["hq-interop", "reset by the peer with code 2", "reset by the peer with code 3"],
  ])("refuses paths that leave the root, and missing files, with exit status 1 (--alpn %s)", async (alpn, refused, missing) => {
    const output = join(work, `refused-${alpn}`);
    const run = await zquic(["get", "--alpn", alpn, "--insecure", "--output", output, `${origin}/..%2fsecret.txt`, `${origin}/nested/..%2f..%2fsecret.txt`, `${origin}/no-such-file`]);
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines.filter((line) => line.includes(refused))).toHaveLength(2);
    expect(lines.filter((line) => line.includes(missing))).toHaveLength(1);
    expect(existsSync(join(output, "secret.txt"))).toBe(false);
    expect(existsSync(join(output, "no-such-file"))).toBe(false);
  });

  it("answers HEAD with the file's content-length and no body over h3", async () => {
    const { createHttp3Client } = await import("@zquic/node");
    const client = createHttp3Client({ caFile: join(certs, "cert.pem"), sessionStore: null });
    try {
      const head = await client.fetch(`${origin}/big.bin`, { method: "HEAD" });
      expect([head.status, head.headers.get("content-length"), head.body]).toEqual([200, String(files.get("big.bin")!.length), null]);
      const get = await client.fetch(`${origin}/nested/deep.bin`);
      expect(get.headers.get("content-length")).toBe("70000");
      expect(sha256(new Uint8Array(await get.arrayBuffer()))).toBe(sha256(files.get("nested/deep.bin")!));
      const post = await client.fetch(`${origin}/small.txt`, { method: "POST", body: "x" });
      expect([post.status, post.headers.get("allow")]).toEqual([405, "GET, HEAD"]);
    } finally {
      await client.close();
    }
  });

  it("serves gtlsclient (ngtcp2) over h3, and `zquic get` downloads from gtlsserver", async () => {
    requirePeers();
    const ws = workspace();
    try {
      await runGtlsClient(ws, Number(new URL(origin).port), [`${origin}/big.bin`, `${origin}/small.txt`]);
      expect(sha256(readFileSync(join(ws.downloads, "big.bin")))).toBe(sha256(files.get("big.bin")!));
      expect(readFileSync(join(ws.downloads, "small.txt"), "utf8")).toBe("hello over QUIC\n");
      const published = ws.publish("from-ngtcp2.bin", randomBytes(300_000));
      const server = await startGtlsServer(ws);
      try {
        const output = join(work, "from-gtlsserver");
        const run = await zquic(["get", "--ca", ws.certFile, "--output", output, `${server.origin}/from-ngtcp2.bin`]);
        expect([run.status, run.stderr]).toEqual([0, ""]);
        expect(sha256(readFileSync(join(output, "from-ngtcp2.bin")))).toBe(published);
      } finally {
        await server.process.stop();
      }
    } finally {
      ws.remove();
    }
  });

  it("fails the handshake against a CA that did not sign the server's certificate", async () => {
    const other = join(work, "other");
    expect((await zquic(["cert", "--out", other])).status).toBe(0);
    const run = await zquic(["get", "--ca", join(other, "cert.pem"), "--output", join(work, "untrusted"), `${origin}/small.txt`]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("CRYPTO_ERROR(0x30)"); // unknown_ca
  });

  it("keeps a session ticket with --resume and uses it for 0-RTT", async () => {
    const state = join(work, "session.json");
    const first = await zquic(["get", "--ca", join(certs, "cert.pem"), "--output", join(work, "r1"), "--resume", state, `${origin}/small.txt`]);
    expect(first.status).toBe(0);
    const saved = JSON.parse(readFileSync(state, "utf8")) as Record<string, string>;
    expect(Object.keys(saved).some((key) => key.startsWith("ticket "))).toBe(true);
    const second = await zquic(["get", "--ca", join(certs, "cert.pem"), "--output", join(work, "r2"), "--resume", state, "--0rtt", `${origin}/small.txt`, `${origin}/nested/deep.bin`]);
    expect(second.status).toBe(0);
    expect(readFileSync(join(work, "r2", "small.txt"), "utf8")).toBe("hello over QUIC\n");
    expect(sha256(readFileSync(join(work, "r2", "deep.bin")))).toBe(sha256(files.get("nested/deep.bin")!));
  });
});

describe("zquic demo", () => {
  it("runs a server and both protocols' downloads on loopback, checking every file", async () => {
    const run = await zquic(["demo", "--megabytes", "2"], 120_000);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain("every download arrived intact");
    expect(run.stdout.match(/ ok$/gm)).toHaveLength(6);
    expect(run.stdout).not.toContain("MISMATCH");
  });
});
