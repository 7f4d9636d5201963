/**
 * A {@link DatagramSocket} over `Deno.listenDatagram`.
 *
 * @module
 */
import type { DatagramHandler, DatagramSocket, OutgoingDatagram } from "@zquic/io";
import type { SocketAddress } from "@zquic/quic";
import { denoNet, type DenoDatagramConn } from "./deno-net.js";

/** Deno's names for errors a socket reports when an ICMP message came back. */
const icmpErrors = new Set(["ConnectionRefused", "ConnectionReset"]);

/** Binds a UDP socket on `local` and hands each received datagram to `onDatagram`. */
export async function bindUdpSocket(local: SocketAddress, onDatagram: DatagramHandler): Promise<DatagramSocket> {
  const conn = denoNet().listenDatagram({ hostname: local.address, port: local.port, transport: "udp" });
  let open = true;
  void (async () => {
    while (open) {
      let received: Awaited<ReturnType<DenoDatagramConn["receive"]>>;
      try {
        received = await conn.receive();
      } catch (error) {
        // An ICMP error reported on the socket is one lost exchange; anything else (closed) ends the loop.
        if (open && icmpErrors.has((error as Error).name)) continue;
        return;
      }
      const [data, from] = received;
      onDatagram({ data, remote: { address: from.hostname, port: from.port } });
    }
  })();
  return {
    localAddress: { address: conn.addr.hostname, port: conn.addr.port },
    // Deno exposes no ECN marks on datagram sockets.
    ecn: false,
    send(batch: readonly OutgoingDatagram[]): void {
      for (const datagram of batch) {
        // A refused send is a lost datagram; QUIC's recovery resends what mattered.
        conn.send(datagram.data, { transport: "udp", hostname: datagram.remote.address, port: datagram.remote.port }).catch(() => undefined);
      }
    },
    async close(): Promise<void> {
      open = false;
      conn.close();
    },
  };
}
