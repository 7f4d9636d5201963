#!/usr/bin/env node
/**
 * `node conformance/dist/relay/cli.js`: the impairment relay for manual use.
 *
 * ```
 * relay --listen 127.0.0.1:4443 --target 127.0.0.1:4433 \
 *       [--scenario "drop-rate --delay=15ms --bandwidth=10Mbps --queue=25 --rate_to_server=2 --rate_to_client=2"] \
 *       [--seed 42] [--stats 5]
 * ```
 * `--listen`/`--target` may repeat (pairs by position: one route each).
 * Prints the listening addresses, each rebind, counters every `--stats`
 * seconds, and the final counters as JSON on SIGINT/SIGTERM.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { formatAddress, parseAddress } from "./address.js";
import { DEFAULT_SCENARIO, Relay, type RelayStats } from "./relay.js";
import { parseScenario } from "./scenario.js";

const USAGE = `usage: relay --listen ADDR:PORT --target ADDR:PORT [--listen … --target …] [--scenario "<simulator scenario>"] [--seed N] [--stats SECONDS]
default scenario: "${DEFAULT_SCENARIO}"`;

function summary(stats: RelayStats): string {
  const side = (name: string, s: RelayStats["toServer"]) =>
    `${name}: sent ${s.sent.datagrams}, delivered ${s.delivered.datagrams}, dropped ${Object.entries(s.dropped)
      .filter(([, t]) => t.datagrams > 0)
      .map(([reason, t]) => `${reason} ${t.datagrams}`)
      .join(" ") || "0"}, corrupted ${s.corrupted.datagrams}`;
  return `${side("to server", stats.toServer)} | ${side("to client", stats.toClient)} | bindings ${stats.bindings}, rebinds ${stats.rebinds.length}`;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      listen: { type: "string", multiple: true },
      target: { type: "string", multiple: true },
      scenario: { type: "string", default: DEFAULT_SCENARIO },
      seed: { type: "string" },
      stats: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const listens = values.listen ?? [];
  const targets = values.target ?? [];
  if (values.help === true || listens.length === 0 || listens.length !== targets.length) {
    (values.help === true ? console.log : console.error)(USAGE);
    return values.help === true ? 0 : 2;
  }
  const relay = await Relay.start({
    routes: listens.map((listen, i) => ({ listen: parseAddress(listen), target: parseAddress(targets[i]!) })),
    impairments: parseScenario(values.scenario),
    ...(values.seed === undefined ? {} : { seed: Number(values.seed) }),
    log: (line) => console.log(line),
  });
  relay.listening.forEach((address, i) => console.log(`relaying ${formatAddress(address)} -> ${targets[i]} (seed ${relay.stats.seed})`));
  const every = Number(values.stats ?? 0);
  const ticker = every > 0 ? setInterval(() => console.log(summary(relay.stats)), every * 1000) : undefined;
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  if (ticker !== undefined) clearInterval(ticker);
  console.log(JSON.stringify(await relay.stop(), null, 2));
  return 0;
}

main().then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    console.error(`relay: ${(error as Error).message}`);
    process.exitCode = 2;
  },
);
