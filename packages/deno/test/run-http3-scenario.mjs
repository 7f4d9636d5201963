// Runs the shared HTTP/3 scenario under Deno against the built adapter:
//   deno run --unstable-net --allow-net --allow-read packages/deno/test/run-http3-scenario.mjs
import * as zquic from "../dist/index.js";
import { runHttp3Scenario } from "../../io/test/scenario/http3-scenario.mjs";

try {
  await runHttp3Scenario(zquic, { log: (line) => console.log(`deno [http3]: ${line}`) });
  console.log("deno: HTTP/3 SCENARIO PASSED");
  Deno.exit(0);
} catch (error) {
  console.error(`deno: HTTP/3 SCENARIO FAILED: ${error?.stack ?? error}`);
  Deno.exit(1);
}
