/**
 * The resolver service behind `zquic dns serve`: a DoQ server (RFC 9250)
 * answering names under its zones from zone files, reloaded when they change,
 * and every other name from an upstream through a TTL-respecting cache, with
 * per-client limits and metrics.
 *
 * @module
 */
import { DOQ_EXCESSIVE_LOAD, DnsCache, Resolver, type DoqServerEvent, type DoqServerLimits, type NameBackend, type Upstream } from "@zquic/doq";
import { ZoneFiles, classicUpstream, doqClient, doqUpstream, listenDoq, type DoqServer, type ZoneReload } from "@zquic/node";
import type { SocketAddress } from "@zquic/quic";
import { metricsLine, type DoqCounters } from "./metrics-line.js";
import type { UpstreamAddress } from "./upstream-address.js";

/** How a DoQ upstream's certificate is checked. */
export type UpstreamTrust = { readonly caFile: string } | { readonly insecure: true };

/** An upstream and, for DoQ, how its certificate is checked. */
export type UpstreamConfig = Extract<UpstreamAddress, { kind: "classic" }> | (Extract<UpstreamAddress, { kind: "doq" }> & { readonly trust: UpstreamTrust });

/** What the service serves, where, and within which limits. */
export interface ResolverServiceConfig {
  readonly host: string;
  /** The UDP port (0: any free one). */
  readonly port: number;
  readonly certFile: string;
  readonly keyFile: string;
  /** RFC 1035 master files, one zone each. */
  readonly zoneFiles: readonly string[];
  /** Further sources of names (an on-chain registry, say), chosen like the zones by the longest matching suffix. */
  readonly backends?: readonly NameBackend[];
  /** Where other names are resolved; without it they are REFUSED. */
  readonly upstream?: UpstreamConfig;
  /** The time the upstream gets before the answer is SERVFAIL. */
  readonly upstreamTimeoutMs: number;
  /** Per-connection limits; beyond them queries are reset with DOQ_EXCESSIVE_LOAD. */
  readonly limits: Partial<DoqServerLimits>;
  /** Answers the cache keeps at most. */
  readonly cacheEntries: number;
  /** Where zone reloads and their failures are reported. */
  readonly log: (line: string) => void;
}

/** A running resolver service. */
export class ResolverService {
  readonly #counters: Omit<DoqCounters, "connections">;

  private constructor(
    private readonly server: DoqServer,
    private readonly resolver: Resolver,
    private readonly zones: ZoneFiles,
    private readonly upstream: OpenUpstream | undefined,
    counters: Omit<DoqCounters, "connections">,
  ) {
    this.#counters = counters;
  }

  /**
   * Loads the zone files, binds the server and starts watching the files.
   * Rejects with the first zone file that does not load (its message names
   * the file and the line).
   */
  static async start(config: ResolverServiceConfig): Promise<ResolverService> {
    const zones = await ZoneFiles.load(config.zoneFiles);
    const upstream = config.upstream === undefined ? undefined : openUpstream(config.upstream);
    const resolver = new Resolver({
      backends: [zones.backend, ...(config.backends ?? [])],
      cache: new DnsCache({ maxEntries: config.cacheEntries }),
      ...(upstream !== undefined ? { upstream: upstream.forward } : {}),
      upstreamTimeoutMs: config.upstreamTimeoutMs,
      // RFC 9250 §5.4: every DoQ response padded.
      padResponses: true,
    });
    const counters = { excessiveLoad: 0, cancelled: 0 };
    const count = (event: DoqServerEvent, _client: SocketAddress): void => {
      if (event.type === "query_reset" && event.errorCode === DOQ_EXCESSIVE_LOAD) counters.excessiveLoad++;
      else if (event.type === "query_cancelled") counters.cancelled++;
    };
    const server = await listenDoq(
      { host: config.host, port: config.port, certFile: config.certFile, keyFile: config.keyFile, limits: config.limits, onEvent: count },
      (request) => resolver.handleQuery(request.bytes, request.now),
    );
    zones.watch((reload) => config.log(describeReload(reload)));
    return new ResolverService(server, resolver, zones, upstream, counters);
  }

  /** Where the service listens. */
  get address(): SocketAddress {
    return this.server.address;
  }

  /** What the service has done so far, as one log line. */
  metricsLine(): string {
    return metricsLine(this.resolver.metrics, { ...this.#counters, connections: this.server.connections });
  }

  /** Stops watching, closes every connection (DOQ_NO_ERROR) and the upstream's. */
  async close(): Promise<void> {
    this.zones.close();
    await Promise.all([this.server.close(), this.upstream?.close()]);
  }
}

/** An upstream in use, and how to let go of its connections. */
interface OpenUpstream {
  readonly forward: Upstream;
  close(): Promise<void>;
}

function openUpstream(config: UpstreamConfig): OpenUpstream {
  const server = { host: config.host, port: config.port };
  if (config.kind === "classic") return { forward: classicUpstream(server), close: async () => undefined };
  const client = doqClient(config.trust);
  return { forward: doqUpstream(client, server), close: () => client.close() };
}

function describeReload(reload: ZoneReload): string {
  if (reload.kind === "failed") return `zone reload failed, still serving the previous zone: ${reload.error.message}`;
  const { zone, path } = reload;
  return `zone ${zone.origin} reloaded from ${path} (serial ${zone.soa.data.serial}, ${zone.records.length} records)`;
}
