// Runs the shared HTTP/3 scenario under Bun against the built adapter:
//   bun packages/bun/test/run-http3-scenario.mjs
import * as zquic from "../dist/index.js";
import { runHttp3Scenario } from "../../io/test/scenario/http3-scenario.mjs";

try {
  await runHttp3Scenario(zquic, { log: (line) => console.log(`bun [http3]: ${line}`) });
  console.log("bun: HTTP/3 SCENARIO PASSED");
  process.exit(0);
} catch (error) {
  console.error(`bun: HTTP/3 SCENARIO FAILED: ${error?.stack ?? error}`);
  process.exit(1);
}
