/**
 * A {@link DatagramSocket} over `node:dgram`, IPv4 or IPv6 by the address it binds.
 *
 * @module
 */
import { createSocket, type Socket } from "node:dgram";
import type { DatagramHandler, DatagramSocket, OutgoingDatagram } from "@zquic/io";
import type { SocketAddress } from "@zquic/quic";

/** Kernel socket buffer sizes asked for (the kernel may cap them at net.core.[rw]mem_max). */
const SOCKET_BUFFER_BYTES = 4 << 20;

/** A send the system refused is a lost datagram; QUIC's recovery resends what mattered. */
const ignoreSendError = (): void => undefined;

/** Binds a UDP socket on `local` and hands each received datagram to `onDatagram`. */
export function bindUdpSocket(local: SocketAddress, onDatagram: DatagramHandler): Promise<DatagramSocket> {
  const socket = createSocket({ type: local.address.includes(":") ? "udp6" : "udp4" });
  return new Promise<DatagramSocket>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(local.port, local.address, () => {
      socket.off("error", reject);
      // After binding, errors concern single datagrams (ICMP unreachable and the like): loss, to QUIC.
      socket.on("error", ignoreSendError);
      socket.setRecvBufferSize(SOCKET_BUFFER_BYTES);
      socket.setSendBufferSize(SOCKET_BUFFER_BYTES);
      socket.on("message", (message, remote) => {
        // A plain Uint8Array view: Buffer's slice() shares memory where Uint8Array's copies.
        onDatagram({ data: new Uint8Array(message.buffer, message.byteOffset, message.byteLength), remote: { address: remote.address, port: remote.port } });
      });
      resolve(wrap(socket));
    });
  });
}

function wrap(socket: Socket): DatagramSocket {
  const bound = socket.address();
  return {
    localAddress: { address: bound.address, port: bound.port },
    // node:dgram can neither set nor read the IP header's ECN bits.
    ecn: false,
    send(batch: readonly OutgoingDatagram[]): void {
      for (const datagram of batch) socket.send(datagram.data, datagram.remote.port, datagram.remote.address, ignoreSendError);
    },
    close(): Promise<void> {
      return new Promise<void>((resolve) => socket.close(() => resolve()));
    },
  };
}
