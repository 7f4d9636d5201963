import { describe, expect, it } from "vitest";
import { InboundBody, type BodySource } from "../src/http3/inbound-body.js";

/** A body whose source records what it was asked. */
function body(): { body: InboundBody; asked: string[] } {
  const asked: string[] = [];
  const source: BodySource = { pause: () => asked.push("pause"), resume: () => asked.push("resume"), discard: () => asked.push("discard") };
  return { body: new InboundBody(source), asked };
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<number[]> {
  const out: number[] = [];
  for await (const chunk of stream) out.push(...chunk);
  return out;
}

describe("InboundBody", () => {
  it("keeps content and its end from before the stream is made, in order", async () => {
    const { body: content } = body();
    content.push(new Uint8Array([1, 2]));
    content.push(new Uint8Array([3]));
    content.end();
    expect(content.settled).toBe(true);
    expect(await readAll(content.stream)).toEqual([1, 2, 3]);
  });

  it("errors a stream made after a failure, as one made before would be (queued content is dropped)", async () => {
    const { body: content } = body();
    content.push(new Uint8Array([9]));
    content.fail(new Error("reset"));
    await expect(content.stream.getReader().read()).rejects.toThrow("reset");
  });

  it("pauses the source once a read-ahead window waits for a stream no one made yet", () => {
    const { body: content, asked } = body();
    for (let i = 0; i < 3; i++) content.push(new Uint8Array(100 * 1024));
    expect(asked).toEqual(["pause"]);
  });

  it("is discarded without a stream: the source hears it once, and a stream made later is empty", async () => {
    const { body: content, asked } = body();
    content.push(new Uint8Array([1]));
    content.discard();
    content.discard();
    content.push(new Uint8Array([2]));
    expect(asked).toEqual(["discard"]);
    expect(await readAll(content.stream)).toEqual([]);
  });

  it("feeds a stream made first as content arrives, and cancelling it discards the source", async () => {
    const { body: content, asked } = body();
    const reader = content.stream.getReader();
    content.push(new Uint8Array([5]));
    expect(await reader.read()).toEqual({ done: false, value: new Uint8Array([5]) });
    await reader.cancel("no more");
    expect(asked).toContain("discard");
    expect(content.settled).toBe(true);
  });
});
