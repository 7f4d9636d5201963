import { describe, expect, it } from "vitest";
import { withSeed, type LinkConfig } from "@zquic/sim";
import { connectedPair, uploads } from "@zquic/testkit";

/** Parses JSON-SEQ records (RFC 7464). */
function records(lines: string[]): { name?: string; time?: number; data?: Record<string, unknown>; trace?: unknown }[] {
  return lines.map((line) => {
    expect(line.startsWith("\u001e")).toBe(true);
    expect(line.endsWith("\n")).toBe(true);
    return JSON.parse(line.slice(1));
  });
}

/** A connected pair whose endpoints write their qlog records into `client` and `server`. */
function tracedPair(seed: number, link: LinkConfig): { pair: ReturnType<typeof connectedPair>; client: string[]; server: string[] } {
  const client: string[] = [];
  const server: string[] = [];
  const pair = connectedPair({
    seed,
    link,
    clientOptions: { qlog: () => (record) => client.push(record) },
    serverOptions: { qlog: () => (record) => server.push(record) },
  });
  return { pair, client, server };
}

describe("qlog (draft-ietf-quic-qlog-main-schema-14, quic-events-13)", () => {
  it("writes a JSON-SEQ trace with packets, frames, metrics, losses and state changes", () =>
    withSeed(77, () => {
      const { pair, client, server } = tracedPair(77, { latency: 10, bandwidth: 20e6, loss: 0.03 });
      const run = uploads(pair, [200_000]);
      expect(pair.run(run.done, 60_000)).toBe("until");
      pair.connection.close(0, "bye");
      pair.run(() => pair.connection.isClosed && pair.accepted[0]!.isClosed, 10_000);
      for (const [trace, role] of [[client, "client"], [server, "server"]] as const) {
        const [header, ...events] = records(trace);
        expect(header).toMatchObject({ file_schema: "urn:ietf:params:qlog:file:sequential", trace: { vantage_point: { type: role } } });
        const names = new Set(events.map((e) => e.name));
        for (const name of ["quic:packet_sent", "quic:packet_received", "quic:parameters_set", "quic:key_updated", "quic:connection_state_updated", "quic:recovery_metrics_updated", "quic:connection_closed"]) {
          expect(names, `${role} ${name}`).toContain(name);
        }
        const times = events.map((e) => e.time ?? 0);
        expect([...times].sort((a, b) => a - b)).toEqual(times);
      }
      const clientEvents = records(client);
      const streamFrames = clientEvents.filter((e) => e.name === "quic:packet_sent").flatMap((e) => (e.data!.frames as { frame_type: string }[]) ?? []).filter((f) => f.frame_type === "stream");
      expect(streamFrames.length).toBeGreaterThan(100);
      expect(clientEvents.some((e) => e.name === "quic:packet_lost")).toBe(true);
    }));

  it("records a key update as local_update where it starts and remote_update where it is followed (RFC 9001 §6)", () =>
    withSeed(78, () => {
      const { pair, client, server } = tracedPair(78, { latency: 10, bandwidth: 20e6 });
      expect(pair.run(() => pair.connection.handshake.confirmed)).toBe("until");
      expect(pair.connection.updateKeys()).toBe(true);
      const run = uploads(pair, [300_000]);
      expect(pair.run(run.done, 60_000)).toBe("until");
      const updates = (trace: string[]) => records(trace).filter((e) => e.name === "quic:key_updated" && e.data!.key_phase !== undefined).map((e) => [e.data!.key_type, e.data!.trigger, e.data!.key_phase]);
      expect(updates(client)).toContainEqual(["client_1rtt_secret", "local_update", 1]);
      expect(updates(server)).toContainEqual(["client_1rtt_secret", "remote_update", 1]);
    }));
});
