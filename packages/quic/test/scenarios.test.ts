import { describe, expect, it } from "vitest";
import { withSeed } from "@zquic/sim";
import { Endpoint, sameAddress } from "@zquic/quic";
import { CLIENT_ADDRESS, SERVER_ADDRESS, connectedPair, provider, sha256Hex, testCertificate, uploads, WALL_CLOCK_START } from "@zquic/testkit";

const established = (pair: ReturnType<typeof connectedPair>) => () =>
  pair.connection.handshake.confirmed && pair.accepted.some((c) => c.handshake.confirmed);

/** The client's address after it migrates. */
const MOVED = { address: "10.0.0.3", port: 50_000 };

/** A 1 MiB upload during which, at 150 ms, the client moves to {@link MOVED} (RFC 9000 §9.2). */
function uploadMigrating(pair: ReturnType<typeof connectedPair>): ReturnType<typeof uploads> {
  const run = uploads(pair, [1 << 20]);
  pair.net.at(150, () => {
    pair.net.attach(pair.clientNode, MOVED);
    pair.connection.migrate(MOVED);
  });
  return run;
}

function checkUploads(run: ReturnType<typeof uploads>): void {
  for (const [id, data] of run.sent) expect(sha256Hex(run.received.get(id) ?? []), `stream ${id}`).toBe(sha256Hex([data]));
}

