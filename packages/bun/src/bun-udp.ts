/**
 * The slice of Bun's API this adapter uses, typed here so the package builds
 * without Bun's own type definitions.
 *
 * @module
 */

/** What `Bun.udpSocket` resolves to (an unconnected socket, `binaryType: "uint8array"`). */
export interface BunUdpSocket {
  readonly hostname: string;
  readonly port: number;
  readonly address: { readonly address: string; readonly port: number; readonly family: string };
  /** Flat `[data, port, address, data, port, address, …]`; returns how many were sent. */
  sendMany(packets: readonly (Uint8Array | number | string)[]): number;
  close(): void;
}

/** Options of `Bun.udpSocket`. */
export interface BunUdpOptions {
  readonly hostname: string;
  readonly port: number;
  readonly binaryType: "uint8array";
  readonly socket: {
    data(socket: BunUdpSocket, data: Uint8Array, port: number, address: string): void;
    error?(socket: BunUdpSocket, error: Error): void;
  };
}

/** The `Bun` namespace, as far as UDP and DNS go. */
export interface BunNet {
  udpSocket(options: BunUdpOptions): Promise<BunUdpSocket>;
  readonly dns: { lookup(host: string): Promise<readonly { readonly address: string }[]> };
}

/** The `Bun` global; throws a clear error outside Bun. */
export function bunNet(): BunNet {
  const bun = (globalThis as { Bun?: BunNet }).Bun;
  if (bun === undefined) throw new Error("@zquic/bun runs under Bun; use @zquic/node or @zquic/deno elsewhere");
  return bun;
}
