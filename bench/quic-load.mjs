// A load client for server benchmarks: one UDP socket and one sans-I/O Endpoint carrying
// many client connections, so the client side costs little besides its handshakes. The
// server's certificate is not checked (insecureVerifier): verification is client work, and
// the benchmarks measure servers.
import { createSocket } from "node:dgram";
import { loadProvider } from "@zquic/crypto";
import { Endpoint } from "@zquic/quic";
import { NamedGroup, insecureVerifier } from "@zquic/tls";

/** Key exchange groups by name, for the `groups` option. */
export const GROUPS = { x25519: [NamedGroup.x25519], hybrid: [NamedGroup.X25519MLKEM768, NamedGroup.x25519] };

/**
 * Opens the load client towards 127.0.0.1:`port`. `connect()` resolves when a connection's
 * handshake completed (rejects if it closed first); `close(connection)` closes one.
 */
export async function openLoadClient({ port, alpn, groups = GROUPS.x25519, transport = {} }) {
  const provider = await loadProvider();
  const socket = createSocket("udp4");
  await new Promise((resolve) => socket.bind(0, "127.0.0.1", resolve));
  socket.setRecvBufferSize(8 << 20);
  socket.setSendBufferSize(8 << 20);
  const local = { address: "127.0.0.1", port: socket.address().port };
  const remote = { address: "127.0.0.1", port };
  const endpoint = new Endpoint({ provider, random: provider.random, transport });
  /** Connections in their handshake, with their promise's settlers. */
  const handshaking = new Map();
  const verifier = insecureVerifier();
  const now = () => performance.now();
  let timer;
  let timerAt = Infinity;
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    for (const [connection, settle] of handshaking) {
      for (let event = connection.pollEvent(); event !== null; event = connection.pollEvent()) {
        if (event.type === "handshake_completed") {
          handshaking.delete(connection);
          settle.resolve(connection);
          break;
        }
        if (event.type === "closed" || event.type === "closing") {
          handshaking.delete(connection);
          settle.reject(new Error(`connection closed in its handshake: ${event.reason.reason || event.reason.code}`));
          break;
        }
      }
    }
    const t = now();
    for (let transmit = endpoint.pollTransmit(t); transmit !== null; transmit = endpoint.pollTransmit(t)) socket.send(transmit.data, transmit.path.remote.port, transmit.path.remote.address);
    const deadline = endpoint.pollTimeout();
    if (deadline !== undefined && deadline < timerAt) {
      clearTimeout(timer);
      timerAt = deadline;
      timer = setTimeout(() => {
        timerAt = Infinity;
        endpoint.handleTimeout(now());
        flush();
      }, Math.max(1, Math.ceil(deadline - now())));
    }
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(flush);
  };
  socket.on("message", (message, from) => {
    endpoint.handleDatagram(now(), new Uint8Array(message.buffer, message.byteOffset, message.byteLength), { local, remote: { address: from.address, port: from.port } });
    schedule();
  });

  return {
    /** Starts a connection; resolves with it once its handshake completed, rejects after `limitMs`. */
    connect(limitMs = 10_000) {
      return new Promise((resolve, reject) => {
        const connection = endpoint.connect(now(), { remote, local, tls: { alpn, serverName: "localhost", verifier, now: () => Date.now(), groups } });
        const timeout = setTimeout(() => {
          handshaking.delete(connection);
          connection.close(0, "");
          schedule();
          reject(new Error(`no handshake within ${limitMs} ms`));
        }, limitMs);
        handshaking.set(connection, { resolve: (c) => (clearTimeout(timeout), resolve(c)), reject: (e) => (clearTimeout(timeout), reject(e)) });
        schedule();
      });
    },
    /** Closes `connection` (application code 0). */
    close(connection) {
      connection.close(0, "");
      schedule();
    },
    async shutdown() {
      clearTimeout(timer);
      await new Promise((resolve) => socket.close(resolve));
    },
  };
}

/**
 * Runs `total` calls of `one()` with `inFlight` at a time, until done or `limitMs`; resolves
 * with the count that succeeded, the count that failed, and the wall time.
 */
export async function bounded(total, inFlight, limitMs, one) {
  let started = 0;
  let done = 0;
  let failed = 0;
  const begin = performance.now();
  const deadline = begin + limitMs;
  const worker = async () => {
    while (started < total && performance.now() < deadline) {
      started++;
      try {
        await one();
        done++;
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, total) }, worker));
  return { done, failed, ms: performance.now() - begin };
}
