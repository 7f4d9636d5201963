/** Small endpoints for driving the simulator in tests. */
import type { Ecn, NetworkPath, SimEndpoint, SocketAddress, Transmit } from "@zquic/sim";

/** A datagram as an endpoint received it. */
export interface Received {
  readonly time: number;
  readonly data: Uint8Array;
  readonly path: NetworkPath;
  readonly ecn: Ecn | undefined;
}

/**
 * An endpoint that sends what a test queues with `send`, records what it
 * receives, and fires timers the test sets (recording when they fired).
 * `onDatagram` lets a test answer inside `handleDatagram`.
 */
export class ScriptedEndpoint implements SimEndpoint {
  readonly received: Received[] = [];
  readonly timeoutsFired: number[] = [];
  readonly outbox: Transmit[] = [];
  timers: number[] = [];
  onDatagram: ((received: Received, self: ScriptedEndpoint) => void) | undefined;

  send(data: Uint8Array, remote: SocketAddress, options: { local?: SocketAddress; ecn?: Ecn } = {}): void {
    this.outbox.push({ data, path: { remote, ...(options.local ? { local: options.local } : {}) }, ...(options.ecn !== undefined ? { ecn: options.ecn } : {}) });
  }

  handleDatagram(now: number, datagram: Uint8Array, path: NetworkPath, ecn?: Ecn): void {
    const received = { time: now, data: datagram, path, ecn };
    this.received.push(received);
    this.onDatagram?.(received, this);
  }

  pollTransmit(): Transmit | null {
    return this.outbox.shift() ?? null;
  }

  pollTimeout(): number | undefined {
    return this.timers.length === 0 ? undefined : Math.min(...this.timers);
  }

  handleTimeout(now: number): void {
    this.timeoutsFired.push(now);
    this.timers = this.timers.filter((t) => t > now);
  }
}

/** `n` as 4 big-endian bytes. */
export function u32(n: number): Uint8Array {
  return new Uint8Array([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
}

/** The big-endian 32-bit number at `offset`. */
export function readU32(bytes: Uint8Array, offset = 0): number {
  return ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;
}
