/**
 * A real Debian `unbound` on a loopback port, serving local zones, for tests
 * and benchmarks of classic DNS paths. It runs in the foreground under our
 * own configuration (no systemd, no chroot, no privilege drop) and is stopped
 * by its pid.
 *
 * @module
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createSocket } from "node:dgram";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Where Debian's `unbound` package installs the daemon. */
export const UNBOUND_BINARY = "/usr/sbin/unbound";

/** A zone unbound answers itself (`local-zone` of type `static`: NXDOMAIN with the SOA for names it lacks). */
export interface UnboundLocalZone {
  /** The zone apex, e.g. `zquic.test.`. */
  readonly name: string;
  /** `local-data` records in master-file form, e.g. `www.zquic.test. 300 IN A 192.0.2.1`. */
  readonly records: readonly string[];
}

/** A running unbound. */
export interface UnboundServer {
  readonly host: string;
  readonly port: number;
  readonly pid: number;
  /** The configuration it runs with. */
  readonly config: string;
  /** Stops it by its pid (SIGTERM, SIGKILL after 5 s) and removes its directory. */
  stop(): Promise<void>;
}

/** How long unbound gets to say it serves. */
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5000;
/** Ports tried when the one picked is taken meanwhile. */
const START_ATTEMPTS = 3;

/** The `unbound.conf` for `zones` on `host`:`port`, everything else off. */
export function unboundConfig(host: string, port: number, directory: string, zones: readonly UnboundLocalZone[]): string {
  const quote = (text: string) => `'${text}'`;
  return [
    "server:",
    `  interface: ${host}`,
    `  port: ${port}`,
    "  do-daemonize: no",
    '  chroot: ""',
    '  username: ""',
    `  directory: "${directory}"`,
    '  pidfile: ""',
    "  use-syslog: no",
    '  logfile: ""',
    "  verbosity: 1",
    `  do-ip6: ${host.includes(":") ? "yes" : "no"}`,
    "  num-threads: 1",
    `  access-control: ${host.includes(":") ? "::1/128" : "127.0.0.0/8"} allow`,
    // No DNSSEC validation: the local zones are unsigned and no trust anchor is needed.
    '  module-config: "iterator"',
    ...zones.flatMap((zone) => [`  local-zone: ${quote(zone.name)} static`, ...zone.records.map((record) => `  local-data: ${quote(record)}`)]),
    "remote-control:",
    "  control-enable: no",
    "",
  ].join("\n");
}

/**
 * Starts unbound on a free port of `host` (default 127.0.0.1) answering the
 * `zones`, and resolves once it serves. Rejects when the binary is missing
 * (install Debian's `unbound`) or it does not start.
 */
export async function startUnbound(zones: readonly UnboundLocalZone[], host = "127.0.0.1"): Promise<UnboundServer> {
  let lastError: unknown;
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
    const port = await freePort(host);
    const directory = mkdtempSync(join(tmpdir(), "zquic-unbound-"));
    try {
      return await launch(host, port, directory, zones);
    } catch (error) {
      rmSync(directory, { recursive: true, force: true });
      lastError = error;
    }
  }
  throw lastError;
}

async function launch(host: string, port: number, directory: string, zones: readonly UnboundLocalZone[]): Promise<UnboundServer> {
  const config = join(directory, "unbound.conf");
  writeFileSync(config, unboundConfig(host, port, directory, zones));
  const child = spawn(UNBOUND_BINARY, ["-d", "-c", config], { stdio: ["ignore", "ignore", "pipe"] });
  await started(child);
  const pid = child.pid!;
  return {
    host,
    port,
    pid,
    config,
    stop: async () => {
      await stopProcess(child);
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** Resolves when unbound logs "start of service"; rejects when it exits or stays silent. */
function started(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let log = "";
    const timer = setTimeout(() => fail(new Error(`unbound did not start within ${START_TIMEOUT_MS} ms:\n${log}`)), START_TIMEOUT_MS);
    const onExit = (code: number | null) => fail(new Error(`unbound exited with status ${code}:\n${log}`));
    const onError = (error: Error) => fail(new Error(`cannot run ${UNBOUND_BINARY} (${error.message}): install Debian's unbound package (apt-get install unbound)`));
    const onLog = (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes("start of service")) settle(resolve);
    };
    function settle(outcome: () => void): void {
      clearTimeout(timer);
      child.off("exit", onExit).off("error", onError);
      // Later output is not needed, but the pipe must keep draining.
      child.stderr!.off("data", onLog).resume();
      outcome();
    }
    function fail(error: Error): void {
      child.kill("SIGKILL");
      settle(() => reject(error));
    }
    child.on("exit", onExit).on("error", onError);
    child.stderr!.on("data", onLog);
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const force = setTimeout(() => process.kill(child.pid!, "SIGKILL"), STOP_TIMEOUT_MS);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    process.kill(child.pid!, "SIGTERM");
  });
}

/** A port free for both UDP and TCP on `host` right now (unbound listens on both). */
async function freePort(host: string): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once("error", reject);
      server.listen(0, host, () => {
        const address = server.address();
        server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const socket = createSocket(host.includes(":") ? "udp6" : "udp4");
      socket.once("error", () => resolve(false));
      socket.bind(port, host, () => socket.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
}
