// Runs the shared loopback scenario under Bun against the built adapter, over IPv4 and IPv6:
//   bun packages/bun/test/run-scenario.mjs
import * as zquic from "../dist/index.js";
import { runLoopbackScenario } from "../../io/test/scenario/loopback-scenario.mjs";

const runs = [
  { host: "127.0.0.1" },
  { host: "::1", downloadBytes: 1024 * 1024, parallelStreams: 20 },
];
try {
  for (const run of runs) await runLoopbackScenario(zquic, { ...run, log: (line) => console.log(`bun [${run.host}]: ${line}`) });
  console.log("bun: SCENARIO PASSED");
  process.exit(0);
} catch (error) {
  console.error(`bun: SCENARIO FAILED: ${error?.stack ?? error}`);
  process.exit(1);
}
