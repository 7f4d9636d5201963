/**
 * The zquic interop endpoint: reads the runner's contract from the
 * environment and runs the client or the server role for the case with
 * `@zquic/node`, or exits 127 when the case is not supported (see
 * `support.ts`). Exit status: 0 success, 1 failure, 127 unsupported.
 *
 * @module
 */
import { runClient } from "./client.js";
import { readEnvironment, type EndpointEnvironment } from "./environment.js";
import { runServer } from "./server.js";
import { CLIENT_CASES, SERVER_CASES, type Support } from "./support.js";

/** Exit statuses of the interop runner's contract. */
const EXIT = { ok: 0, failed: 1, unsupported: 127 } as const;

const log = (line: string): void => void process.stderr.write(`zquic endpoint: ${line}\n`);

/** Runs the case `support` describes, or says why it is not run. */
async function perform<P>(env: EndpointEnvironment, support: Support<P> | undefined, run: (env: EndpointEnvironment, plan: P, log: (line: string) => void) => Promise<boolean>): Promise<number> {
  if (support === undefined || "unsupported" in support) {
    log(`${env.role} for "${env.testcase}" is not supported: ${support?.unsupported ?? "unknown test case"}`);
    return EXIT.unsupported;
  }
  return (await run(env, support.plan, log)) ? EXIT.ok : EXIT.failed;
}

async function main(): Promise<number> {
  const env = readEnvironment(process.env);
  if ("problem" in env) {
    log(env.problem);
    return EXIT.failed;
  }
  return env.role === "client" ? perform(env, CLIENT_CASES[env.testcase], runClient) : perform(env, SERVER_CASES[env.testcase], runServer);
}

// A run whose work stalls with nothing left to wait on (the event loop drains before `main`
// settles) must not look like success.
process.exitCode = EXIT.failed;
// Exit at once: sockets and timers of closed connections must not hold the process.
main().then(
  (status) => process.exit(status),
  (error: unknown) => {
    log(`failed: ${(error as Error).stack ?? String(error)}`);
    process.exit(EXIT.failed);
  },
);
