// An in-process UDP network for io's tests: sockets on 127.0.0.1 keyed by
// port, delivery a macrotask later, counters for what the driver does.
import type { DatagramHandler, DatagramSocket, OutgoingDatagram, Runtime } from "@zquic/io";

/** A socket's counters. */
export interface SocketStats {
  /** `send()` calls (each a flush that had something to send). */
  sendCalls: number;
  datagrams: number;
  closed: boolean;
}

/** A loopback network for `@zquic/io` without a runtime's sockets. */
export class MemoryNetwork implements Runtime {
  private readonly handlers = new Map<number, DatagramHandler>();
  private nextPort = 40_000;
  /** Counters per bound port. */
  readonly sockets = new Map<number, SocketStats>();
  /** Drops every datagram `drop` returns true for. */
  drop: (datagram: OutgoingDatagram, from: number) => boolean = () => false;

  async bind(local: { address: string; port: number }, onDatagram: DatagramHandler): Promise<DatagramSocket> {
    const port = local.port === 0 ? this.nextPort++ : local.port;
    if (this.handlers.has(port)) throw new Error(`port ${port} is in use`);
    this.handlers.set(port, onDatagram);
    const stats: SocketStats = { sendCalls: 0, datagrams: 0, closed: false };
    this.sockets.set(port, stats);
    const localAddress = { address: "127.0.0.1", port };
    return {
      localAddress,
      ecn: false,
      send: (batch) => {
        stats.sendCalls++;
        stats.datagrams += batch.length;
        const kept = batch.filter((datagram) => !this.drop(datagram, port)).map((datagram) => ({ ...datagram, data: datagram.data.slice() }));
        setTimeout(() => {
          for (const datagram of kept) this.handlers.get(datagram.remote.port)?.({ data: datagram.data, remote: localAddress });
        }, 0);
      },
      close: async () => {
        stats.closed = true;
        this.handlers.delete(port);
      },
    };
  }

  async lookup(host: string): Promise<string> {
    if (host === "localhost") return "127.0.0.1";
    throw new Error(`unknown host ${host}`);
  }

  /** Ports whose sockets are still open. */
  get openPorts(): number[] {
    return [...this.sockets].filter(([, stats]) => !stats.closed).map(([port]) => port);
  }
}
