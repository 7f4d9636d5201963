import { serve, createHttp3Client, trailersOf, withTrailers } from "@zquic/node";
const server = await serve({ port: 0, hostname: "127.0.0.1", certFile: "/tmp/zq/certs/cert.pem", keyFile: "/tmp/zq/certs/priv.key" }, async (req, info) => {
  const body = req.body ? new Uint8Array(await req.arrayBuffer()) : new Uint8Array();
  return withTrailers(new Response(`hello ${req.method} ${new URL(req.url).pathname} got ${body.length}`, { headers: { "x-test": "1" } }), () => ({ "x-trailer": "yes" }));
});
console.log("listening", server.address);
const client = createHttp3Client({ caFile: "/tmp/zq/certs/cert.pem" });
const url = `https://127.0.0.1:${server.address.port}/abc`;
const r = await client.fetch(url);
console.log(r.status, [...r.headers], await r.text(), [...await trailersOf(r)]);
const r2 = await client.fetch(url, { method: "POST", body: "x".repeat(100000) });
console.log(r2.status, await r2.text());
const rs = await Promise.all(Array.from({length: 50}, (_, i) => client.fetch(url + i).then(r => r.text())));
console.log(rs.length, rs[49]);
console.log(client.connections.map(c => ({ requests: c.requests, inFlight: c.inFlight, qpack: c.qpack })));
await client.close();
await server.close();
console.log("closed");
