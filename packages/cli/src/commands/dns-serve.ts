/**
 * `zquic dns serve`: the resolver service over DNS over QUIC.
 *
 * @module
 */
import { stat } from "node:fs/promises";
import { ExitStatus, UsageError, flag, integer, list, optional, required, type Arguments, type Command } from "../command.js";
import { parseHostPort } from "../host-port.js";
import type { UpstreamConfig } from "../dns/resolver-service.js";
import { parseUpstream } from "../dns/upstream-address.js";

/** Defaults the help text states. */
const DEFAULTS = { upstreamTimeoutMs: 2000, maxStreams: 100, qps: 1000, burst: 200, cacheEntries: 10_000, metricsSeconds: 60 } as const;

/** `zquic dns serve`. */
export const dnsServeCommand: Command = {
  name: "serve",
  summary: "answer DNS over QUIC from zone files, forwarding other names upstream",
  help: `Usage: zquic dns serve --listen HOST:PORT --cert FILE --key FILE --zone FILE... [options]

Answers DNS over QUIC (RFC 9250) until interrupted (SIGINT or SIGTERM). Names
under the zones of the zone files (RFC 1035 master files, with $ORIGIN or
absolute names) are answered authoritatively; every other name is forwarded
to the upstream through a cache that respects TTLs and caches negative answers
(RFC 2308), or REFUSED without an upstream. An upstream that does not answer
in time makes the answer SERVFAIL.

Zone files are reloaded when they change. A file that fails to load at start
stops the server with an error naming the file and line; one that fails on
reload is logged the same way and its previous zone stays in service.

Options:
  --listen HOST:PORT        address to listen on, e.g. 0.0.0.0:853 or [::1]:8853 (port 0: any free port)
  --cert FILE               certificate chain in PEM, leaf first
  --key FILE                private key in PEM
  --zone FILE               a zone file to serve (repeatable)
  --upstream ADDR           HOST:PORT: classic DNS (UDP, then TCP when truncated);
                            doq://HOST:PORT: DNS over QUIC
  --upstream-ca FILE        CA certificates for a doq:// upstream (PEM)
  --upstream-insecure       accept any certificate from a doq:// upstream (testing only)
  --upstream-timeout MS     time the upstream gets before SERVFAIL (default ${DEFAULTS.upstreamTimeoutMs})
  --max-streams N           queries one connection may have in progress (default ${DEFAULTS.maxStreams})
  --qps N                   queries a second one client address may send, sustained (default ${DEFAULTS.qps})
  --burst N                 queries one client address may send at once above the rate (default ${DEFAULTS.burst})
  --cache-size N            answers the cache keeps (default ${DEFAULTS.cacheEntries})
  --metrics SECONDS         log a metrics line every SECONDS (default ${DEFAULTS.metricsSeconds}; 0: only on SIGUSR1)
  -h, --help                show this help

Queries beyond --max-streams, --qps or --burst are reset with DOQ_EXCESSIVE_LOAD.

Metrics: one line on stderr every --metrics seconds and on SIGUSR1:
  metrics queries=N responses=NOERROR:N,NXDOMAIN:N,... backend_answers=N
  cache_hits=N cache_misses=N cache_hit_ratio=R upstream_queries=N
  upstream_failures=N upstream_timeouts=N upstream_latency_ms=mean:X,max:Y
  connections=N excessive_load=N cancelled=N

Environment: SSLKEYLOGFILE appends TLS secrets for Wireshark; QLOGDIR writes qlog traces.`,
  options: {
    listen: { type: "string" },
    cert: { type: "string" },
    key: { type: "string" },
    zone: { type: "string", multiple: true },
    upstream: { type: "string" },
    "upstream-ca": { type: "string" },
    "upstream-insecure": { type: "boolean" },
    "upstream-timeout": { type: "string" },
    "max-streams": { type: "string" },
    qps: { type: "string" },
    burst: { type: "string" },
    "cache-size": { type: "string" },
    metrics: { type: "string" },
  },
  positionals: false,
  async run(args, terminal) {
    const { host, port } = parseHostPort(required(args, "listen"));
    const certFile = await existingFile(args, "cert");
    const keyFile = await existingFile(args, "key");
    const zoneFiles = list(args, "zone", []);
    if (zoneFiles.length === 0) throw new UsageError("--zone is required (one or more zone files)");
    const upstream = await upstreamConfig(args);
    const limits = { maxConcurrentQueries: integer(args, "max-streams", DEFAULTS.maxStreams), queriesPerSecond: integer(args, "qps", DEFAULTS.qps), queryBurst: integer(args, "burst", DEFAULTS.burst) };
    const metricsSeconds = integer(args, "metrics", DEFAULTS.metricsSeconds, 0);
    const { ResolverService } = await import("../dns/resolver-service.js");
    const service = await ResolverService.start({
      host,
      port,
      certFile,
      keyFile,
      zoneFiles,
      ...(upstream !== undefined ? { upstream } : {}),
      upstreamTimeoutMs: integer(args, "upstream-timeout", DEFAULTS.upstreamTimeoutMs),
      limits,
      cacheEntries: integer(args, "cache-size", DEFAULTS.cacheEntries),
      log: terminal.err,
    });
    const address = service.address;
    terminal.out(`listening on ${address.address.includes(":") ? `[${address.address}]` : address.address}:${address.port} (doq)`);
    const logMetrics = (): void => terminal.err(service.metricsLine());
    const ticker = metricsSeconds > 0 ? setInterval(logMetrics, metricsSeconds * 1000) : undefined;
    process.on("SIGUSR1", logMetrics);
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    clearInterval(ticker);
    process.off("SIGUSR1", logMetrics);
    await service.close();
    return ExitStatus.ok;
  },
};

/** A required option naming a file that exists. */
async function existingFile(args: Arguments, name: string): Promise<string> {
  const file = required(args, name);
  if ((await stat(file).catch(() => undefined))?.isFile() !== true) throw new UsageError(`--${name} ${file} is not a file`);
  return file;
}

/** `--upstream` with, for DoQ, exactly one of `--upstream-ca` and `--upstream-insecure`. */
async function upstreamConfig(args: Arguments): Promise<UpstreamConfig | undefined> {
  const text = optional(args, "upstream");
  const ca = optional(args, "upstream-ca");
  const insecure = flag(args, "upstream-insecure");
  if (text === undefined) {
    if (ca !== undefined || insecure) throw new UsageError("--upstream-ca and --upstream-insecure need a doq:// --upstream");
    return undefined;
  }
  const address = parseUpstream(text);
  if (address.kind === "classic") {
    if (ca !== undefined || insecure) throw new UsageError("--upstream-ca and --upstream-insecure apply to a doq:// upstream only");
    return address;
  }
  if ((ca === undefined) === !insecure) throw new UsageError("a doq:// upstream needs exactly one of --upstream-ca FILE or --upstream-insecure");
  if (ca !== undefined && (await stat(ca).catch(() => undefined))?.isFile() !== true) throw new UsageError(`--upstream-ca ${ca} is not a file`);
  return { ...address, trust: ca !== undefined ? { caFile: ca } : { insecure: true } };
}
