import { describe, expect, it, vi } from "vitest";
import { accepted, client, serve, sleep, until } from "./fixture.js";

const text = (s: string) => new TextEncoder().encode(s);

describe("the driver", () => {
  it("flushes a burst of application calls once", async () => {
    const { net, server } = await serve();
    const connection = client(net, server);
    await connection.ready;
    const streams = await Promise.all(Array.from({ length: 8 }, () => connection.createBidirectionalStream()));
    const writers = streams.map((stream) => stream.writable.getWriter());
    await sleep(50); // let acknowledgments settle
    const clientPort = net.openPorts.find((port) => port !== server.address.port)!;
    const stats = net.sockets.get(clientPort)!;
    const before = stats.sendCalls;
    // Eight writes in one synchronous burst: the flush runs once, after them (and after pending input).
    await Promise.all(writers.map((writer, i) => writer.write(text(`chunk ${i}`))));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stats.sendCalls - before).toBe(1);
    connection.close();
    await server.close();
  });

  it("sleeps while a connection is idle: one timer wake-up per deadline, no busy loop", async () => {
    const { net, server } = await serve();
    const connection = client(net, server);
    await connection.ready;
    await accepted(server);
    await sleep(200); // handshake leftovers: acknowledgments, HANDSHAKE_DONE, tickets
    const timers = vi.spyOn(globalThis, "setTimeout");
    const sent = [...net.sockets.values()].reduce((n, s) => n + s.datagrams, 0);
    await sleep(500);
    // The memory network uses one setTimeout per batch; the drivers one per deadline. An idle
    // connection has no deadline but the idle timer (30 s), so hardly anything runs.
    const calls = timers.mock.calls.length;
    timers.mockRestore();
    expect(calls).toBeLessThan(10);
    expect([...net.sockets.values()].reduce((n, s) => n + s.datagrams, 0) - sent).toBeLessThan(4);
    connection.close();
    await server.close();
  });

  it("releases a client's socket once its connection is over", async () => {
    const { net, server } = await serve();
    const connection = client(net, server);
    await connection.ready;
    expect(net.openPorts).toHaveLength(2);
    connection.close();
    await until(() => net.openPorts.length === 1);
    expect(net.openPorts).toEqual([server.address.port]);
    await server.close();
    expect(net.openPorts).toEqual([]);
  });
});
