import { serve } from "@zquic/node";
let last;
const server = await serve({ port: 14441, hostname: "127.0.0.1", certFile: "/tmp/zq/certs/cert.pem", keyFile: "/tmp/zq/certs/priv.key" }, (req, info) => { last = info.connection; return new Response("x"); });
setTimeout(async () => { console.log(last.requests, last.qpack); await server.close(); }, 6000);
