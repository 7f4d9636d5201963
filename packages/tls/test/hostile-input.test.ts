// Hostile input into `receive`: random bytes, and real flights with bytes
// flipped, cut or inserted, in random chunks. A session must answer with at
// most one alert (then nothing) or keep going, and never throw.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { loadProvider } from "@zquic/crypto";
import { AntiReplay, type EncryptionLevel, NamedGroup, TicketKeys, TlsClient, TlsServer, type TlsOutput } from "@zquic/tls";
import { credentials, pair, runHandshake, seededRandom } from "./tls-support.js";

const native = await loadProvider("native");
const server = credentials("p256", native);
// X25519 only, and a fresh seeded random per session, so the recorded flights answer the same ClientHello every time.
const config = pair(native, server, { client: { groups: [NamedGroup.x25519] } });
const newClient = () => new TlsClient({ ...config.client, random: seededRandom(77) });
const newServer = () => new TlsServer({ ...config.server, random: seededRandom(78) });

/** The bytes each side sent, per level, in a clean handshake. */
const recorded = await (async () => {
  const sent: { from: "client" | "server"; level: EncryptionLevel; data: Uint8Array }[] = [];
  await runHandshake(newClient(), newServer(), (from, level, data) => {
    sent.push({ from, level, data });
    return data;
  });
  return sent;
})();
const fromServer = recorded.filter((s) => s.from === "server" && s.level !== "application");
const fromClient = recorded.filter((s) => s.from === "client");

/** Feeds `chunks` and checks the outputs: progress, or one alert that ends them. */
function feed(session: { receive(level: EncryptionLevel, data: Uint8Array): void; poll(): TlsOutput | null }, chunks: [EncryptionLevel, Uint8Array][]): TlsOutput[] {
  const outputs: TlsOutput[] = [];
  for (const [level, data] of chunks) {
    session.receive(level, data);
    for (let output = session.poll(); output !== null; output = session.poll()) outputs.push(output);
  }
  const alerts = outputs.filter((o) => o.kind === "alert");
  expect(alerts.length).toBeLessThanOrEqual(1);
  if (alerts.length === 1) expect(outputs.at(-1)).toBe(alerts[0]);
  return outputs;
}

/** Splits `data` at the given cut points. */
function split(data: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let last = 0;
  for (const point of [...points, data.length]) {
    parts.push(data.subarray(last, point));
    last = point;
  }
  return parts;
}

const mutation = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 }), fc.constantFrom("flip", "cut", "insert")), { minLength: 1, maxLength: 3 });

function mutate(data: Uint8Array, edits: [number, number, string][]): Uint8Array {
  let out = data.slice();
  for (const [position, byte, edit] of edits) {
    const at = position % Math.max(1, out.length);
    if (edit === "flip" && out.length > 0) out[at]! ^= byte;
    else if (edit === "cut") out = out.slice(0, at);
    else out = Uint8Array.from([...out.subarray(0, at), byte, ...out.subarray(at)]);
  }
  return out;
}

describe("hostile input into receive", () => {
  it("the recorded handshake is complete, so mutations start from a working exchange", () => {
    const client = newClient();
    client.start();
    const outputs = feed(client, fromServer.map((s) => [s.level, s.data]));
    expect(outputs.some((o) => o.kind === "handshake_complete")).toBe(true);
  });

  it("random bytes at any level into a server", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom<EncryptionLevel>("initial", "handshake", "application", "early"), fc.uint8Array({ maxLength: 200 })), { maxLength: 4 }), (chunks) => {
        feed(newServer(), chunks);
      }),
      { numRuns: 300 },
    );
  });

  it("random bytes into a client waiting for its ServerHello", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        const client = newClient();
        client.start();
        client.poll();
        feed(client, [["initial", data]]);
      }),
      { numRuns: 200 },
    );
  });

  it("a mutated ClientHello, in random chunks, into a server", () => {
    const hello = fromClient[0]!.data;
    fc.assert(
      fc.property(mutation, fc.array(fc.nat(), { maxLength: 4 }), (edits, cuts) => {
        const chunks = split(mutate(hello, edits), cuts).map((part): [EncryptionLevel, Uint8Array] => ["initial", part]);
        feed(newServer(), chunks);
      }),
      { numRuns: 200 },
    );
  });

  it("mutated server flights, in random chunks, into a client", () => {
    fc.assert(
      fc.property(fc.nat({ max: fromServer.length - 1 }), mutation, fc.array(fc.nat(), { maxLength: 3 }), (index, edits, cuts) => {
        const client = newClient();
        client.start();
        const chunks = fromServer.flatMap((sent, i): [EncryptionLevel, Uint8Array][] =>
          split(i === index ? mutate(sent.data, edits) : sent.data, cuts).map((part) => [sent.level, part]),
        );
        feed(client, chunks);
      }),
      { numRuns: 200 },
    );
  });

  it("a mutated resuming ClientHello (PSK, binder, early_data) into a server with ticket keys", async () => {
    const ticketKeys = new TicketKeys({ provider: native, random: seededRandom(5) });
    const antiReplay = new AntiReplay();
    const serverConfig = { ...config.server, ticketKeys, earlyData: true, antiReplay };
    const first = await runHandshake(newClient(), new TlsServer({ ...serverConfig, random: seededRandom(6) }));
    const ticket = first.client.outputs.find((o) => o.kind === "session_ticket");
    expect(ticket?.kind).toBe("session_ticket");
    if (ticket?.kind !== "session_ticket") return;
    const resuming = new TlsClient({ ...config.client, random: seededRandom(8), resumption: ticket.ticket, earlyData: true });
    resuming.start();
    const hello = (resuming.poll() as { data: Uint8Array }).data;
    fc.assert(
      fc.property(mutation, (edits) => {
        feed(new TlsServer({ ...serverConfig, random: seededRandom(9) }), [["initial", mutate(hello, edits)]]);
      }),
      { numRuns: 200 },
    );
  });

  it("mutated client flights into a server that has answered the ClientHello", () => {
    const handshakeFlight = fromClient.find((s) => s.level === "handshake")!.data;
    fc.assert(
      fc.property(mutation, (edits) => {
        const tls = newServer();
        const outputs = feed(tls, [
          ["initial", fromClient[0]!.data],
          ["handshake", mutate(handshakeFlight, edits)],
        ]);
        expect(outputs.some((o) => o.kind === "handshake_complete") && outputs.some((o) => o.kind === "alert")).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});
