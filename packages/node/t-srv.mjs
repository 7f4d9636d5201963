import { serve } from "@zquic/node";
import { readFileSync } from "node:fs";
const files = { "/a.bin": readFileSync("/tmp/zq/www/a.bin"), "/b.bin": readFileSync("/tmp/zq/www/b.bin") };
const server = await serve({ port: 14434, hostname: "127.0.0.1", certFile: "/tmp/zq/certs/cert.pem", keyFile: "/tmp/zq/certs/priv.key" }, (req, info) => {
  const f = files[new URL(req.url).pathname];
  if (!f) return new Response("not found", { status: 404 });
  return new Response(f, { headers: { "content-length": String(f.length) } });
});
console.log("listening");
setTimeout(async () => { await server.close(); console.log("closed"); }, 15000);
