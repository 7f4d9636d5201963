/**
 * The network simulator's scenario strings, as the interop runner passes
 * them (`"drop-rate --delay=15ms --bandwidth=10Mbps --queue=25
 * --rate_to_server=2 ..."`), turned into relay impairments. Parsing the
 * runner's own strings keeps the test-case table a faithful copy of its facts.
 *
 * @module
 */
import type { Blackhole } from "@zquic/sim";
import type { DirectionConfig } from "./direction.js";

/** When the relay's NAT rebinds the client: first after `first` ms, then every `every` ms (never again when absent). */
export interface RebindSchedule {
  readonly first: number;
  readonly every?: number;
  /** Also move the client to a new source address, not only a new port. */
  readonly address: boolean;
}

/** Both directions' impairments and the NAT's rebinding, as data. */
export interface Impairments {
  readonly toServer: DirectionConfig;
  readonly toClient: DirectionConfig;
  readonly rebind?: RebindSchedule;
}

type Args = ReadonlyMap<string, string>;

const TIME_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, ms: 1, s: 1000 };
const RATE_UNITS: Record<string, number> = { bps: 1, kbps: 1e3, mbps: 1e6, gbps: 1e9 };

function badScenario(problem: string): Error {
  return new RangeError(`scenario: ${problem}`);
}

function withUnit(value: string, units: Record<string, number>, what: string): number {
  const match = /^(\d+(?:\.\d+)?)([a-zA-Z]*)$/.exec(value);
  const scale = match === null ? undefined : units[match[2]!.toLowerCase()];
  if (match === null || scale === undefined) throw badScenario(`${what} "${value}" needs one of the units ${Object.keys(units).join(", ")}`);
  return Number(match[1]) * scale;
}

/** A duration such as `15ms` or `5s`, in ms. */
export function parseTime(value: string): number {
  return withUnit(value, TIME_UNITS, "time");
}

/** A bandwidth such as `10Mbps`, in bits per second. */
export function parseRate(value: string): number {
  return withUnit(value, RATE_UNITS, "bandwidth");
}

function required(args: Args, key: string): string {
  const value = args.get(key);
  if (value === undefined) throw badScenario(`missing --${key}`);
  return value;
}

function wholeNumber(value: string, key: string): number {
  if (!/^\d+$/.test(value)) throw badScenario(`--${key} must be a whole number, got "${value}"`);
  return Number(value);
}

function optionalNumber(args: Args, key: string, fallback: number): number {
  const value = args.get(key);
  return value === undefined ? fallback : wholeNumber(value, key);
}

function positions(value: string | undefined, key: string): readonly number[] | undefined {
  return value === undefined || value === "" ? undefined : value.split(",").map((item) => wholeNumber(item.trim(), key));
}

/** The point-to-point link every scenario has: delay, bandwidth and a drop-tail queue. */
function p2p(args: Args): Impairments {
  const link = {
    latency: parseTime(required(args, "delay")),
    bandwidth: parseRate(required(args, "bandwidth")),
    queue: wholeNumber(required(args, "queue"), "queue"),
  };
  return { toServer: { link }, toClient: { link } };
}

/** `rate_to_*` / `burst_to_*` of `drop-rate` and `corrupt-rate` (percent; burst unbounded unless given). */
function rates(args: Args, field: "dropRate" | "corruptRate"): Impairments {
  const base = p2p(args);
  const rate = (side: "server" | "client") => ({
    percent: wholeNumber(required(args, `rate_to_${side}`), `rate_to_${side}`),
    burst: optionalNumber(args, `burst_to_${side}`, Infinity),
  });
  return {
    toServer: { ...base.toServer, [field]: rate("server") },
    toClient: { ...base.toClient, [field]: rate("client") },
  };
}

/** `blackhole`: up for `on`, down for `off`, `repeat` times, in `direction` (both by default). */
function blackhole(args: Args): Impairments {
  const base = p2p(args);
  const on = parseTime(required(args, "on"));
  const cycle = on + parseTime(required(args, "off"));
  const repeat = optionalNumber(args, "repeat", 1);
  const direction = args.get("direction") ?? "both";
  if (!["both", "toclient", "toserver"].includes(direction)) throw badScenario(`--direction must be both, toclient or toserver, got "${direction}"`);
  const blackholes: Blackhole[] = Array.from({ length: repeat }, (_, k) => ({ from: on + k * cycle, until: (k + 1) * cycle }));
  const dark = (side: DirectionConfig, applies: boolean): DirectionConfig => (applies ? { ...side, link: { ...side.link, blackholes } } : side);
  return {
    toServer: dark(base.toServer, direction !== "toclient"),
    toClient: dark(base.toClient, direction !== "toserver"),
  };
}

/** `droplist`: drop the listed datagram positions in each direction. */
function droplist(args: Args): Impairments {
  const base = p2p(args);
  return {
    toServer: { ...base.toServer, dropList: positions(args.get("drops_to_server"), "drops_to_server") },
    toClient: { ...base.toClient, dropList: positions(args.get("drops_to_client"), "drops_to_client") },
  };
}

/** `rebind`: the NAT changes the client's port (and address with `--rebind-addr`) first at `first-rebind`, then every `rebind-freq`. */
function rebind(args: Args): Impairments {
  const every = args.get("rebind-freq");
  const everyMs = every === undefined ? 0 : parseTime(every);
  return {
    ...p2p(args),
    rebind: {
      first: parseTime(args.get("first-rebind") ?? "0s"),
      ...(everyMs > 0 ? { every: everyMs } : {}),
      address: args.has("rebind-addr") && args.get("rebind-addr") !== "false",
    },
  };
}

/** Every scenario the relay reproduces, with the options each accepts. */
const SCENARIOS: Record<string, { readonly keys: readonly string[]; readonly build: (args: Args) => Impairments }> = {
  "simple-p2p": { keys: [], build: p2p },
  "drop-rate": { keys: ["rate_to_server", "rate_to_client", "burst_to_server", "burst_to_client"], build: (args) => rates(args, "dropRate") },
  "corrupt-rate": { keys: ["rate_to_server", "rate_to_client", "burst_to_server", "burst_to_client"], build: (args) => rates(args, "corruptRate") },
  blackhole: { keys: ["on", "off", "repeat", "direction"], build: blackhole },
  droplist: { keys: ["drops_to_server", "drops_to_client"], build: droplist },
  rebind: { keys: ["first-rebind", "rebind-freq", "rebind-addr"], build: rebind },
};

/** The names of the scenarios {@link parseScenario} understands. */
export const SCENARIO_NAMES: readonly string[] = Object.keys(SCENARIOS);

/** `"name --key=value --flag ..."` → impairments; throws a `RangeError` naming the first problem. */
export function parseScenario(text: string): Impairments {
  const [name = "", ...options] = text.trim().split(/\s+/);
  const scenario = SCENARIOS[name];
  if (scenario === undefined) throw badScenario(`unknown scenario "${name}" (known: ${SCENARIO_NAMES.join(", ")})`);
  const args = new Map<string, string>();
  for (const option of options) {
    const match = /^--([\w-]+)(?:=(.*))?$/.exec(option);
    if (match === null) throw badScenario(`"${option}" is not --key=value`);
    const key = match[1]!;
    if (![...["delay", "bandwidth", "queue"], ...scenario.keys].includes(key)) throw badScenario(`${name} has no option --${key}`);
    args.set(key, match[2] ?? "true");
  }
  return scenario.build(args);
}
