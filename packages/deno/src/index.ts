/**
 * `@zquic/deno`: zquic on Deno. `connect()` and `listen()` are those of
 * `@zquic/io` on `Deno.listenDatagram`; run with `--unstable-net --allow-net`.
 *
 * @packageDocumentation
 */
import * as io from "@zquic/io";
import { denoRuntime } from "./runtime.js";

export * from "@zquic/io";
export { denoRuntime } from "./runtime.js";
export { bindUdpSocket } from "./udp-socket.js";

/** Connects to a QUIC server (see `connect` in `@zquic/io`). */
export function connect(target: string | io.QuicTarget, options: io.ConnectOptions): io.QuicConnection {
  return io.connect(denoRuntime, target, options);
}

/** Starts a QUIC server (see `listen` in `@zquic/io`). */
export function listen(options: io.ListenOptions, onConnection?: (connection: io.QuicConnection) => void): Promise<io.QuicServer> {
  return io.listen(denoRuntime, options, onConnection);
}
