import { describe, it } from "vitest";
import { H3ErrorCode, QpackEncoder, encodeFrame } from "@zquic/h3";
import {
  Http3Client,
  Http3ConnectionError,
  Http3StreamError,
  listen,
  serve,
  trailersOf,
  withTrailers,
  type ApplicationFactory,
} from "@zquic/io";
import { certificate, readAll, sleep, until } from "./fixture.js";
import { payload } from "@zquic/testkit";
import { chunked, http3Pair, sha256 } from "./http3-fixture.js";
import { MemoryNetwork } from "./memory-runtime.js";

const text = (s: string) => new TextEncoder().encode(s);

describe.concurrent("HTTP/3 fetch() and serve() on a memory network", () => {
  it("answers with the handler's status, fields and body; HEAD keeps the fields and drops the body", async ({ expect }) => {
    const pair = await http3Pair((request) => {
      const body = text(`${request.method} ${new URL(request.url).pathname}${new URL(request.url).search}`);
      return new Response(body, { status: 201, headers: { "content-length": String(body.length), "x-echo": request.headers.get("x-probe") ?? "" } });
    });
    const response = await pair.client.fetch(pair.url("/a/b?c=d"), { headers: { "x-probe": "yes" } });
    expect(response.status).toBe(201);
    expect(response.url).toBe(pair.url("/a/b?c=d"));
    expect(response.headers.get("x-echo")).toBe("yes");
    expect(await response.text()).toBe("GET /a/b?c=d");
    const head = await pair.client.fetch(pair.url("/h"), { method: "HEAD" });
    expect(head.status).toBe(201);
    expect(head.headers.get("content-length")).toBe("7");
    expect(head.body).toBeNull();
    await pair.close();
  });

  it("streams a request body to the handler and a response body back, byte for byte", async ({ expect }) => {
    const upload = payload(2_000_000, 7);
    const pair = await http3Pair(async (request) => {
      const received = new Uint8Array(await request.arrayBuffer());
      return new Response(chunked(payload(3_000_000, received.length), 100_000).stream, { headers: { "x-upload-sha256": await sha256(received) } });
    });
    const { stream } = chunked(upload, 64 * 1024);
    const response = await pair.client.fetch(pair.url("/upload"), { method: "POST", body: stream, duplex: "half" } as RequestInit);
    expect(response.headers.get("x-upload-sha256")).toBe(await sha256(upload));
    expect(await sha256(await readAll(response.body!))).toBe(await sha256(payload(3_000_000, upload.length)));
    await pair.close();
  });

  it("holds the server's body back while the client does not read (backpressure through flow control)", async ({ expect }) => {
    // What may be in flight while the client reads nothing: its stream window (1 MiB), the server's send
    // buffer (1 MiB), HTTP/3's per-stream allowance (64 KiB) and the body's read-ahead (256 KiB).
    const size = 8_000_000;
    const body = chunked(payload(size, 1), 64 * 1024);
    const pair = await http3Pair(() => new Response(body.stream));
    const response = await pair.client.fetch(pair.url("/big"));
    await sleep(300);
    const pulledWhileIdle = body.pulled();
    expect(pulledWhileIdle).toBeLessThan(size / 2);
    expect(await sha256(await readAll(response.body!))).toBe(await sha256(payload(size, 1)));
    expect(body.pulled()).toBe(size);
    await pair.close();
  });

  it("sends concurrent requests to one origin over one connection", async ({ expect }) => {
    const pair = await http3Pair((request) => new Response(new URL(request.url).pathname));
    const bodies = await Promise.all(Array.from({ length: 40 }, (_, i) => pair.client.fetch(pair.url(`/${i}`)).then((r) => r.text())));
    expect(bodies).toEqual(Array.from({ length: 40 }, (_, i) => `/${i}`));
    expect(pair.client.connections).toHaveLength(1);
    expect(pair.client.connections[0]!.requests).toBe(40);
    await pair.close();
  });

  it("carries trailers both ways where the platform has no place for them", async ({ expect }) => {
    const pair = await http3Pair(() => withTrailers(new Response("content"), async () => ({ "x-checksum": "abc", "x-count": "7" })));
    const response = await pair.client.fetch(pair.url("/t"));
    expect(await response.text()).toBe("content");
    expect(Object.fromEntries(await trailersOf(response))).toEqual({ "x-checksum": "abc", "x-count": "7" });
    await pair.close();
  });

  it("follows redirects as fetch does: 303 becomes a GET, and the final URL is reported", async ({ expect }) => {
    const methods: string[] = [];
    const pair = await http3Pair((request) => {
      methods.push(`${request.method} ${new URL(request.url).pathname}`);
      if (new URL(request.url).pathname === "/from") return new Response(null, { status: 303, headers: { location: "/to" } });
      return new Response("arrived");
    });
    const response = await pair.client.fetch(pair.url("/from"), { method: "POST", body: "form" });
    expect(await response.text()).toBe("arrived");
    expect(response.redirected).toBe(true);
    expect(response.url).toBe(pair.url("/to"));
    expect(methods).toEqual(["POST /from", "GET /to"]);
    const manual = await pair.client.fetch(pair.url("/from"), { redirect: "manual" });
    expect(manual.status).toBe(303);
    await pair.close();
  });

  it("answers 500 when the handler throws, and what onError makes of it when given", async ({ expect }) => {
    const failing = () => {
      throw new Error("handler bug");
    };
    const plain = await http3Pair(failing);
    expect((await plain.client.fetch(plain.url("/"))).status).toBe(500);
    await plain.close();
    const custom = await http3Pair(failing, { server: { onError: (error) => new Response(`sorry: ${(error as Error).message}`, { status: 503 }) } });
    const response = await custom.client.fetch(custom.url("/"));
    expect([response.status, await response.text()]).toEqual([503, "sorry: handler bug"]);
    await custom.close();
  });

  it("cancels the request stream on abort (H3_REQUEST_CANCELLED), before and after the response", async ({ expect }) => {
    const serverSaw: unknown[] = [];
    const pair = await http3Pair(async (request) => {
      if (new URL(request.url).pathname === "/slow") {
        // The cancel may come in the packet that carried the request: the signal is then aborted already.
        if (!request.signal.aborted) await new Promise((resolve) => request.signal.addEventListener("abort", resolve, { once: true }));
        serverSaw.push(request.signal.reason);
        return new Response("too late");
      }
      return new Response(chunked(payload(20_000_000, 1), 64 * 1024).stream);
    });
    const before = new AbortController();
    const pending = pair.client.fetch(pair.url("/slow"), { signal: before.signal });
    await sleep(100);
    before.abort();
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
    await until(() => serverSaw.length === 1);
    expect(serverSaw[0]).toBeInstanceOf(Http3StreamError);
    expect((serverSaw[0] as Http3StreamError).errorCode).toBe(H3ErrorCode.H3_REQUEST_CANCELLED);

    const after = new AbortController();
    const response = await pair.client.fetch(pair.url("/big"), { signal: after.signal });
    const reader = response.body!.getReader();
    await reader.read();
    after.abort();
    await expect(reader.read()).rejects.toMatchObject({ name: "AbortError" });
    // The connection carries on.
    expect((await pair.client.fetch(pair.url("/slow"), { signal: AbortSignal.timeout(200) }).catch((e: unknown) => e)) as Error).toMatchObject({ name: "TimeoutError" });
    await until(() => pair.client.connections[0]?.inFlight === 0);
    expect(pair.client.connections).toHaveLength(1);
    await pair.close();
  });

  it("closes gracefully: GOAWAY, and the request in flight still completes", async ({ expect }) => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let arrived!: () => void;
    const handling = new Promise<void>((resolve) => (arrived = resolve));
    const pair = await http3Pair(async () => {
      arrived();
      await gate;
      return new Response("finished after GOAWAY");
    });
    const inFlight = pair.client.fetch(pair.url("/"));
    await handling; // the server is processing the request when it starts closing
    const closing = pair.server.close();
    await until(() => pair.client.connections.every((c) => c.inFlight === 1));
    await sleep(100);
    release();
    expect(await (await inFlight).text()).toBe("finished after GOAWAY");
    await closing;
    await pair.server.finished;
    await pair.client.close();
  });

  it("moves new requests to a new connection after the server's GOAWAY", async ({ expect }) => {
    const served: number[] = [];
    const pair = await http3Pair((request, info) => (served.push(info.remoteAddress.port), new Response(new URL(request.url).pathname)), { server: { maxRequestsPerConnection: 3 } });
    for (let i = 0; i < 7; i++) expect(await (await pair.client.fetch(pair.url(`/s${i}`))).text()).toBe(`/s${i}`);
    const [a, b, c] = [...new Set(served)];
    expect(served).toEqual([a, a, a, b, b, b, c]);
    await pair.close();
  });

  it("sends requests the server rejected unprocessed (H3_REQUEST_REJECTED) again on a new connection", async ({ expect }) => {
    const served: number[] = [];
    const pair = await http3Pair(
      async (request, info) => {
        served.push(info.remoteAddress.port);
        await sleep(10);
        return new Response(new URL(request.url).pathname);
      },
      { server: { maxRequestsPerConnection: 4 } },
    );
    const bodies = await Promise.all(Array.from({ length: 10 }, (_, i) => pair.client.fetch(pair.url(`/p${i}`)).then((r) => r.text())));
    expect(bodies).toEqual(Array.from({ length: 10 }, (_, i) => `/p${i}`));
    // Each request was processed once; ten of them took three connections, so some were rejected and sent again.
    expect(served).toHaveLength(10);
    expect(new Set(served).size).toBe(3);
    await pair.close();
  });

  it("rejects a malformed response with an Http3StreamError", async ({ expect }) => {
    // A server that answers every request stream with a HEADERS frame whose :status is not a status code.
    const malformed = encodeFrame({ type: "headers", fieldSection: new QpackEncoder().encodeFieldSection(0, [[":status", "2OO"]]) });
    const { net, url, close } = await rawServer(({ transport, wake }) => ({
      onEvent(event) {
        if (event.type !== "stream_opened" || !event.bidirectional) return;
        transport.streamWrite(event.streamId, malformed, true);
        wake();
      },
      shutdown: () => transport.close(0x100),
    }));
    const client = new Http3Client(net, { trustAnchors: certificate().certificatePem, sessionStore: null });
    const error = await client.fetch(url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Http3StreamError);
    expect(error).toMatchObject({ kind: "malformed", errorCode: H3ErrorCode.H3_MESSAGE_ERROR });
    expect((error as Error).message).toContain(":status 2OO");
    await client.close();
    await close();
  });

  it("fails requests with an Http3ConnectionError naming the H3 code when the peer breaks the connection's rules", async ({ expect }) => {
    // RFC 9114 §6.2.1: the control stream must begin with SETTINGS; this one begins with DATA.
    const controlWithoutSettings = new Uint8Array([0x00, 0x00, 0x00]);
    const { net, url, close } = await rawServer(({ transport, wake }) => ({
      onEvent(event) {
        if (event.type !== "handshake_completed") return;
        transport.streamWrite(transport.openStream(false)!, controlWithoutSettings);
        wake();
      },
      shutdown: () => transport.close(0x100),
    }));
    const client = new Http3Client(net, { trustAnchors: certificate().certificatePem, sessionStore: null });
    const error = await client.fetch(url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Http3ConnectionError);
    expect(error).toMatchObject({ closeCode: H3ErrorCode.H3_MISSING_SETTINGS, application: true, initiator: "local" });
    expect((error as Error).message).toContain("H3_MISSING_SETTINGS");
    await client.close();
    await close();
  });

  it("refuses misuse with typed errors", async ({ expect }) => {
    const net = new MemoryNetwork();
    expect(() => new Http3Client(net, {})).toThrow(expect.objectContaining({ code: "TLS_TRUST" }));
    const client = new Http3Client(net, { insecure: true });
    await expect(client.fetch("http://localhost/")).rejects.toMatchObject({ code: "BAD_URL" });
    await client.close();
    await expect(client.fetch("https://localhost/")).rejects.toMatchObject({ code: "CLIENT_CLOSED" });
  });
});

/** A server on a new network whose `h3` connections `application` owns: a peer that may break HTTP/3. */
async function rawServer(application: ApplicationFactory): Promise<{ net: MemoryNetwork; url: string; close: () => Promise<void> }> {
  const net = new MemoryNetwork();
  const cert = certificate();
  const server = await listen(net, { alpn: ["h3"], port: 0, certificate: cert.certificatePem, privateKey: cert.privateKeyPem, applications: { h3: application } }, () => undefined);
  return { net, url: `https://localhost:${server.address.port}/`, close: () => server.close({ grace: 500 }) };
}
