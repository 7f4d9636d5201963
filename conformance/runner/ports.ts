/**
 * Free UDP ports on loopback, found by binding port 0 and letting go.
 *
 * @module
 */
import { createSocket } from "node:dgram";
import { socketType } from "../relay/address.js";

/** A UDP port free on `address` a moment ago. */
export function freeUdpPort(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(socketType(address));
    socket.once("error", reject);
    socket.bind(0, address, () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}
