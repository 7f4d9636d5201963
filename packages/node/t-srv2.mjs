import { serve } from "@zquic/node";
import { readFileSync } from "node:fs";
const server = await serve({ port: 14435, hostname: "127.0.0.1", certFile: "/tmp/zq/certs/cert.pem", keyFile: "/tmp/zq/certs/priv.key", retry: true, earlyData: true, qlogDir: "/tmp/zq/qlog" }, (req) => new Response(readFileSync("/tmp/zq/www/b.bin")));
setTimeout(async () => { await server.close(); }, 12000);
