import { describe, expect, it } from "vitest";
import { withSeed } from "@zquic/sim";
import type { Connection, ConnectionEvent } from "@zquic/quic";
import { connectedPair, payload, sha256Hex } from "@zquic/testkit";

function drain(connection: Connection, into: ConnectionEvent[]): void {
  for (let e = connection.pollEvent(); e !== null; e = connection.pollEvent()) into.push(e);
}

/** Completes a first connection and returns its session ticket and NEW_TOKEN. */
function firstConnection(seed: number, earlyData: boolean) {
  const pair = connectedPair({ seed, link: { latency: 20 }, serverTls: { earlyData }, clientTls: { earlyData } });
  const events = pair.clientEvents;
  expect(pair.run(() => events.some((e) => e.type === "session_ticket") && events.some((e) => e.type === "new_token"))).toBe("until");
  let ticket: Uint8Array = new Uint8Array(0);
  let token: Uint8Array = new Uint8Array(0);
  for (const event of events) {
    if (event.type === "session_ticket") ticket = event.ticket;
    if (event.type === "new_token") token = event.token;
  }
  pair.connection.close(0, "done");
  pair.run(() => pair.connection.isClosed, 5_000);
  return { pair, ticket, token };
}

describe("resumption and 0-RTT (RFC 9001 §4.6, RFC 9000 §7.4.1)", () => {
  it("resumes a session with a PSK and skips address validation with the NEW_TOKEN", () =>
    withSeed(41, () => {
      const { pair, ticket, token } = firstConnection(41, false);
      const second = pair.reconnect({ resumption: ticket, token });
      const events: ConnectionEvent[] = [];
      expect(pair.run(() => (drain(second, events), second.handshake.confirmed))).toBe("until");
      const completed = events.find((e) => e.type === "handshake_completed");
      expect(completed).toMatchObject({ resumed: true });
      const server = pair.accepted[1]!;
      expect(server.handshake.peerAddressValidated).toBe(true);
    }));

  it("sends a request in 0-RTT that the server accepts and answers", () =>
    withSeed(42, () => {
      const { pair, ticket } = firstConnection(42, true);
      const second = pair.reconnect({ resumption: ticket, earlyData: true });
      const request = payload(3000, 1);
      const id = second.openStream(true)!;
      expect(second.streamWrite(id, request, true)).toBe(request.length);
      const clientEvents: ConnectionEvent[] = [];
      const received: Uint8Array[] = [];
      let fin = false;
      const outcome = pair.run(() => {
        drain(second, clientEvents);
        const server = pair.accepted[1];
        if (server !== undefined && server.streams.get(id) !== undefined) {
          for (let r = fin ? undefined : server.streamRead(id); r !== undefined; r = fin ? undefined : server.streamRead(id)) {
            received.push(r.data.slice());
            fin ||= r.fin;
          }
        }
        return fin && second.handshake.confirmed;
      });
      expect(outcome).toBe("until");
      expect(sha256Hex(received)).toBe(sha256Hex([request]));
      expect(clientEvents).toContainEqual({ type: "early_data", accepted: true });
      expect(second.stats.packetsSent["0RTT"]).toBeGreaterThan(0);
      expect(pair.accepted[1]!.stats.packetsReceived["0RTT"]).toBeGreaterThan(0);
    }));

  it("replays 0-RTT data in 1-RTT when the server rejects it", () =>
    withSeed(43, () => {
      const { pair, ticket } = firstConnection(43, true);
      // A replayed ticket (same ticket twice) is refused by the anti-replay cache (RFC 8446 §8).
      const first = pair.reconnect({ resumption: ticket, earlyData: true });
      pair.run(() => first.handshake.confirmed);
      const second = pair.reconnect({ resumption: ticket, earlyData: true });
      const request = payload(5000, 2);
      const id = second.openStream(true)!;
      second.streamWrite(id, request, true);
      const events: ConnectionEvent[] = [];
      const received: Uint8Array[] = [];
      let fin = false;
      const outcome = pair.run(() => {
        drain(second, events);
        const server = pair.accepted[2];
        if (server !== undefined && server.isEstablished && server.streams.get(id) !== undefined) {
          for (let r = fin ? undefined : server.streamRead(id); r !== undefined; r = fin ? undefined : server.streamRead(id)) {
            received.push(r.data.slice());
            fin ||= r.fin;
          }
        }
        return fin;
      });
      expect(outcome).toBe("until");
      expect(events).toContainEqual({ type: "early_data", accepted: false });
      expect(sha256Hex(received)).toBe(sha256Hex([request]));
      expect(pair.accepted[2]!.stats.packetsReceived["0RTT"]).toBe(0);
    }));
});
