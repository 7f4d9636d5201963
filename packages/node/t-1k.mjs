import { createHttp3Client } from "@zquic/node";
import { readFileSync } from "node:fs";
const client = createHttp3Client({ caFile: "/tmp/zq/certs/cert.pem", sessionStore: null });
const t = performance.now();
const results = await Promise.all(Array.from({ length: 1000 }, async (_, i) => {
  try { const r = await client.fetch(`https://127.0.0.1:14438/s/${i}`); const b = new Uint8Array(await r.arrayBuffer()); return { i, status: r.status, ok: Buffer.compare(Buffer.from(b), readFileSync(`/tmp/zq/www/s/${i}`)) === 0, len: b.length }; }
  catch (e) { return { i, error: e.message }; }
}));
console.log((performance.now() - t).toFixed(0), "ms");
const bad = results.filter(r => !r.ok);
console.log(bad.length, bad.slice(0, 5));
console.log(client.connections.map(c => ({ requests: c.requests })));
await client.close();
