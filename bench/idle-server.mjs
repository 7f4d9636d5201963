// A zquic server for the memory benchmark: it accepts connections (ALPN "bench") and keeps them,
// idle, for up to ten minutes. On each stdin line "measure" it collects garbage (with
// --expose-gc) and prints "measure RSS HEAP_USED CONNECTIONS" (bytes). Prints "listening on PORT".
// Run: node --expose-gc bench/idle-server.mjs CERT KEY
import { createInterface } from "node:readline";
import { listen } from "@zquic/node";

const [certFile, keyFile] = process.argv.slice(2);
let connections = 0;
const server = await listen(
  { host: "127.0.0.1", port: 0, alpn: ["bench"], certFile, keyFile, maxConnections: 50_000, maxHandshakes: 5_000, transport: { maxIdleTimeout: 600_000 } },
  (connection) => {
    connections++;
    connection.closed.then(
      () => connections--,
      () => connections--,
    );
  },
);
console.log(`listening on ${server.address.port}`);
createInterface({ input: process.stdin }).on("line", (line) => {
  if (line.trim() !== "measure") return;
  globalThis.gc?.();
  globalThis.gc?.();
  console.log(`measure ${process.memoryUsage().rss} ${process.memoryUsage().heapUsed} ${connections}`);
});
process.once("SIGTERM", () => process.exit(0));
process.once("SIGINT", () => process.exit(0));
