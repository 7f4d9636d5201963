/**
 * The zquic interop endpoint: reads the runner's contract from the
 * environment and runs the `zquic` command for the case, or exits 127 when
 * the case is not supported. Exit status: 0 success, 1 failure, 127 unsupported.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { ZQUIC_CLI } from "../paths.js";
import { readEnvironment } from "./environment.js";
import { SUPPORTED, UNSUPPORTED_REASON } from "./support.js";

/** Exit statuses of the interop runner's contract. */
const EXIT = { ok: 0, failed: 1, unsupported: 127 } as const;

function runZquic(args: readonly string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [ZQUIC_CLI, ...args], { stdio: "inherit" });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.once("SIGTERM", forward).once("SIGINT", forward);
    child.once("error", () => resolve(EXIT.failed));
    child.once("exit", (code) => resolve(code === 0 ? EXIT.ok : EXIT.failed));
  });
}

async function main(): Promise<number> {
  const env = readEnvironment(process.env);
  if ("problem" in env) {
    console.error(`zquic endpoint: ${env.problem}`);
    return EXIT.failed;
  }
  const build = SUPPORTED[env.role][env.testcase];
  if (build === undefined) {
    console.error(`zquic endpoint: ${env.role} for "${env.testcase}" ${UNSUPPORTED_REASON}`);
    return EXIT.unsupported;
  }
  return runZquic(build(env));
}

process.exitCode = await main();
