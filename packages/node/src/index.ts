/**
 * `@zquic/node`: zquic on Node.js. `connect()` and `listen()` are those of
 * `@zquic/io` on `node:dgram`, with Node conveniences: certificate, key and
 * CA files, `SSLKEYLOGFILE` and `QLOGDIR` from the environment.
 *
 * @packageDocumentation
 */
import * as io from "@zquic/io";
import { nodeConnectOptions, nodeListenOptions, type NodeConnectOptions, type NodeListenOptions } from "./defaults.js";
import { nodeRuntime } from "./runtime.js";

export * from "@zquic/io";
export { nodeRuntime } from "./runtime.js";
export { bindUdpSocket } from "./udp-socket.js";
export { qlogDirectory } from "./qlog-files.js";
export type { NodeCommonOptions, NodeConnectOptions, NodeListenOptions } from "./defaults.js";

/** Connects to a QUIC server (see `connect` in `@zquic/io`); `caFile` is read into `trustAnchors`. */
export function connect(target: string | io.QuicTarget, options: NodeConnectOptions): io.QuicConnection {
  return io.connect(nodeRuntime, target, nodeConnectOptions(options));
}

/** Starts a QUIC server (see `listen` in `@zquic/io`); `certFile` and `keyFile` are read. */
export async function listen(options: NodeListenOptions, onConnection?: (connection: io.QuicConnection) => void): Promise<io.QuicServer> {
  return io.listen(nodeRuntime, await nodeListenOptions(options), onConnection);
}
