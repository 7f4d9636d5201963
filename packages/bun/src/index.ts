/**
 * `@zquic/bun`: zquic on Bun. `connect()` and `listen()` are those of
 * `@zquic/io` on `Bun.udpSocket`.
 *
 * @packageDocumentation
 */
import * as io from "@zquic/io";
import { bunRuntime } from "./runtime.js";

export * from "@zquic/io";
export { bunRuntime } from "./runtime.js";
export { bindUdpSocket } from "./udp-socket.js";

/** Connects to a QUIC server (see `connect` in `@zquic/io`). */
export function connect(target: string | io.QuicTarget, options: io.ConnectOptions): io.QuicConnection {
  return io.connect(bunRuntime, target, options);
}

/** Starts a QUIC server (see `listen` in `@zquic/io`). */
export function listen(options: io.ListenOptions, onConnection?: (connection: io.QuicConnection) => void): Promise<io.QuicServer> {
  return io.listen(bunRuntime, options, onConnection);
}