describe("transport scenarios", () => {
  it("updates keys mid-transfer, on demand and by packet budget (RFC 9001 §6)", () =>
    withSeed(61, () => {
      // The server only acknowledges (about one packet per ten received, RFC 9000 §13.2.2), so its budget is small enough to be reached too.
      const pair = connectedPair({ seed: 61, link: { latency: 10, bandwidth: 50e6 }, transport: { keyUpdateInterval: 100 } });
      const run = uploads(pair, [2 << 20]);
      pair.net.at(200, () => pair.connection.updateKeys());
      expect(pair.run(run.done, 60_000)).toBe("until");
      checkUploads(run);
      const clientUpdates = pair.clientEvents.filter((e) => e.type === "key_updated").length;
      const serverUpdates = pair.serverEvents.filter((e) => e.type === "key_updated").length;
      expect(clientUpdates + serverUpdates).toBeGreaterThanOrEqual(3);
      expect(pair.connection.oneRtt!.writeGeneration).toBeGreaterThanOrEqual(2);
    }));

  it("follows a NAT rebinding mid-transfer and validates the new path (RFC 9000 §9.3)", () =>
    withSeed(62, () => {
      const pair = connectedPair({ seed: 62, link: { latency: 10, bandwidth: 50e6 } });
      const run = uploads(pair, [1 << 20]);
      const rebound = { address: "10.0.0.1", port: 40_001 };
      pair.net.at(150, () => pair.net.rebind(CLIENT_ADDRESS, rebound));
      expect(pair.run(run.done, 60_000)).toBe("until");
      checkUploads(run);
      const server = pair.accepted[0]!;
      expect(server.path.remote).toEqual(rebound);
      expect(pair.serverEvents).toContainEqual({ type: "path_changed", path: expect.objectContaining({ remote: rebound }) });
      expect(server.paths.active.validated).toBe(true);
    }));

  it("migrates the client to a new address mid-transfer (RFC 9000 §9.2)", () =>
    withSeed(63, () => {
      const pair = connectedPair({ seed: 63, link: { latency: 10, bandwidth: 50e6 } });
      const run = uploadMigrating(pair);
      expect(pair.run(run.done, 60_000)).toBe("until");
      checkUploads(run);
      expect(pair.accepted[0]!.path.remote).toEqual(MOVED);
    }));

  it("still routes a late packet with a CID the client retired when it migrated, instead of resetting (RFC 9000 §5.1.2)", () =>
    withSeed(66, () => {
      let lastShortHeader: Uint8Array | undefined;
      const pair = connectedPair({
        seed: 66,
        link: { latency: 10, bandwidth: 50e6 },
        trace: (event) => void (event.type === "send" && sameAddress(event.from, CLIENT_ADDRESS) && (event.data[0]! & 0x80) === 0 && (lastShortHeader = event.data.slice())),
      });
      const run = uploadMigrating(pair);
      expect(pair.run(run.done, 60_000)).toBe("until");
      const server = pair.accepted[0]!;
      expect(server.path.remote).toEqual(MOVED);
      pair.run(() => false, 200); // the RETIRE_CONNECTION_ID arrives and is acknowledged
      pair.server.handleDatagram(pair.net.now, lastShortHeader!, { local: SERVER_ADDRESS, remote: CLIENT_ADDRESS }, 0);
      // A stateless reset would go back to where the packet came from; the connection answers on its active path.
      for (let transmit = pair.server.pollTransmit(pair.net.now); transmit !== null; transmit = pair.server.pollTransmit(pair.net.now)) {
        expect(transmit.path.remote).toEqual(MOVED);
      }
      pair.run(() => false, 500);
      expect(pair.connection.isClosed).toBe(false);
      expect(server.isClosed).toBe(false);
    }));

  it("greases the QUIC Bit when both sides offer grease_quic_bit, and never when one did not (RFC 9287)", () =>
    withSeed(67, () => {
      type Sent = { from: number; bit: boolean };
      const transfer = (clientOptions: Parameters<typeof connectedPair>[0]["clientOptions"]) => {
        const sent: Sent[] = [];
        const pair = connectedPair({ seed: 67, link: { latency: 10 }, trace: (event) => void (event.type === "send" && sent.push({ from: event.from.port, bit: (event.data[0]! & 0x40) !== 0 })), ...(clientOptions ? { clientOptions } : {}) });
        const run = uploads(pair, [200_000]);
        expect(pair.run(run.done, 10_000)).toBe("until");
        checkUploads(run);
        return { fromClient: sent.filter((s) => s.from === CLIENT_ADDRESS.port && !s.bit).length, fromServer: sent.filter((s) => s.from === SERVER_ADDRESS.port && !s.bit).length };
      };
      const greased = transfer(undefined);
      expect(greased.fromClient).toBeGreaterThan(0);
      expect(greased.fromServer).toBeGreaterThan(0);
      // A client configured not to grease neither offers the parameter nor clears the bit; so the server keeps it set too.
      expect(transfer({ transport: { greaseQuicBit: false } })).toEqual({ fromClient: 0, fromServer: 0 });
    }));

  it("polls only connections that something touched: idle ones cost nothing per poll", () =>
    withSeed(68, () => {
      const pair = connectedPair({ seed: 68, link: { latency: 10 } });
      const others = Array.from({ length: 20 }, () => pair.reconnect());
      expect(pair.run(() => [pair.connection, ...others].every((c) => c.handshake.confirmed) && pair.accepted.length === 21 && pair.accepted.every((c) => c.handshake.confirmed))).toBe("until");
      pair.run(() => false, 1000); // every ACK and NEW_CONNECTION_ID exchanged
      let polled = 0;
      for (const connection of pair.accepted) {
        const original = connection.pollTransmit.bind(connection);
        connection.pollTransmit = (now: number) => (polled++, original(now));
      }
      expect(pair.server.pollTransmit(pair.net.now)).toBeNull();
      expect(polled).toBe(0);
      // The application touches one connection: only that one is polled.
      const streamId = pair.accepted[3]!.openStream()!;
      pair.accepted[3]!.streamWrite(streamId, new Uint8Array(100), true);
      expect(pair.server.pollTransmit(pair.net.now)).not.toBeNull();
      expect(polled).toBe(1);
    }));

  it("closes both sides on idle timeout (RFC 9000 §10.1)", () =>
    withSeed(64, () => {
      const pair = connectedPair({ seed: 64, link: { latency: 10 }, transport: { maxIdleTimeout: 2000 } });
      expect(pair.run(established(pair))).toBe("until");
      const start = pair.net.now;
      expect(pair.run(() => pair.connection.isClosed && pair.accepted[0]!.isClosed, 20_000)).toBe("until");
      expect(pair.net.now - start).toBeGreaterThanOrEqual(2000);
      expect(pair.clientEvents.find((e) => e.type === "closed")).toMatchObject({ reason: { initiator: "idle" } });
    }));

  it("recognises a stateless reset from a server that lost its state (RFC 9000 §10.3)", () =>
    withSeed(65, () => {
      const key = new Uint8Array(32).fill(9);
      const pair = connectedPair({ seed: 65, link: { latency: 10 }, serverOptions: { statelessResetKey: key } });
      expect(pair.run(established(pair))).toBe("until");
      // The server restarts: same address, same reset key, no connections.
      pair.net.detach(SERVER_ADDRESS);
      const cert = testCertificate();
      const restarted = new Endpoint({
        provider,
        random: pair.net.random.fork("restarted").bytes,
        statelessResetKey: key,
        server: { tls: { alpn: ["zquic-test"], certificateChain: [cert.certificate.der], privateKey: cert.privateKey, now: () => WALL_CLOCK_START + pair.net.now } },
      });
      pair.net.addNode(restarted, SERVER_ADDRESS);
      pair.connection.ping();
      expect(pair.run(() => pair.connection.isClosed, 10_000)).toBe("until");
      expect(pair.clientEvents.find((e) => e.type === "closed")).toMatchObject({ reason: { initiator: "stateless_reset" } });
    }));

  it("never sends more than three times what it received before the client's address is validated (RFC 9000 §8.1)", () =>
    withSeed(66, () => {
      const pair = connectedPair({ seed: 66, link: { latency: 10 } });
      // Only the client's first flight gets through; then the client falls silent.
      const toServer = pair.net.linkBetween(CLIENT_ADDRESS.address, SERVER_ADDRESS.address);
      pair.net.at(1, () => toServer.configure({ blackholes: [{ from: 1, until: 1e9 }] }));
      pair.run(() => false, 20_000);
      const received = pair.serverNode.stats.delivered.bytes;
      const sent = pair.serverNode.stats.sent.bytes;
      expect(received).toBeGreaterThan(0);
      expect(sent).toBeGreaterThan(0);
      expect(sent).toBeLessThanOrEqual(3 * received);
    }));

  it("exchanges DATAGRAM frames both ways (RFC 9221)", () =>
    withSeed(67, () => {
      const pair = connectedPair({ seed: 67, link: { latency: 10 } });
      expect(pair.run(established(pair))).toBe("until");
      const server = pair.accepted[0]!;
      for (let i = 0; i < 20; i++) {
        pair.connection.sendDatagram(new Uint8Array([1, i]));
        server.sendDatagram(new Uint8Array([2, i]));
      }
      const count = (events: typeof pair.clientEvents, tag: number) => events.filter((e) => e.type === "datagram" && e.data[0] === tag).length;
      expect(pair.run(() => count(pair.serverEvents, 1) === 20 && count(pair.clientEvents, 2) === 20)).toBe("until");
      expect(() => pair.connection.sendDatagram(new Uint8Array(70_000))).toThrow(/DATAGRAM|exceeds/);
    }));

  it("opens 2,000 streams through a peer limit of 100 (RFC 9000 §4.6)", () =>
    withSeed(68, () => {
      const pair = connectedPair({ seed: 68, link: { latency: 5 }, transport: { maxStreamsBidi: 100 } });
      const run = uploads(pair, Array.from({ length: 2000 }, (_, i) => 10 + (i % 50)));
      expect(pair.run(run.done, 120_000)).toBe("until");
      checkUploads(run);
    }));

  it("moves 1 MB through 4 KB flow-control windows that never grow (RFC 9000 §4)", () =>
    withSeed(69, () => {
      const windows = { initialMaxData: 4096, maxConnectionWindow: 4096, initialMaxStreamDataBidiLocal: 4096, initialMaxStreamDataBidiRemote: 4096, initialMaxStreamDataUni: 4096, maxStreamWindow: 4096 };
      const pair = connectedPair({ seed: 69, link: { latency: 5 }, transport: windows });
      const run = uploads(pair, [1 << 20]);
      expect(pair.run(run.done, 300_000)).toBe("until");
      checkUploads(run);
    }));

  it("survives a 2 s blackhole in every 5 s (RFC 9002 §6.2 probes)", () =>
    withSeed(70, () => {
      const pair = connectedPair({ seed: 70, link: { latency: 20, bandwidth: 20e6, blackholes: [{ every: 5000, duration: 2000, start: 1000 }] } });
      const run = uploads(pair, [2 << 20]);
      expect(pair.run(run.done, 300_000)).toBe("until");
      checkUploads(run);
    }));
});

