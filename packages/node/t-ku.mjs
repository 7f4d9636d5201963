import { createHttp3Client } from "@zquic/node";
const ev = [];
const client = createHttp3Client({ caFile: "/tmp/zq/certs/cert.pem", transport: { keyUpdateInterval: 300 }, qlog: () => (r) => { if (r.includes("key_updated")) ev.push(r.trim()); } });
const r = await client.fetch("https://127.0.0.1:14436/b.bin");
console.log((await r.arrayBuffer()).byteLength);
console.log(ev.join("\n"));
await client.close();
