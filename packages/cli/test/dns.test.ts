// `zquic dns serve` and `zquic dns query`, the built command spawned on loopback,
// with a real unbound as the classic upstream. Run `npx tsc -b` first.
import { spawn, type ChildProcess } from "node:child_process";
import { createSocket } from "node:dgram";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startUnbound, type UnboundServer } from "@zquic/testkit";
import { BIG_TXT_RECORDS, UNBOUND_ZONE } from "../../node/test/unbound-zone.js";

const bin = new URL("../bin/zquic.mjs", import.meta.url).pathname;
const zones = new URL("../../doq/test/fixtures/zones/", import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), "zquic-dns-"));
const certs = join(work, "certs");
const cert = join(certs, "cert.pem");
const key = join(certs, "priv.key");

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `zquic args` to its end; kills it after `ms`. */
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

/** A running `zquic dns serve`. */
class Service {
  stderr = "";
  private constructor(
    readonly child: ChildProcess,
    readonly address: string,
  ) {
    child.stderr!.on("data", (chunk: Buffer) => (this.stderr += chunk));
  }

  /** Starts `zquic dns serve` on a free port with `args`; resolves once it listens. */
  static start(args: string[]): Promise<Service> {
    const child = spawn(process.execPath, [bin, "dns", "serve", "--listen", "127.0.0.1:0", "--cert", cert, "--key", key, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    return new Promise<Service>((resolve, reject) => {
      let out = "";
      let err = "";
      child.stderr!.on("data", (chunk: Buffer) => (err += chunk));
      const timer = setTimeout(() => reject(new Error(`dns serve did not start: ${out}${err}`)), 20_000);
      child.stdout!.on("data", (chunk: Buffer) => {
        out += chunk;
        const match = /listening on (\S+) \(doq\)/.exec(out);
        if (match === null) return;
        clearTimeout(timer);
        resolve(new Service(child, match[1]!));
      });
      child.on("exit", (status) => reject(new Error(`dns serve exited with ${status}: ${err}`)));
    });
  }

  /** `zquic dns query` against this service. */
  query(...args: string[]): Promise<Run> {
    return zquic(["dns", "query", "--server", this.address, "--ca", cert, ...args]);
  }

  /** Resolves once stderr holds a line matching `pattern` (within 10 s). */
  async logged(pattern: RegExp): Promise<string> {
    const deadline = performance.now() + 10_000;
    for (;;) {
      const line = this.stderr.split("\n").find((l) => pattern.test(l));
      if (line !== undefined) return line;
      if (performance.now() > deadline) throw new Error(`no log line like ${pattern} in:\n${this.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** SIGTERM, then the exit status. */
  stop(): Promise<number | null> {
    if (this.child.exitCode !== null) return Promise.resolve(this.child.exitCode);
    const exited = new Promise<number | null>((resolve) => this.child.once("exit", resolve));
    this.child.kill("SIGTERM");
    return exited;
  }
}

/** The lines of a dig-style answer section. */
function answerSection(stdout: string): string[] {
  const lines = stdout.split("\n");
  const start = lines.indexOf(";; ANSWER SECTION:");
  if (start < 0) return [];
  const end = lines.indexOf("", start);
  return lines.slice(start + 1, end);
}

const status = (stdout: string) => /status: (\w+)/.exec(stdout)?.[1];
const flags = (stdout: string) => /;; flags: ([a-z ]*);/.exec(stdout)?.[1];
const queryTime = (stdout: string) => Number(/;; Query time: (\d+) msec/.exec(stdout)?.[1]);

beforeAll(async () => {
  const made = await zquic(["cert", "--out", certs, "--host", "localhost", "--host", "127.0.0.1"]);
  expect(made.status).toBe(0);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("zquic dns: help and argument errors", () => {
  it("prints help for the group and both commands", async () => {
    const [group, serve, query] = await Promise.all([zquic(["dns", "--help"]), zquic(["dns", "serve", "--help"]), zquic(["dns", "query", "-h"])]);
    expect(group.status).toBe(0);
    expect(group.stdout).toMatch(/Usage: zquic dns <command>[\s\S]*serve[\s\S]*query/);
    expect(serve.stdout).toContain("Usage: zquic dns serve --listen HOST:PORT --cert FILE --key FILE --zone FILE...");
    expect(serve.stdout).toContain("Metrics:");
    expect(query.stdout).toContain("Usage: zquic dns query [--server HOST:PORT] [--ca FILE | --insecure]");
    expect(query.stdout).toContain("Exit status:");
  });

  it("exits 2 with one line on stderr for bad arguments", async () => {
    const zone = join(zones, "example.ghost");
    const serve = ["dns", "serve", "--listen", "127.0.0.1:0", "--cert", cert, "--key", key];
    const cases = [
      ["dns", "bogus"],
      [...serve],
      [...serve, "--zone", zone, "--upstream", "localhost:53"],
      [...serve, "--zone", zone, "--upstream", "doq://127.0.0.1:853"],
      [...serve, "--zone", zone, "--upstream", "127.0.0.1:53", "--upstream-insecure"],
      [...serve, "--zone", zone, "--upstream", "https://127.0.0.1:853"],
      [...serve, "--zone", zone, "--qps", "-3"],
      [...serve, "--zone", zone, "--metrics", "often"],
      ["dns", "serve", "--listen", "127.0.0.1:0", "--cert", join(work, "missing.pem"), "--key", key, "--zone", zone],
      ["dns", "query", "--insecure"],
      ["dns", "query", "--insecure", "example.ghost", "BOGUS"],
      ["dns", "query", "--insecure", "example.ghost", "A", "extra"],
      ["dns", "query", "example.ghost"],
      ["dns", "query", "--insecure", "--server", "127.0.0.1", "example.ghost"],
      ["dns", "query", "--insecure", "--timeout", "0", "example.ghost"],
      ["dns", "query", "--insecure", "bad..name"],
    ];
    const runs = await Promise.all(cases.map((args) => zquic(args)));
    runs.forEach((run, i) => {
      expect({ args: cases[i], status: run.status }).toEqual({ args: cases[i], status: 2 });
      expect({ args: cases[i], lines: run.stderr.trim().split("\n").length }).toEqual({ args: cases[i], lines: 1 });
      expect(run.stdout).toBe("");
    });
    expect(runs[1]!.stderr).toContain("--zone is required");
    expect(runs[3]!.stderr).toContain("--upstream-ca FILE or --upstream-insecure");
  });

  it("exits 2 and lists the commands for a bare `zquic dns`", async () => {
    const run = await zquic(["dns"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("Usage: zquic dns <command>");
  });
});

describe("zquic dns query without a server", () => {
  it("exits 1 with one line once --timeout passes", async () => {
    const silent = createSocket("udp4");
    await new Promise<void>((resolve) => silent.bind(0, "127.0.0.1", resolve));
    try {
      const run = await zquic(["dns", "query", "--server", `127.0.0.1:${silent.address().port}`, "--insecure", "--timeout", "500", "example.ghost"]);
      expect(run.status).toBe(1);
      expect(run.stdout).toBe("");
      expect(run.stderr.trim()).toBe(`zquic dns query: no response from 127.0.0.1:${silent.address().port} within 500 ms`);
    } finally {
      silent.close();
    }
  });
});

describe("zquic dns serve with a bad zone file at start", () => {
  it("exits 1 with one line naming the file and the line", async () => {
    const run = await zquic(["dns", "serve", "--listen", "127.0.0.1:0", "--cert", cert, "--key", key, "--zone", join(zones, "example.ghost"), "--zone", join(zones, "broken/bad-ipv4.ghost")]);
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toMatch(/^zquic dns serve: .*broken\/bad-ipv4\.ghost:\d+: /);
    expect(run.stdout).toBe("");
  });
});

describe("zquic dns serve: zones, forwarding to unbound, reloads, metrics", () => {
  let unbound: UnboundServer;
  let service: Service;
  const zns = join(work, "example.zns");
  const original = readFileSync(join(zones, "example.zns"), "utf8");

  beforeAll(async () => {
    unbound = await startUnbound([UNBOUND_ZONE]);
    copyFileSync(join(zones, "example.zns"), zns);
    service = await Service.start(["--zone", join(zones, "example.ghost"), "--zone", zns, "--upstream", `127.0.0.1:${unbound.port}`, "--metrics", "0"]);
  });

  afterAll(async () => {
    await service?.stop();
    await unbound?.stop();
  });

  it("answers A, AAAA, TXT and HTTPS for .ghost and .zns names authoritatively, in dig's layout", async () => {
    const asked = [
      ["example.ghost", "A", "example.ghost.\t3600\tIN\tA\t192.0.2.10"],
      ["example.ghost", "AAAA", "example.ghost.\t3600\tIN\tAAAA\t2001:db8:6::10"],
      ["vault.example.zns", "TXT", 'vault.example.zns.\t60\tIN\tTXT\t"contract=0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0" "chain=ghostchain"'],
      ["example.ghost", "HTTPS", 'example.ghost.\t3600\tIN\tHTTPS\t1 . alpn="h3,h2" port=443 ipv4hint=192.0.2.10 ipv6hint=2001:db8:6::10'],
    ] as const;
    const runs = await Promise.all(asked.map(([name, type]) => service.query(name, type)));
    runs.forEach((run, i) => {
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
      expect(status(run.stdout)).toBe("NOERROR");
      expect(flags(run.stdout)).toBe("qr aa rd ra");
      expect(answerSection(run.stdout)).toEqual([asked[i]![2]]);
      expect(run.stdout).toContain(`;${asked[i]![0]}.\t\tIN\t${asked[i]![1]}`);
      expect(run.stdout).toMatch(/;; MSG SIZE {2}rcvd: 468\n/);
      expect(run.stdout).toMatch(/;; Query time: \d+ msec/);
    });
  });

  it("exits 3 for NXDOMAIN, printing the SOA in the authority section", async () => {
    const [ours, theirs] = await Promise.all([service.query("nope.example.ghost", "A"), service.query("nothing.zquic.test", "A")]);
    for (const run of [ours, theirs]) {
      expect(run.status).toBe(3);
      expect(status(run.stdout)).toBe("NXDOMAIN");
      expect(run.stdout).toMatch(/;; AUTHORITY SECTION:\n\S+\t\d+\tIN\tSOA\t/);
    }
    expect(flags(ours.stdout)).toBe("qr aa rd ra");
    expect(flags(theirs.stdout)).toBe("qr rd ra");
  });

  it("forwards other names to unbound, over TCP when the UDP answer is truncated, and caches them", async () => {
    const aaaa = await service.query("www.zquic.test", "AAAA");
    expect(aaaa.status).toBe(0);
    expect(flags(aaaa.stdout)).toBe("qr rd ra");
    expect(answerSection(aaaa.stdout)).toEqual(["www.zquic.test.\t120\tIN\tAAAA\t2001:db8::1"]);
    const big = await service.query("big.zquic.test", "TXT");
    expect(big.status).toBe(0);
    expect(answerSection(big.stdout)).toHaveLength(BIG_TXT_RECORDS);
    const again = await service.query("www.zquic.test", "AAAA");
    expect(answerSection(again.stdout)[0]).toMatch(/^www\.zquic\.test\.\t1[12]\d\tIN\tAAAA\t2001:db8::1$/);
    service.child.kill("SIGUSR1");
    const metrics = await service.logged(/^metrics .*cache_hits=[1-9]/);
    expect(metrics).toMatch(/queries=\d+ responses=\S*NOERROR:\d+/);
    expect(metrics).toMatch(/cache_hit_ratio=0\.\d\d upstream_queries=[1-9]\d* upstream_failures=0 upstream_timeouts=0 upstream_latency_ms=mean:\d+\.\d,max:\d+\.\d/);
  });

  it("reloads a zone file when it changes, and keeps serving the old zone when the new file is broken", async () => {
    writeFileSync(zns, original.replace("198.51.100.7", "198.51.100.8"));
    await service.logged(/^zone example\.zns\. reloaded from .*example\.zns \(serial 7, \d+ records\)$/);
    const changed = await service.query("example.zns", "A");
    expect(answerSection(changed.stdout)).toEqual(["example.zns.\t600\tIN\tA\t198.51.100.8"]);

    const lines = original.replace("198.51.100.7", "198.51.100.8").split("\n");
    const broken = lines.findIndex((line) => line.startsWith("ns "));
    lines[broken] = "ns         A     not-an-address";
    writeFileSync(zns, lines.join("\n"));
    const failure = await service.logged(/^zone reload failed/);
    expect(failure).toContain(`still serving the previous zone: ${zns}:${broken + 1}: `);
    const kept = await service.query("example.zns", "A");
    expect(answerSection(kept.stdout)).toEqual(["example.zns.\t600\tIN\tA\t198.51.100.8"]);
  });

  it("resumes with --resume, sending the next run's query in 0-RTT data", async () => {
    const state = join(work, "dns-session.json");
    const first = await service.query("--resume", state, "example.ghost", "A");
    expect(first.status).toBe(0);
    expect(first.stdout).toContain("(DoQ)");
    const second = await service.query("--resume", state, "example.ghost", "A");
    expect(second.status).toBe(0);
    expect(second.stdout).toContain("(DoQ, 0-RTT)");
    expect(answerSection(second.stdout)).toEqual(["example.ghost.\t3600\tIN\tA\t192.0.2.10"]);
  });

  it("serves as a DoQ upstream of another instance", async () => {
    const downstream = await Service.start(["--zone", join(zones, "example.ghost"), "--upstream", `doq://${service.address}`, "--upstream-ca", cert]);
    try {
      const forwarded = await downstream.query("vault.example.zns", "TXT");
      expect(forwarded.status).toBe(0);
      expect(flags(forwarded.stdout)).toBe("qr rd ra");
      expect(answerSection(forwarded.stdout)).toHaveLength(1);
      const twice = await downstream.query("www.zquic.test", "A");
      expect(answerSection(twice.stdout)).toEqual(["www.zquic.test.\t120\tIN\tA\t192.0.2.1"]);
    } finally {
      expect(await downstream.stop()).toBe(0);
    }
  });

  it("stops on SIGTERM with exit status 0", async () => {
    expect(await service.stop()).toBe(0);
  });
});

describe("zquic dns serve with an upstream that does not answer", () => {
  it("answers SERVFAIL at once when nothing listens upstream", async () => {
    const probe = createSocket("udp4");
    await new Promise<void>((resolve) => probe.bind(0, "127.0.0.1", resolve));
    const port = probe.address().port;
    await new Promise<void>((resolve) => probe.close(resolve));
    const service = await Service.start(["--zone", join(zones, "example.ghost"), "--upstream", `127.0.0.1:${port}`, "--upstream-timeout", "5000"]);
    try {
      const run = await service.query("www.zquic.test", "A");
      expect(run.status).toBe(1);
      expect(status(run.stdout)).toBe("SERVFAIL");
      expect(queryTime(run.stdout)).toBeLessThan(5000);
      // The zones still answer.
      expect((await service.query("example.ghost", "A")).status).toBe(0);
    } finally {
      await service.stop();
    }
  });

  it("answers SERVFAIL after --upstream-timeout when the upstream is silent", async () => {
    const silent = createSocket("udp4");
    await new Promise<void>((resolve) => silent.bind(0, "127.0.0.1", resolve));
    const service = await Service.start(["--zone", join(zones, "example.ghost"), "--upstream", `127.0.0.1:${silent.address().port}`, "--upstream-timeout", "400"]);
    try {
      const run = await service.query("www.zquic.test", "A");
      expect(run.status).toBe(1);
      expect(status(run.stdout)).toBe("SERVFAIL");
      expect(queryTime(run.stdout)).toBeGreaterThanOrEqual(400);
      service.child.kill("SIGUSR1");
      expect(await service.logged(/^metrics /)).toMatch(/upstream_failures=1 upstream_timeouts=1 /);
    } finally {
      await service.stop();
      silent.close();
    }
  });
});