describe("preferred address (RFC 9000 §9.6)", () => {
  it("moves the client to the server's preferred address once the handshake is confirmed", () =>
    withSeed(79, () => {
      const preferred = { address: "10.0.0.4", port: 4433 };
      const serverSent: string[][] = [];
      const qlog = () => (record: string) => {
        const event = JSON.parse(record.replace(/^\x1e/, "")) as { name?: string; data?: { frames?: { frame_type: string }[] } };
        if (event.name === "quic:packet_sent") serverSent.push((event.data?.frames ?? []).map((frame) => frame.frame_type));
      };
      const pair = connectedPair({ seed: 79, link: { latency: 10, bandwidth: 50e6 }, server: { preferredAddress: { ipv4: preferred } }, serverOptions: { qlog } });
      pair.net.attach(pair.serverNode, preferred);
      const run = uploads(pair, [512 << 10]);
      expect(pair.run(run.done, 60_000)).toBe("until");
      checkUploads(run);
      expect(pair.connection.path.remote).toEqual(preferred);
      expect(pair.accepted[0]!.path.local).toEqual(preferred);
      expect(pair.clientEvents).toContainEqual({ type: "path_changed", path: expect.objectContaining({ remote: preferred }) });
      // RFC 9000 §9.6.2: the server probes the path from its preferred address; its answer to the client's probe is its own first probe.
      const firstAnswer = serverSent.find((frames) => frames.includes("path_response"));
      expect(firstAnswer).toContain("path_challenge");
    }));
});
