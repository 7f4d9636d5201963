/**
 * A {@link DatagramSocket} over `Bun.udpSocket`, sending each batch with one `sendMany`.
 *
 * @module
 */
import type { DatagramHandler, DatagramSocket, OutgoingDatagram } from "@zquic/io";
import type { SocketAddress } from "@zquic/quic";
import { bunNet } from "./bun-udp.js";

/** Binds a UDP socket on `local` and hands each received datagram to `onDatagram`. */
export async function bindUdpSocket(local: SocketAddress, onDatagram: DatagramHandler): Promise<DatagramSocket> {
  const socket = await bunNet().udpSocket({
    hostname: local.address,
    port: local.port,
    binaryType: "uint8array",
    socket: {
      data: (_socket, data, port, address) => onDatagram({ data, remote: { address, port } }),
      // Errors concern single datagrams (ICMP unreachable and the like): loss, to QUIC.
      error: () => undefined,
    },
  });
  return {
    localAddress: { address: socket.address.address, port: socket.address.port },
    // Bun exposes no ECN marks on UDP sockets.
    ecn: false,
    send(batch: readonly OutgoingDatagram[]): void {
      // Datagrams the kernel does not take are lost; QUIC's recovery resends what mattered.
      socket.sendMany(batch.flatMap((datagram) => [datagram.data, datagram.remote.port, datagram.remote.address]));
    },
    async close(): Promise<void> {
      socket.close();
    },
  };
}
