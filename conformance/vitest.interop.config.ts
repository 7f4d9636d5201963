import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Interop runs of the conformance infrastructure with ngtcp2 on both sides
// (needs gtlsclient, gtlsserver, dumpcap, tshark): slow, so outside the
// default test run. `npx vitest run --config conformance/vitest.interop.config.ts`.
const conditions = ["source", "module", "node", "import", "default"];

export default defineConfig({
  root: fileURLToPath(new URL("..", import.meta.url)),
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ["source"] } },
  test: {
    include: ["conformance/test/interop/*.test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**"],
    testTimeout: 240_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
