import { createHttp3Client, MemorySessionStore } from "@zquic/node";
const store = new MemorySessionStore();
for (let i = 0; i < 2; i++) {
  const client = createHttp3Client({ caFile: "/tmp/zq/certs/cert.pem", sessionStore: store, earlyData: true });
  try {
    const r = await client.fetch("https://127.0.0.1:14437/a.bin");
    console.log(i, r.status, (await r.arrayBuffer()).byteLength, client.connections[0]?.resumed, client.connections[0]?.earlyDataAccepted);
  } catch (e) { console.log(i, "error", e.message); }
  await new Promise(r => setTimeout(r, 300));
  await client.close();
}
