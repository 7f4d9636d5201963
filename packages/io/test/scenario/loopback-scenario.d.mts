/** What the scenario needs of an adapter: its `connect` and `listen`. */
export interface ScenarioAdapter {
  connect(target: { host: string; port: number }, options: object): unknown;
  listen(options: object): Promise<unknown>;
}

/** Measurements of one run. */
export interface ScenarioResults {
  /** Download throughput in MB/s (10^6 bytes per second). */
  readonly downloadMBps: number;
}

/** Runs the shared loopback scenario against `zquic`; rejects on the first failed check. */
export function runLoopbackScenario(
  zquic: ScenarioAdapter,
  options?: { host?: string; downloadBytes?: number; parallelStreams?: number; log?: (line: string) => void },
): Promise<ScenarioResults>;
