/**
 * The Deno {@link Runtime}: `Deno.listenDatagram` sockets and `Deno.resolveDns` lookups.
 *
 * @module
 */
import type { Runtime } from "@zquic/io";
import { denoNet } from "./deno-net.js";
import { bindUdpSocket } from "./udp-socket.js";

/** What `@zquic/io` runs on under Deno. */
export const denoRuntime: Runtime = {
  bind: bindUdpSocket,
  async lookup(host) {
    // Deno.resolveDns asks DNS servers only; /etc/hosts' localhost is answered here.
    if (host === "localhost") return "127.0.0.1";
    const deno = denoNet();
    const [v4] = await deno.resolveDns(host, "A").catch(() => []);
    const address = v4 ?? (await deno.resolveDns(host, "AAAA"))[0];
    if (address === undefined) throw new Error(`${host} has no A or AAAA record`);
    return address;
  },
};
