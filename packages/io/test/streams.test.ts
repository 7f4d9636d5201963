import { describe, it } from "vitest";
import { QuicStreamError, type QuicConnection, type QuicServer } from "@zquic/io";
import { accepted, client, pendingAfter, readAll, serve } from "./fixture.js";

const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);

/** A connected pair on a fresh network; `transport` applies to both sides. */
async function pair(transport = {}): Promise<{ server: QuicServer; near: QuicConnection; far: QuicConnection }> {
  const { net, server } = await serve({ transport });
  const near = client(net, server, { transport });
  await near.ready;
  const far = await accepted(server);
  return { server, near, far };
}

async function done(near: QuicConnection, server: QuicServer): Promise<void> {
  near.close();
  await server.close();
}

describe.concurrent("streams as WHATWG streams", () => {
  it("carries a bidirectional exchange with FIN both ways", async ({ expect }) => {
    const { server, near, far } = await pair();
    const stream = await near.createBidirectionalStream();
    const writer = stream.writable.getWriter();
    await writer.write(text("ping"));
    await writer.close();
    const { value: incoming } = await far.incomingBidirectionalStreams.getReader().read();
    expect(incoming!.id).toBe(stream.id);
    expect(str(await readAll(incoming!.readable))).toBe("ping");
    const back = incoming!.writable.getWriter();
    await back.write(text("pong"));
    await back.close();
    expect(str(await readAll(stream.readable))).toBe("pong");
    await done(near, server);
  });

  it("carries unidirectional streams", async ({ expect }) => {
    const { server, near, far } = await pair();
    const writable = await near.createUnidirectionalStream();
    const writer = writable.getWriter();
    await writer.write(text("one way"));
    await writer.close();
    const { value: incoming } = await far.incomingUnidirectionalStreams.getReader().read();
    expect(str(await readAll(incoming!))).toBe("one way");
    await done(near, server);
  });

  it("holds a writer back while the reader does not read, then delivers everything", async ({ expect }) => {
    const window = 64 * 1024;
    const { server, near, far } = await pair({ initialMaxStreamDataBidiRemote: window, initialMaxStreamDataBidiLocal: window, initialMaxData: 4 * window, maxStreamWindow: window, maxConnectionWindow: 4 * window, sendBufferSize: window });
    const stream = await near.createBidirectionalStream();
    const writer = stream.writable.getWriter();
    const chunk = new Uint8Array(16 * 1024).map((_, i) => i & 0xff);
    let accepted = 0;
    let pending: Promise<void> | undefined;
    // Write until a write stays pending: the send buffer and the peer's window are full.
    for (let i = 0; i < 64 && pending === undefined; i++) {
      const write = writer.write(chunk);
      if (await pendingAfter(write, 100)) pending = write;
      else accepted += chunk.length;
    }
    expect(pending).toBeDefined();
    // What the transport took is bounded by its send buffer plus the peer's windows (readable queue included).
    expect(accepted).toBeLessThanOrEqual(window + window + 256 * 1024);
    const { value: incoming } = await far.incomingBidirectionalStreams.getReader().read();
    const reading = readAll(incoming!.readable);
    await pending;
    await writer.close();
    const received = await reading;
    expect(received.length).toBe(accepted + chunk.length);
    expect(received.every((byte, i) => byte === (i % chunk.length) % 256)).toBe(true);
    await done(near, server);
  });

  it("errors a writer with the code of the reader's STOP_SENDING", async ({ expect }) => {
    const { server, near, far } = await pair();
    const stream = await near.createBidirectionalStream();
    const writer = stream.writable.getWriter();
    await writer.write(text("hello"));
    const { value: incoming } = await far.incomingBidirectionalStreams.getReader().read();
    await incoming!.readable.cancel({ streamErrorCode: 5 });
    const failure = await writer.closed.then(() => undefined, (error: unknown) => error);
    expect(failure).toBeInstanceOf(QuicStreamError);
    expect(failure).toMatchObject({ code: "STREAM_STOPPED", streamErrorCode: 5, source: "stop_sending", streamId: stream.id });
    await expect(writer.write(text("more"))).rejects.toBe(failure);
    await done(near, server);
  });

  it("errors a reader with the code of the writer's reset", async ({ expect }) => {
    const { server, near, far } = await pair();
    const stream = await near.createBidirectionalStream();
    const writer = stream.writable.getWriter();
    await writer.write(text("partial"));
    const { value: incoming } = await far.incomingBidirectionalStreams.getReader().read();
    const reader = incoming!.readable.getReader();
    expect(str((await reader.read()).value!)).toBe("partial");
    await writer.abort({ streamErrorCode: 77 });
    await expect(reader.read()).rejects.toMatchObject({ code: "STREAM_RESET", streamErrorCode: 77 });
    await done(near, server);
  });

  it("waits for the peer's stream limit and opens more as streams close (RFC 9000 §4.6)", async ({ expect }) => {
    const { server, near, far } = await pair({ maxStreamsBidi: 2 });
    const opening = Array.from({ length: 5 }, () => near.createBidirectionalStream());
    const opened = await Promise.all(opening.slice(0, 2));
    expect(await pendingAfter(opening[2]!, 100)).toBe(true);
    const incoming = far.incomingBidirectionalStreams.getReader();
    // Finish streams both ways; the server's MAX_STREAMS lets the waiting ones open.
    const serveOne = async () => {
      const { value } = await incoming.read();
      await readAll(value!.readable);
      await value!.writable.close();
    };
    const serving = Promise.all(Array.from({ length: 5 }, serveOne));
    const all = await Promise.all(opening.map(async (open) => {
      const stream = await open;
      await stream.writable.close();
      await readAll(stream.readable);
      return stream.id;
    }));
    await serving;
    expect(opened.map((stream) => stream.id)).toEqual(all.slice(0, 2));
    expect(new Set(all).size).toBe(5);
    await done(near, server);
  });

  it("refuses chunks that are not bytes with a typed error", async ({ expect }) => {
    const { server, near } = await pair();
    const stream = await near.createBidirectionalStream();
    const writer = (stream.writable as unknown as WritableStream<string>).getWriter();
    await expect(writer.write("text")).rejects.toMatchObject({ code: "STREAM_CHUNK" });
    await done(near, server);
  });

  it("delivers datagrams both ways and rejects oversized ones", async ({ expect }) => {
    const { server, near, far } = await pair();
    const writer = near.datagrams.writable.getWriter();
    const reader = far.datagrams.readable.getReader();
    await writer.write(text("datagram"));
    expect(str((await reader.read()).value!)).toBe("datagram");
    await expect(writer.write(new Uint8Array(near.datagrams.maxDatagramSize + 1))).rejects.toMatchObject({ code: "DATAGRAM_TOO_LARGE" });
    await done(near, server);
  });

  it("rejects pending reads and writes when the peer closes, and ends the incoming streams", async ({ expect }) => {
    const { server, near, far } = await pair();
    const stream = await near.createBidirectionalStream();
    const reading = stream.readable.getReader().read();
    const incoming = near.incomingBidirectionalStreams.getReader().read();
    far.close({ closeCode: 9, reason: "bye" });
    await expect(reading).rejects.toMatchObject({ name: "QuicConnectionError", closeCode: 9, application: true, reason: "bye", initiator: "remote" });
    expect(await incoming).toEqual({ done: true, value: undefined });
    await expect(stream.writable.getWriter().write(text("late"))).rejects.toMatchObject({ closeCode: 9 });
    await expect(near.createUnidirectionalStream()).rejects.toMatchObject({ closeCode: 9 });
    await server.close();
  });

  it("keeps data that arrived before the peer closed readable", async ({ expect }) => {
    const { server, near, far } = await pair();
    const stream = await near.createBidirectionalStream();
    const writer = stream.writable.getWriter();
    await writer.write(text("last words"));
    await writer.close();
    const { value: incoming } = await far.incomingBidirectionalStreams.getReader().read();
    // The network keeps order: the data arrives before the close, and the reader looks only after it.
    near.close({ closeCode: 1 });
    await far.closed;
    expect(str(await readAll(incoming!.readable))).toBe("last words");
    await server.close();
  });
});
