/**
 * The Node.js {@link Runtime}: `node:dgram` sockets and `node:dns` lookups.
 *
 * @module
 */
import { lookup } from "node:dns/promises";
import type { Runtime } from "@zquic/io";
import { bindUdpSocket } from "./udp-socket.js";

/** What `@zquic/io` runs on under Node.js. */
export const nodeRuntime: Runtime = {
  bind: bindUdpSocket,
  lookup: async (host) => (await lookup(host)).address,
};
