// One client ↔ server scenario on loopback, shared by every runtime adapter:
// handshake, a download checked by SHA-256, 100 parallel streams, datagrams,
// stream resets and close codes. Plain ESM with no runtime APIs, so Node
// (through vitest), Deno and Bun run the same file; the adapter module
// (`@zquic/node`, `@zquic/deno`, `@zquic/bun`) comes in as a parameter.
import { loadProvider } from "@zquic/crypto";
import { generateSelfSigned } from "@zquic/tls";

const ALPN = "zquic-scenario";
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Rejects when `promise` takes longer than `ms`: every wait here is bounded. */
function within(ms, promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

/** Deterministic bytes (xorshift32), `seed` picks the sequence; chunk `index` of 64 KiB each. */
function payloadChunk(seed, index, length) {
  const words = new Uint32Array(Math.ceil(length / 4));
  let x = (seed * 2654435761 + index * 40503 + 1) >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  return new Uint8Array(words.buffer, 0, length);
}

const CHUNK = 64 * 1024;

function* payloadChunks(seed, size) {
  for (let index = 0, offset = 0; offset < size; index++, offset += CHUNK) yield payloadChunk(seed, index, Math.min(CHUNK, size - offset));
}

function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function concat(chunks) {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** Reads the first line (at most 256 bytes) and returns it with the bytes after it. */
async function readLine(reader) {
  const chunks = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error("stream ended before a full line");
    chunks.push(value);
    const all = concat(chunks);
    const newline = all.indexOf(10);
    if (newline >= 0) return { line: decoder.decode(all.subarray(0, newline)), rest: all.subarray(newline + 1) };
    if (all.length > 256) throw new Error("request line too long");
  }
}

async function readAll(readable) {
  const chunks = [];
  const reader = readable.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return concat(chunks);
    chunks.push(value);
  }
}

/** The server's side of one stream: a line naming what to do, then its data. */
async function serveStream(connection, stream) {
  const reader = stream.readable.getReader();
  const writer = stream.writable.getWriter();
  const { line, rest } = await readLine(reader);
  const [command, ...args] = line.split(" ");
  switch (command) {
    case "download": {
      const [size, seed] = args.map(Number);
      for (const chunk of payloadChunks(seed, size)) await writer.write(chunk);
      return writer.close();
    }
    case "echo": {
      if (rest.length > 0) await writer.write(rest);
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return writer.close();
        await writer.write(value);
      }
    }
    case "expect-reset": {
      await writer.write(encoder.encode("ready\n"));
      try {
        while (!(await reader.read()).done);
        await writer.write(encoder.encode("no reset\n"));
      } catch (error) {
        await writer.write(encoder.encode(`${error.name} ${error.code} ${error.streamErrorCode}\n`));
      }
      return writer.close();
    }
    case "close-me": {
      connection.close({ closeCode: Number(args[0]), reason: "asked to" });
      return undefined;
    }
    default:
      return writer.abort({ streamErrorCode: 99 });
  }
}

/** How the server's connections ended, awaitable by a predicate. */
class CloseLog {
  #entries = [];
  #waiters = [];

  add(info) {
    this.#entries.push(info);
    const matched = this.#waiters.filter((waiter) => waiter.predicate(info));
    this.#waiters = this.#waiters.filter((waiter) => !matched.includes(waiter));
    for (const waiter of matched) waiter.resolve(info);
  }

  /** Resolves with the first entry `predicate` accepts, now or when it is added. */
  find(predicate) {
    const found = this.#entries.find(predicate);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve) => this.#waiters.push({ predicate, resolve }));
  }
}

async function serveConnection(connection, closes) {
  connection.closed.then((info) => closes.add(info), (error) => closes.add(error));
  connection.datagrams.readable.pipeTo(connection.datagrams.writable).catch(() => undefined);
  const streams = connection.incomingBidirectionalStreams.getReader();
  for (;;) {
    const { value, done } = await streams.read().catch(() => ({ done: true }));
    if (done) return;
    serveStream(connection, value).catch(() => undefined);
  }
}

async function download(connection, size, seed, hasher) {
  const stream = await connection.createBidirectionalStream();
  const writer = stream.writable.getWriter();
  await writer.write(encoder.encode(`download ${size} ${seed}\n`));
  await writer.close();
  let received = 0;
  const reader = stream.readable.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return received;
    hasher.update(value);
    received += value.length;
  }
}

async function echo(connection, data) {
  const stream = await connection.createBidirectionalStream();
  const writer = stream.writable.getWriter();
  const reading = readAll(stream.readable);
  await writer.write(encoder.encode("echo\n"));
  await writer.write(data);
  await writer.close();
  return reading;
}

/** Sends each datagram until its echo comes back (a few tries: datagrams may be lost). */
async function datagramRoundTrips(connection, count) {
  const reader = connection.datagrams.readable.getReader();
  const writer = connection.datagrams.writable.getWriter();
  let next = reader.read();
  for (let i = 0; i < count; i++) {
    const message = `datagram ${i} ${"x".repeat(i * 40)}`;
    let echoed = false;
    for (let attempt = 0; attempt < 5 && !echoed; attempt++) {
      await writer.write(encoder.encode(message));
      const reply = await within(1000, next, `echo of datagram ${i}`).catch(() => undefined);
      if (reply === undefined) continue;
      next = reader.read();
      echoed = decoder.decode(reply.value) === message;
    }
    check(echoed, `datagram ${i} came back unchanged`);
  }
}

