/**
 * `@zquic/node`: zquic on Node.js. `connect()`, `listen()`, `resolve()`,
 * `doqClient()` and `listenDoq()` are those of `@zquic/io` on `node:dgram`,
 * with Node conveniences: certificate, key and CA files, `SSLKEYLOGFILE` and
 * `QLOGDIR` from the environment. For DNS servers it adds classic DNS over
 * UDP and TCP (`classicUpstream`) and zone files reloaded when they change
 * (`ZoneFiles`).
 *
 * @packageDocumentation
 */
import { DOQ_ALPN, type DnsMessage, type DoqHandler, type Name } from "@zquic/doq";
import * as io from "@zquic/io";
import {
  environmentDefaults,
  nodeConnectOptions,
  nodeListenOptions,
  readCaFile,
  type NodeCommonOptions,
  type NodeConnectOptions,
  type NodeListenOptions,
} from "./defaults.js";
import { nodeRuntime } from "./runtime.js";

export * from "@zquic/io";
export { nodeRuntime } from "./runtime.js";
export { bindUdpSocket } from "./udp-socket.js";
export { qlogDirectory } from "./qlog-files.js";
export { createHttp3Client, fetch, serve, type NodeFetchInit, type NodeHttp3ClientOptions, type NodeServeOptions } from "./http3.js";
export type { NodeCommonOptions, NodeConnectOptions, NodeListenOptions } from "./defaults.js";
export { watchFile } from "./file-watcher.js";
export { udpExchange, type DnsServerAddress } from "./dns/udp-exchange.js";
export { tcpExchange } from "./dns/tcp-exchange.js";
export { classicUpstream } from "./dns/classic-upstream.js";
export { ZoneFiles, loadZoneFile, type ZoneReload } from "./dns/zone-files.js";

/** `resolve()` options, plus a CA file. */
export interface NodeResolveOptions extends io.ResolveOptions {
  /** A PEM file of CA certificates (read into `trustAnchors`). */
  readonly caFile?: string;
}

/** DoQ client options, plus a CA file and a qlog directory. */
export interface NodeDoqClientOptions extends io.DoqClientOptions, NodeCommonOptions {
  /** A PEM file of CA certificates (read into `trustAnchors`). */
  readonly caFile?: string;
}

/** `listenDoq()` options, where the certificate and key may come from files. */
export interface NodeDoqListenOptions extends Omit<io.DoqListenOptions, "certificate" | "privateKey">, Omit<NodeListenOptions, "alpn" | "port" | "earlyData"> {}

/** Connects to a QUIC server (see `connect` in `@zquic/io`); `caFile` is read into `trustAnchors`. */
export function connect(target: string | io.QuicTarget, options: NodeConnectOptions): io.QuicConnection {
  return io.connect(nodeRuntime, target, nodeConnectOptions(options));
}

/** Starts a QUIC server (see `listen` in `@zquic/io`); `certFile` and `keyFile` are read. */
export async function listen(options: NodeListenOptions, onConnection?: (connection: io.QuicConnection) => void): Promise<io.QuicServer> {
  return io.listen(nodeRuntime, await nodeListenOptions(options), onConnection);
}

/** Asks a DoQ server one question (see `resolve` in `@zquic/io`); `caFile` is read into `trustAnchors`. */
export function resolve(name: string | Name, type: string | number, options: NodeResolveOptions): Promise<DnsMessage> {
  return io.resolve(nodeRuntime, name, type, readCaFile(options));
}

/** A DoQ client (see `DoqClient` in `@zquic/io`); `caFile` is read, `SSLKEYLOGFILE` and `QLOGDIR` are honoured. */
export function doqClient(options: NodeDoqClientOptions): io.DoqClient {
  return new io.DoqClient(nodeRuntime, environmentDefaults(readCaFile(options)));
}

/** Starts a DoQ server (see `listenDoq` in `@zquic/io`); `certFile` and `keyFile` are read. */
export async function listenDoq(options: NodeDoqListenOptions, handler: DoqHandler): Promise<io.DoqServer> {
  const { limits, onEvent, ...rest } = options;
  const listenOptions = await nodeListenOptions({ ...rest, alpn: [DOQ_ALPN] });
  return io.listenDoq(nodeRuntime, { ...listenOptions, ...(limits !== undefined ? { limits } : {}), ...(onEvent !== undefined ? { onEvent } : {}) }, handler);
}
