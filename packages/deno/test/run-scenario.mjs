// Runs the shared loopback scenario under Deno against the built adapter, over IPv4 and IPv6:
//   deno run --unstable-net --allow-net --allow-read packages/deno/test/run-scenario.mjs
import * as zquic from "../dist/index.js";
import { runLoopbackScenario } from "../../io/test/scenario/loopback-scenario.mjs";

const runs = [
  { host: "127.0.0.1" },
  { host: "::1", downloadBytes: 1024 * 1024, parallelStreams: 20 },
];
try {
  for (const run of runs) await runLoopbackScenario(zquic, { ...run, log: (line) => console.log(`deno [${run.host}]: ${line}`) });
  console.log("deno: SCENARIO PASSED");
  Deno.exit(0);
} catch (error) {
  console.error(`deno: SCENARIO FAILED: ${error?.stack ?? error}`);
  Deno.exit(1);
}