/**
 * Runs the scenario with `zquic` (an adapter: `connect(target, options)`,
 * `listen(options)`). Resolves with measurements; throws on the first failure.
 */
export async function runLoopbackScenario(zquic, { host = "127.0.0.1", downloadBytes = 10 * 1024 * 1024, parallelStreams = 100, log = () => undefined } = {}) {
  const provider = await loadProvider();
  const now = Date.now();
  const certificate = generateSelfSigned({ keyType: "p256", hosts: ["localhost", host], notBefore: now - 3_600_000, notAfter: now + 86_400_000, provider, random: provider.random });
  const server = await zquic.listen({ host, port: 0, alpn: [ALPN], certificate: certificate.certificatePem, privateKey: certificate.privateKeyPem });
  const serverCloses = new CloseLog();
  const serving = (async () => {
    for await (const connection of server) serveConnection(connection, serverCloses).catch(() => undefined);
  })();
  const target = { host, port: server.address.port };
  const clientOptions = { alpn: [ALPN], trustAnchors: certificate.certificatePem, serverName: "localhost" };
  const results = {};
  try {
    // Handshake, with the server's certificate checked against its own anchor.
    const client = zquic.connect(target, clientOptions);
    await within(10_000, client.ready, "handshake");
    check(client.protocol === ALPN, `ALPN is ${ALPN} (got "${client.protocol}")`);
    log(`handshake ok (${client.protocol})`);

    // A download, byte for byte.
    const hasher = provider.hasher("sha256");
    const started = performance.now();
    const received = await within(120_000, download(client, downloadBytes, 7, hasher), "download");
    const seconds = (performance.now() - started) / 1000;
    const expected = provider.hasher("sha256");
    for (const chunk of payloadChunks(7, downloadBytes)) expected.update(chunk);
    check(received === downloadBytes, `received ${downloadBytes} bytes (got ${received})`);
    check(hex(hasher.digest()) === hex(expected.digest()), "the download's SHA-256 matches what was sent");
    results.downloadMBps = downloadBytes / 1e6 / seconds;
    log(`download ok: ${downloadBytes} bytes in ${seconds.toFixed(2)} s (${results.downloadMBps.toFixed(1)} MB/s), SHA-256 matches`);

    // Parallel streams, each echoing its own data.
    const echoes = await within(
      60_000,
      Promise.all(Array.from({ length: parallelStreams }, (_, i) => {
        const data = payloadChunk(1000 + i, 0, 4096 + i * 13);
        return echo(client, data).then((back) => hex(back) === hex(data));
      })),
      "parallel echoes",
    );
    check(echoes.every(Boolean), `all ${parallelStreams} parallel echoes came back unchanged`);
    log(`${parallelStreams} parallel streams ok`);

    // Datagrams.
    check(client.datagrams.maxDatagramSize >= 1000, `datagrams of 1000 bytes fit (max ${client.datagrams.maxDatagramSize})`);
    await within(30_000, datagramRoundTrips(client, 20), "datagrams");
    log("datagrams ok");

    // A writer's reset reaches the reader with its code.
    const resetStream = await client.createBidirectionalStream();
    const resetReader = resetStream.readable.getReader();
    const resetWriter = resetStream.writable.getWriter();
    await resetWriter.write(encoder.encode("expect-reset\n"));
    check((await within(5000, readLine(resetReader), "reset ack")).line === "ready", "the server is ready for the reset");
    await resetWriter.abort({ streamErrorCode: 7 });
    const verdict = (await within(5000, readLine(resetReader), "reset verdict")).line;
    check(verdict === "QuicStreamError STREAM_RESET 7", `the server saw the reset with code 7 (got "${verdict}")`);
    log("stream reset ok");

    // Close codes, both ways.
    client.close({ closeCode: 42, reason: "scenario done" });
    const clientClose = await within(5000, client.closed, "client close");
    check(clientClose.closeCode === 42 && clientClose.application && clientClose.initiator === "local", "the client's own close is reported");
    const second = zquic.connect(target, clientOptions);
    await within(10_000, second.ready, "second handshake");
    const victim = await second.createBidirectionalStream();
    const victimReader = victim.readable.getReader();
    const victimWriter = victim.writable.getWriter();
    await victimWriter.write(encoder.encode("close-me 153\n"));
    const pendingRead = victimReader.read().then(() => undefined, (error) => error);
    const secondClose = await within(5000, second.closed, "server-initiated close");
    check(secondClose.closeCode === 153 && secondClose.application && secondClose.initiator === "remote" && secondClose.reason === "asked to", "the server's close code and reason reach the client");
    const readError = await within(5000, pendingRead, "pending read");
    check(readError?.name === "QuicConnectionError" && readError.closeCode === 153 && readError.application === true, "a pending read rejects with the close");
    const lateOpen = await second.createBidirectionalStream().then(() => undefined, (error) => error);
    check(lateOpen?.name === "QuicConnectionError" && lateOpen.closeCode === 153, "opening a stream after the close rejects");
    const byClient = await within(5000, serverCloses.find((info) => info.closeCode === 42), "the server's view of the client's close");
    check(byClient.initiator === "remote" && byClient.application && byClient.reason === "scenario done", "the server saw the client's close code and reason");
    log("close codes ok");
  } finally {
    await within(10_000, server.close(), "server close");
    await within(5000, serving, "server loop end");
  }
  return results;
}
