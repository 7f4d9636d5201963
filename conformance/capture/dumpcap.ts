/**
 * Recording the loopback traffic of a run with `dumpcap` (Wireshark's
 * capture engine): every UDP datagram on the given ports, both legs of the
 * relay, into one pcapng file.
 *
 * @module
 */
import { stat } from "node:fs/promises";
import { Child, waitFor } from "../process.js";

/** A capture to run, as data. */
export interface CaptureSpec {
  /** The pcapng file to write. */
  readonly file: string;
  /** UDP ports whose datagrams (either direction) are recorded. */
  readonly ports: readonly number[];
  /** Interface; loopback by default. */
  readonly device?: string;
}

/** The libpcap filter for `ports`: `udp and (port 1 or port 2 …)`. */
export function captureFilter(ports: readonly number[]): string {
  return `udp and (${[...new Set(ports)].map((port) => `port ${port}`).join(" or ")})`;
}

/** How long to let the last datagrams reach the capture before stopping it. */
const SETTLE_MS = 300;

/** A running capture; {@link Capture.stop} finishes the file. */
export class Capture {
  private constructor(
    private readonly child: Child,
    readonly file: string,
  ) {}

  /** Starts `dumpcap` and resolves once it writes the file; rejects when it cannot start within 10 s. */
  static async start(spec: CaptureSpec, log?: string): Promise<Capture> {
    const child = Child.spawn({
      command: "dumpcap",
      args: ["-i", spec.device ?? "lo", "-f", captureFilter(spec.ports), "-w", spec.file, "-B", "64", "-q"],
      ...(log === undefined ? {} : { log }),
    });
    // dumpcap opens the interface first, then writes the file's header: a header means it is capturing.
    const ready = await waitFor(async () => !child.running || ((await stat(spec.file).catch(() => undefined))?.size ?? 0) > 0, 10_000);
    if (!ready || !child.running) {
      await child.stop();
      throw new Error(`dumpcap did not start capturing into ${spec.file}${log === undefined ? "" : ` (see ${log})`}`);
    }
    return new Capture(child, spec.file);
  }

  /** Lets the last datagrams arrive, then stops `dumpcap` so the file is complete. */
  async stop(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    await this.child.stop("SIGINT", 5000);
  }
}
