/**
 * One run of one case for one pair: serve the case's files, start the
 * capture, the server, the relay (for relayed cases) and the client steps,
 * stop everything, decode the capture and judge the case's checks.
 *
 * @module
 */
import { appendFile, mkdir, readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { describeCheck, runCheck, type CheckOutcome } from "../capture/checks.js";
import { decodeCapture } from "../capture/decode.js";
import { compareDownloads } from "../capture/downloads.js";
import { Capture } from "../capture/dumpcap.js";
import { traceOf, type Topology } from "../capture/trace.js";
import type { TestCase } from "../cases.js";
import { protocolFor, type ClientContext, type Peer, type ServerContext } from "../peers/peer.js";
import { Child, udpPortBound, waitFor, type Finished, type Launch } from "../process.js";
import type { SocketAddress } from "../relay/address.js";
import { Relay, type RelayStats } from "../relay/relay.js";
import { parseScenario } from "../relay/scenario.js";
import type { CertificateCache } from "./certs.js";
import { freeUdpPort } from "./ports.js";
import { makeFiles } from "./www.js";

/** A client and a server peer. */
export interface Pair {
  readonly client: Peer;
  readonly server: Peer;
}

/** How a case ended. */
export type Status = "pass" | "fail" | "unsupported";

/** One check's verdict. */
export interface CheckResult {
  readonly check: string;
  readonly outcome: CheckOutcome;
}

/** The result of one run. */
export interface RunResult {
  readonly status: Status;
  /** Why it did not pass (who does not support what, or what failed). */
  readonly reason: string;
  readonly checks: readonly CheckResult[];
  /** A measurement's value (goodput, Mbit/s). */
  readonly value?: number;
  readonly durationMs: number;
  /** Where the logs (and, when kept, the capture) are. */
  readonly directory: string;
  readonly relay?: RelayStats;
}

/** What every run shares. */
export interface RunEnvironment {
  readonly certificates: CertificateCache;
  /** Keep the served and downloaded files, and the capture of passing runs. */
  readonly keep: boolean;
  readonly log: (line: string) => void;
}

/** Time to wait for a server to bind its port. */
const SERVER_START_MS = 10_000;

const result = (status: Status, reason: string, directory: string, started: number, extra: Partial<RunResult> = {}): RunResult => ({
  status,
  reason,
  checks: [],
  durationMs: performance.now() - started,
  directory,
  ...extra,
});

/** Where one run's endpoints live. */
interface Layout {
  readonly server: SocketAddress;
  readonly preferred?: SocketAddress;
  /** Where the client sends: the relay's port, or the server's. */
  readonly front: SocketAddress;
  readonly topology: Topology;
}

async function layout(testCase: TestCase): Promise<Layout> {
  const host = testCase.family === 6 ? "::1" : "127.0.0.1";
  const server = { address: host, port: await freeUdpPort(host) };
  const preferred = testCase.server.preferredAddress === true ? { address: host, port: await freeUdpPort(host) } : undefined;
  const front = testCase.path.kind === "relay" ? { address: host, port: await freeUdpPort(host) } : server;
  const serverPorts = [server.port, ...(preferred === undefined ? [] : [preferred.port])];
  return {
    server,
    ...(preferred === undefined ? {} : { preferred }),
    front,
    topology: { serverPorts, frontPorts: testCase.path.kind === "relay" ? [front.port] : serverPorts, relayed: testCase.path.kind === "relay" },
  };
}

/** `https://host:port/name` for each file, as the runner's `urlprefix` + file. */
function requestUrls(front: SocketAddress, names: readonly string[]): string[] {
  const authority = front.address.includes(":") ? `[${front.address}]:${front.port}` : `${front.address}:${front.port}`;
  return names.map((name) => `https://${authority}/${name}`);
}

/** The capture files of a run: one per leg, or one for both without a relay. */
function legFiles(directory: string, topology: Topology): { readonly client: string; readonly server: string } {
  return topology.relayed
    ? { client: join(directory, "client-leg.pcapng"), server: join(directory, "server-leg.pcapng") }
    : { client: join(directory, "trace.pcapng"), server: join(directory, "trace.pcapng") };
}

/** Starts one capture per leg (tshark cannot decrypt a connection seen on two 4-tuples in one file). */
async function startCaptures(directory: string, topology: Topology): Promise<Capture[]> {
  const files = legFiles(directory, topology);
  const legs = topology.relayed
    ? [{ file: files.client, ports: topology.frontPorts }, { file: files.server, ports: topology.serverPorts }]
    : [{ file: files.server, ports: topology.serverPorts }];
  const captures: Capture[] = [];
  try {
    for (const leg of legs) captures.push(await Capture.start(leg, join(directory, "dumpcap.log")));
  } catch (error) {
    await Promise.all(captures.map((capture) => capture.stop()));
    throw error;
  }
  return captures;
}

/** Every `keys-*.log` under `directories`, concatenated into `target`; false when there was none. */
async function mergeKeyLogs(directories: readonly string[], target: string): Promise<boolean> {
  let any = false;
  for (const directory of directories) {
    for (const name of (await readdir(directory)).filter((n) => n.startsWith("keys-")).sort()) {
      const text = await readFile(join(directory, name), "utf8");
      if (/^SERVER_HANDSHAKE_TRAFFIC_SECRET /m.test(text)) any = true;
      await appendFile(target, text.endsWith("\n") || text === "" ? text : `${text}\n`);
    }
  }
  return any;
}

/** A problem that ends a run before its checks. */
type Problem = { readonly status: Status; readonly reason: string };

/** The last line a process logged, to quote in a reason. */
async function lastLogLine(launch: Launch): Promise<string> {
  if (launch.log === undefined) return "";
  const text = await readFile(launch.log, "utf8").catch(() => "");
  return text.trim().split("\n").pop()?.trim() ?? "";
}

/** Why a process's exit makes the run unsupported or failed, or `undefined` when it is fine. */
async function exitProblem(who: string, launch: Launch, finished: Finished): Promise<Problem | undefined> {
  if (finished.error !== undefined) return { status: "fail", reason: `${who} could not start: ${finished.error}` };
  if (finished.code === 127) {
    const said = await lastLogLine(launch);
    return { status: "unsupported", reason: `${who} exited 127 (test case not supported)${said === "" ? "" : `: "${said}"`}` };
  }
  if (finished.stopped) return { status: "fail", reason: `${who} did not finish before the case's timeout` };
  if (finished.code !== 0) return { status: "fail", reason: `${who} exited ${finished.code ?? finished.signal}` };
  return undefined;
}

/** Runs the client's steps one after another within `deadline` (ms on the performance clock). */
async function runClient(steps: readonly Launch[], deadline: number, who: string): Promise<Problem | undefined> {
  for (const [index, step] of steps.entries()) {
    const finished = await Child.spawn(step).finish(Math.max(0, deadline - performance.now()));
    const problem = await exitProblem(steps.length > 1 ? `${who} (connection ${index + 1} of ${steps.length})` : who, step, finished);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** The run's directories. */
interface Directories {
  readonly www: string;
  readonly downloads: string;
  readonly client: string;
  readonly server: string;
}

/** Everything a run needs once both peers have agreed to take part. */
interface Prepared {
  readonly where: Layout;
  readonly names: readonly string[];
  readonly server: Launch;
  readonly client: readonly Launch[];
}

/** Serves the files, finds ports, and asks both peers for their plans; a `Problem` when one cannot take part. */
async function prepare(testCase: TestCase, pair: Pair, dirs: Directories, environment: RunEnvironment): Promise<Prepared | Problem> {
  const protocol = protocolFor(testCase, pair.client, pair.server);
  if (protocol === undefined) return { status: "unsupported", reason: `${pair.client.name} and ${pair.server.name} share no application protocol` };
  for (const path of [...Object.values(dirs), join(dirs.client, "qlog"), join(dirs.server, "qlog")]) await mkdir(path, { recursive: true });
  const names = await makeFiles(dirs.www, testCase.files);
  const common = { testCase, protocol, certs: await environment.certificates.get(testCase.certChain) };
  const where = await layout(testCase);
  const serverPlan = pair.server.server({
    ...common,
    logDir: dirs.server,
    www: dirs.www,
    listen: where.server,
    ...(where.preferred === undefined ? {} : { preferredAddress: where.preferred }),
  });
  if (!serverPlan.supported) return { status: "unsupported", reason: `${pair.server.name} server: ${serverPlan.reason}` };
  const clientPlan = pair.client.client({ ...common, logDir: dirs.client, downloads: dirs.downloads, connect: where.front, requests: requestUrls(where.front, names) });
  if (!clientPlan.supported) return { status: "unsupported", reason: `${pair.client.name} client: ${clientPlan.reason}` };
  return { where, names, server: serverPlan.run, client: clientPlan.run };
}

/** Captures, starts the server, the relay and the client steps, and stops them all; the problem if any, and the relay's counters. */
async function runProcesses(testCase: TestCase, pair: Pair, prepared: Prepared, directory: string, environment: RunEnvironment): Promise<{ problem?: Problem; relay?: RelayStats }> {
  const { where } = prepared;
  const captures = await startCaptures(directory, where.topology);
  const server = Child.spawn(prepared.server);
  let relay: Relay | undefined;
  let problem: Problem | undefined;
  let stats: RelayStats | undefined;
  try {
    const listening = await waitFor(async () => !server.running || (await udpPortBound(where.server.port)), SERVER_START_MS);
    if (!server.running || !listening) {
      const finished = server.running ? await server.stop() : await server.exited;
      return { problem: (await exitProblem(`${pair.server.name} server`, prepared.server, finished)) ?? { status: "fail", reason: `${pair.server.name} server did not start listening` } };
    }
    if (testCase.path.kind === "relay") {
      relay = await Relay.start({ routes: [{ listen: where.front, target: where.server }], impairments: parseScenario(testCase.scenario), log: environment.log });
    }
    problem = await runClient(prepared.client, performance.now() + testCase.timeoutSeconds * 1000, `${pair.client.name} client`);
    if (problem === undefined && !server.running) problem = await exitProblem(`${pair.server.name} server`, prepared.server, await server.exited);
  } finally {
    await server.stop();
    stats = await relay?.stop();
    await Promise.all(captures.map((capture) => capture.stop()));
  }
  return { ...(problem === undefined ? {} : { problem }), ...(stats === undefined ? {} : { relay: stats }) };
}

/** Decodes the captures and judges the case's checks. */
async function judge(testCase: TestCase, prepared: Prepared, dirs: Directories, directory: string, keylog: string): Promise<CheckResult[]> {
  const { topology } = prepared.where;
  const files = legFiles(directory, topology);
  const quicPorts = [...topology.serverPorts, ...topology.frontPorts];
  const decode = (pcap: string) => decodeCapture({ pcap, keylog, quicPorts });
  // Without a relay both legs are the one capture.
  const [client, server] = topology.relayed
    ? await Promise.all([decode(files.client), decode(files.server)])
    : await decode(files.server).then((both) => [both, both] as const);
  const evidence = { trace: traceOf({ client, server }, topology), downloads: await compareDownloads(dirs.www, dirs.downloads, prepared.names) };
  return testCase.checks.map((spec) => ({ check: describeCheck(spec), outcome: runCheck(spec, evidence) }));
}

/** Prepares, runs and judges one run; `executeCase` cleans up after it. */
async function attempt(testCase: TestCase, pair: Pair, dirs: Directories, directory: string, environment: RunEnvironment, started: number): Promise<RunResult> {
  const prepared = await prepare(testCase, pair, dirs, environment);
  if ("status" in prepared) return result(prepared.status, prepared.reason, directory, started);
  const { problem, relay } = await runProcesses(testCase, pair, prepared, directory, environment);
  const withRelay = relay === undefined ? {} : { relay };
  if (problem?.status === "unsupported") return result(problem.status, problem.reason, directory, started, withRelay);

  const keylog = join(directory, "keys.log");
  if (!(await mergeKeyLogs([dirs.client, dirs.server], keylog)) && testCase.needsKeyLog) {
    return result("unsupported", "no TLS key log (SSLKEYLOGFILE) from either endpoint: the checks need one", directory, started, withRelay);
  }
  const checks = await judge(testCase, prepared, dirs, directory, keylog);
  const failed = checks.find((c) => !c.outcome.pass);
  const status: Status = problem === undefined && failed === undefined ? "pass" : "fail";
  const reason = problem?.reason ?? (failed === undefined ? "" : `${failed.check}: ${failed.outcome.detail}`);
  const value = checks.find((c) => c.outcome.value !== undefined)?.outcome.value;
  return result(status, reason, directory, started, { checks, ...(value === undefined ? {} : { value }), ...withRelay });
}

/** Runs `testCase` once for `pair`, with logs under `directory`. */
export async function executeCase(testCase: TestCase, pair: Pair, directory: string, environment: RunEnvironment): Promise<RunResult> {
  const started = performance.now();
  const dirs: Directories = { www: join(directory, "www"), downloads: join(directory, "downloads"), client: join(directory, "client"), server: join(directory, "server") };
  try {
    const outcome = await attempt(testCase, pair, dirs, directory, environment, started);
    // The captures are kept when they may explain a failure.
    if (outcome.status !== "fail" && !environment.keep) {
      for (const name of await readdir(directory)) if (name.endsWith(".pcapng")) await rm(join(directory, name));
    }
    return outcome;
  } finally {
    // The download report holds what the files told.
    if (!environment.keep) for (const path of [dirs.www, dirs.downloads]) await rm(path, { recursive: true, force: true });
  }
}
