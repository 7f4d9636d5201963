/**
 * The Bun {@link Runtime}: `Bun.udpSocket` sockets and `Bun.dns` lookups.
 *
 * @module
 */
import type { Runtime } from "@zquic/io";
import { bunNet } from "./bun-udp.js";
import { bindUdpSocket } from "./udp-socket.js";

/** What `@zquic/io` runs on under Bun. */
export const bunRuntime: Runtime = {
  bind: bindUdpSocket,
  async lookup(host) {
    const [first] = await bunNet().dns.lookup(host);
    if (first === undefined) throw new Error(`${host} did not resolve`);
    return first.address;
  },
};
