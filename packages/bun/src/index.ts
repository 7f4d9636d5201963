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

/** Starts an HTTP/3 server (see `serve` in `@zquic/io`). */
export function serve(options: io.ServeOptions, handler: io.Http3Handler): Promise<io.Http3Server> {
  return io.serve(bunRuntime, options, handler);
}

/** An HTTP/3 client with a connection pool (see `Http3Client` in `@zquic/io`); `fetch` is its method. */
export function createHttp3Client(options: io.Http3ClientOptions): io.Http3Client {
  return new io.Http3Client(bunRuntime, options);
}
