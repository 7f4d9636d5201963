/** Loopback UDP endpoints for measuring the relay: numbered, timestamped datagrams. */
import { createSocket, type Socket } from "node:dgram";
import { performance } from "node:perf_hooks";
import type { SocketAddress } from "../../relay/address.js";

/** One received datagram: its sequence number, when it was sent and received (performance clock, ms), and by whom. */
export interface Received {
  readonly sequence: number;
  readonly sentAt: number;
  readonly receivedAt: number;
  readonly from: SocketAddress;
  readonly length: number;
}

/** A bound UDP socket that records what it receives. */
export interface Endpoint {
  readonly socket: Socket;
  readonly address: SocketAddress;
  readonly received: Received[];
  close(): Promise<void>;
}

/** A datagram of `length` (≥ 12) bytes carrying `sequence` and the send time. */
export function probe(sequence: number, length = 100): Uint8Array {
  const bytes = new Uint8Array(length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, sequence);
  view.setFloat64(4, performance.now());
  return bytes;
}

/** Binds a recording socket on `address` (port 0); `onMessage` may answer. */
export function endpoint(address: string, onMessage?: (endpoint: Endpoint, data: Buffer, from: SocketAddress) => void): Promise<Endpoint> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(address.includes(":") ? "udp6" : "udp4");
    const received: Received[] = [];
    socket.once("error", reject);
    socket.bind(0, address, () => {
      const self: Endpoint = {
        socket,
        address: { address, port: socket.address().port },
        received,
        close: () => new Promise((done) => socket.close(() => done())),
      };
      socket.on("message", (data, info) => {
        const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
        const from = { address: info.address, port: info.port };
        received.push({ sequence: view.getUint32(0), sentAt: view.getFloat64(4), receivedAt: performance.now(), from, length: data.length });
        onMessage?.(self, data, from);
      });
      resolve(self);
    });
  });
}

/** Sends `data` from `from` to `to`. */
export function send(from: Endpoint, to: SocketAddress, data: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => from.socket.send(data, to.port, to.address, (error) => (error ? reject(error) : resolve())));
}

/** Waits `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Sends `count` probes every `intervalMs` (0: back to back); resolves when all are handed to the kernel. */
export async function sendProbes(from: Endpoint, to: SocketAddress, count: number, intervalMs: number, length = 100): Promise<void> {
  for (let i = 0; i < count; i++) {
    await send(from, to, probe(i, length));
    if (intervalMs > 0) await sleep(intervalMs);
  }
}

/** The median of `values`. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}
