/**
 * The slice of Deno's API this adapter uses, typed here so the package builds
 * without Deno's own type definitions.
 *
 * @module
 */

/** A UDP address as Deno writes it. */
export interface DenoUdpAddr {
  readonly transport: "udp";
  readonly hostname: string;
  readonly port: number;
}

/** `Deno.DatagramConn`. */
export interface DenoDatagramConn {
  readonly addr: DenoUdpAddr;
  receive(): Promise<[Uint8Array, DenoUdpAddr]>;
  send(data: Uint8Array, to: DenoUdpAddr): Promise<number>;
  close(): void;
}

/** The `Deno` namespace, as far as UDP and DNS go. */
export interface DenoNet {
  /** Needs `--unstable-net` and `--allow-net`. */
  listenDatagram(options: { readonly hostname: string; readonly port: number; readonly transport: "udp" }): DenoDatagramConn;
  resolveDns(query: string, recordType: "A" | "AAAA"): Promise<string[]>;
}

/** The `Deno` global; throws a clear error outside Deno or without `--unstable-net`. */
export function denoNet(): DenoNet {
  const deno = (globalThis as { Deno?: Partial<DenoNet> }).Deno;
  if (deno === undefined) throw new Error("@zquic/deno runs under Deno; use @zquic/node or @zquic/bun elsewhere");
  if (typeof deno.listenDatagram !== "function") throw new Error("Deno.listenDatagram is unavailable: run deno with --unstable-net (and --allow-net)");
  return deno as DenoNet;
}
