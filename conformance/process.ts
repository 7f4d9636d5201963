/**
 * Child processes of a conformance run: spawned in their own process group
 * (so an endpoint's helpers stop with it), output to a log file, waited for
 * with a deadline, stopped by their own id — never by name.
 *
 * @module
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** What to run, as data. */
export interface Launch {
  readonly command: string;
  readonly args: readonly string[];
  /** Added to (and overriding) the runner's own environment. */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** File receiving stdout and stderr; discarded when absent. */
  readonly log?: string;
}

/** How a process ended. */
export interface Finished {
  /** Exit status, or `null` when a signal ended it. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** True when the runner stopped it (deadline or teardown) rather than it exiting on its own. */
  readonly stopped: boolean;
  readonly durationMs: number;
  /** Set when the command could not be started at all (e.g. not installed). */
  readonly error?: string;
}

/** A running child process in its own process group. */
export class Child {
  /** Resolves when the process has exited. */
  readonly exited: Promise<Finished>;
  private stopRequested = false;
  private done = false;

  private constructor(private readonly child: ChildProcess) {
    const started = performance.now();
    this.exited = new Promise((resolve) => {
      const finish = (code: number | null, signal: NodeJS.Signals | null, error?: Error) => {
        if (this.done) return;
        this.done = true;
        resolve({ code, signal, stopped: this.stopRequested, durationMs: performance.now() - started, ...(error === undefined ? {} : { error: error.message }) });
      };
      child.once("exit", (code, signal) => finish(code, signal));
      child.once("error", (error) => finish(null, null, error));
    });
  }

  /** Starts `launch`; a command that cannot start finishes at once with {@link Finished.error} set. */
  static spawn(launch: Launch): Child {
    const fd = launch.log === undefined ? "ignore" : openSync(launch.log, "a");
    try {
      return new Child(
        spawn(launch.command, [...launch.args], {
          cwd: launch.cwd,
          env: { ...process.env, ...launch.env },
          stdio: ["ignore", fd, fd],
          detached: true,
        }),
      );
    } finally {
      if (typeof fd === "number") closeSync(fd);
    }
  }

  /** The process id (also its process group id), when it started. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** True while the process runs. */
  get running(): boolean {
    return !this.done && this.child.pid !== undefined;
  }

  /** Sends `signal` to the process group, then SIGKILL after `graceMs`; resolves when it has exited. */
  async stop(signal: NodeJS.Signals = "SIGTERM", graceMs = 2000): Promise<Finished> {
    if (this.running) {
      this.stopRequested = true;
      this.signalGroup(signal);
      const timer = setTimeout(() => this.signalGroup("SIGKILL"), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    return this.exited;
  }

  /** Waits for exit, stopping the process when `timeoutMs` passes first. */
  async finish(timeoutMs: number): Promise<Finished> {
    const timer = setTimeout(() => void this.stop(), timeoutMs);
    const finished = await this.exited;
    clearTimeout(timer);
    return finished;
  }

  private signalGroup(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined || this.done) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // Already gone.
    }
  }
}

/** Runs `launch` to completion within `timeoutMs`. */
export function run(launch: Launch, timeoutMs: number): Promise<Finished> {
  return Child.spawn(launch).finish(timeoutMs);
}

/** Runs `launch` and returns its output (stdout and stderr), for short queries such as `--version`. */
export async function output(launch: Launch, timeoutMs = 10_000): Promise<{ finished: Finished; text: string }> {
  const log = join(tmpdir(), `zquic-conformance-${process.pid}-${Math.random().toString(36).slice(2)}.log`);
  try {
    const finished = await run({ ...launch, log }, timeoutMs);
    return { finished, text: await readFile(log, "utf8").catch(() => "") };
  } finally {
    await rm(log, { force: true });
  }
}

/** Resolves once `predicate` holds, polling every `everyMs`; false when `timeoutMs` passes first. */
export async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 20): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return true;
    if (performance.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** True when some socket is bound to UDP `port` (IPv4 or IPv6), read from /proc/net/udp{,6}. */
export async function udpPortBound(port: number): Promise<boolean> {
  // Each line: "sl local_address rem_address …", the local address as HEXADDR:HEXPORT.
  const suffix = `:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  for (const table of ["/proc/net/udp", "/proc/net/udp6"]) {
    const text = await readFile(table, "utf8").catch(() => "");
    if (text.split("\n").some((line) => line.trim().split(/\s+/)[1]?.endsWith(suffix) === true)) return true;
  }
  return false;
}
