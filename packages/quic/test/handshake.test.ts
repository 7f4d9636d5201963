import { describe, expect, it } from "vitest";
import { SeededRandom, seedsToRun, withSeed } from "@zquic/sim";
import { CLIENT_ADDRESS, SERVER_ADDRESS, WALL_CLOCK_START, connectedPair, provider, testCertificate } from "@zquic/testkit";
import { insecureVerifier } from "@zquic/tls";
import { Endpoint, type Transmit } from "@zquic/quic";

describe("handshake through the simulator", () => {
  it("completes on a clean link", () =>
    withSeed(1, () => {
      const pair = connectedPair({ seed: 1, link: { latency: 10 } });
      const outcome = pair.net.runUntil({
        until: () => {
          pair.pump();
          return pair.connection.handshake.confirmed && pair.accepted[0]?.handshake.confirmed === true;
        },
        deadline: 10_000,
      });
      expect(outcome.reason).toBe("until");
      expect(pair.connection.alpn).toBe("zquic-test");
      expect(pair.clientEvents.map((e) => e.type)).toContain("handshake_completed");
      expect(pair.serverEvents.map((e) => e.type)).toContain("handshake_confirmed");
    }));

  for (const seed of seedsToRun(process.env.ZQUIC_SEED, [11, 12, 13])) {
    it(`completes with 30% loss each way (seed ${seed})`, () =>
      withSeed(seed, () => {
        const pair = connectedPair({ seed, link: { latency: 15, loss: 0.3 } });
        const outcome = pair.net.runUntil({
          until: () => {
            pair.pump();
            return pair.connection.handshake.confirmed && pair.accepted[0]?.handshake.confirmed === true;
          },
          deadline: 60_000,
        });
        expect(outcome.reason).toBe("until");
      }));
  }

  for (const seed of seedsToRun(process.env.ZQUIC_SEED, [14, 15])) {
    it(`completes when 10% of datagrams are corrupted each way (seed ${seed})`, () =>
      withSeed(seed, () => {
        const pair = connectedPair({ seed, link: { latency: 15, corrupt: 0.1, corruptBits: 3 } });
        const outcome = pair.net.runUntil({
          until: () => {
            pair.pump();
            return pair.connection.handshake.confirmed && pair.accepted[0]?.handshake.confirmed === true;
          },
          deadline: 60_000,
        });
        expect(outcome.reason).toBe("until");
        // Corrupted packets fail authentication and are dropped; none may close the connection.
        expect(pair.connection.closeReason).toBeUndefined();
        expect(pair.accepted[0]!.closeReason).toBeUndefined();
      }));
  }

  it("takes the client's Connection ID from the first Initial that decrypts, not from one whose header was corrupted", () => {
    const random = new SeededRandom(16);
    const cert = testCertificate();
    const clock = () => WALL_CLOCK_START;
    const server = new Endpoint({
      provider,
      random: random.fork("server").bytes,
      server: { tls: { alpn: ["zquic-test"], certificateChain: [cert.certificate.der], privateKey: cert.privateKey, now: clock } },
    });
    const client = new Endpoint({ provider, random: random.fork("client").bytes });
    const connection = client.connect(0, { local: CLIENT_ADDRESS, remote: SERVER_ADDRESS, tls: { alpn: ["zquic-test"], serverName: "localhost", verifier: insecureVerifier(), now: clock } });
    const drain = (endpoint: Endpoint, now: number): Transmit[] => {
      const out: Transmit[] = [];
      for (let t = endpoint.pollTransmit(now); t !== null; t = endpoint.pollTransmit(now)) out.push(t);
      return out;
    };
    // RFC 9000 §17.2: flags, version (4), DCID length, DCID, SCID length, SCID. Flip the SCID's first byte of every first-flight datagram.
    for (const transmit of drain(client, 0)) {
      const datagram = transmit.data.slice();
      datagram[6 + datagram[5]! + 1]! ^= 0xff;
      server.handleDatagram(0, datagram, { local: SERVER_ADDRESS, remote: CLIENT_ADDRESS }, 0);
    }
    expect(drain(server, 0)).toEqual([]); // nothing decrypted, nothing to say
    expect(server.connectionCount).toBe(0); // and no state kept
    let now = 0;
    for (let step = 0; step < 400 && !connection.handshake.confirmed; step++) {
      now += 5;
      for (const endpoint of [client, server]) {
        const deadline = endpoint.pollTimeout();
        if (deadline !== undefined && deadline <= now) endpoint.handleTimeout(now);
      }
      for (const t of drain(client, now)) server.handleDatagram(now, t.data, { local: SERVER_ADDRESS, remote: CLIENT_ADDRESS }, 0);
      for (const t of drain(server, now)) client.handleDatagram(now, t.data, { local: CLIENT_ADDRESS, remote: SERVER_ADDRESS }, 0);
    }
    expect(connection.closeReason).toBeUndefined();
    expect(connection.handshake.confirmed).toBe(true);
  });

  it("routes an Initial delayed past the handshake to its connection instead of starting another (RFC 9000 §5.2)", () =>
    withSeed(17, () => {
      let firstInitial: Uint8Array | undefined;
      const pair = connectedPair({ seed: 17, link: { latency: 10 }, trace: (event) => void (event.type === "send" && (firstInitial ??= event.data.slice())) });
      expect(pair.run(() => pair.connection.handshake.confirmed && pair.accepted[0]?.handshake.confirmed === true)).toBe("until");
      pair.server.handleDatagram(pair.net.now, firstInitial!, { local: SERVER_ADDRESS, remote: CLIENT_ADDRESS }, 0);
      pair.pump();
      expect(pair.accepted).toHaveLength(1);
      expect(pair.server.connectionCount).toBe(1);
      expect(pair.server.pollTransmit(pair.net.now)).toBeNull();
    }));
});
