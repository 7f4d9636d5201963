// HTTP/3 fetch/serve on loopback, shared by every runtime adapter: each runtime's own Request,
// Response and Headers carry a GET (body checked by SHA-256), a streamed POST body, 20
// concurrent requests on one connection, trailers and an aborted request. Plain ESM with no
// runtime APIs; the adapter module (`@zquic/node`, `@zquic/deno`, `@zquic/bun`) is a parameter.
import { loadProvider } from "@zquic/crypto";
import { generateSelfSigned } from "@zquic/tls";

const SIZE = 1_000_000;

function within(ms, promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

/** `length` deterministic bytes. */
function pattern(length) {
  const out = new Uint8Array(length);
  let x = 0x9e3779b9;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

async function sha256(bytes) {
  return Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A request body that yields `data` in 64 KiB chunks as it is pulled. */
function streamed(data) {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= data.length) return controller.close();
      controller.enqueue(data.slice(at, at + 65536));
      at += 65536;
    },
  });
}

/** Runs the scenario with `zquic` (an adapter exporting `serve` and `createHttp3Client`); rejects on the first failed check. */
export async function runHttp3Scenario(zquic, { log = () => undefined } = {}) {
  const provider = await loadProvider();
  const now = Date.now();
  const cert = generateSelfSigned({ keyType: "p256", hosts: ["127.0.0.1"], notBefore: now - 3_600_000, notAfter: now + 86_400_000, provider, random: provider.random });
  const content = pattern(SIZE);
  const server = await zquic.serve({ port: 0, hostname: "127.0.0.1", cert: cert.certificatePem, key: cert.privateKeyPem }, async (request) => {
    const path = new URL(request.url).pathname;
    if (path === "/content") return new Response(content, { headers: { "content-length": String(SIZE), "x-runtime-probe": request.headers.get("x-probe") ?? "" } });
    if (path === "/upload") return new Response(await sha256(new Uint8Array(await request.arrayBuffer())));
    if (path === "/trailers") return zquic.withTrailers(new Response("with trailers"), () => ({ "x-done": "yes" }));
    if (path === "/hang") {
      await new Promise((resolve) => request.signal.addEventListener("abort", resolve, { once: true }));
      return new Response(null, { status: 204 });
    }
    return new Response(path.slice(1), { headers: { "content-type": "text/plain" } });
  });
  const origin = `https://127.0.0.1:${server.address.port}`;
  const client = zquic.createHttp3Client({ trustAnchors: cert.certificatePem, sessionStore: null });
  try {
    const get = await within(20_000, client.fetch(`${origin}/content`, { headers: { "x-probe": "probe" } }), "GET");
    check(get.status === 200 && get.headers.get("x-runtime-probe") === "probe", `GET status ${get.status}`);
    check((await sha256(new Uint8Array(await get.arrayBuffer()))) === (await sha256(content)), "GET body hash");
    log(`get ok: ${SIZE} bytes`);

    const upload = pattern(SIZE / 2);
    const posted = await within(20_000, client.fetch(`${origin}/upload`, { method: "POST", body: streamed(upload), duplex: "half" }), "POST");
    check((await posted.text()) === (await sha256(upload)), "the server's hash of the streamed request body");
    log("streamed post ok");

    const texts = await within(20_000, Promise.all(Array.from({ length: 20 }, (_, i) => client.fetch(`${origin}/r${i}`).then((r) => r.text()))), "20 GETs");
    check(texts.every((text, i) => text === `r${i}`), "20 concurrent responses");
    check(client.connections.length === 1 && client.connections[0].requests === 22, `one connection carried them (${client.connections.map((c) => c.requests)})`);
    log("parallel ok: 20 requests on one connection");

    const withTrailers = await within(20_000, client.fetch(`${origin}/trailers`), "trailers");
    check((await withTrailers.text()) === "with trailers", "trailers body");
    check((await zquic.trailersOf(withTrailers)).get("x-done") === "yes", "trailers arrived");
    log("trailers ok");

    const aborted = await client.fetch(`${origin}/hang`, { signal: AbortSignal.timeout(200) }).then(
      () => "resolved",
      (error) => error.name,
    );
    check(aborted === "TimeoutError", `an aborted fetch rejects with the signal's reason, got ${aborted}`);
    log("abort ok");
  } finally {
    await client.close();
    await server.close({ grace: 1000 });
  }
}
