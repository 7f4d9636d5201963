import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The conformance suite's fast tests (pure models, checks, relay measurements
// on loopback) against the workspace's TypeScript sources, as the root config
// runs the packages' tests. Interop runs against ngtcp2 live in
// vitest.interop.config.ts.
const conditions = ["source", "module", "node", "import", "default"];

export default defineConfig({
  root: fileURLToPath(new URL("..", import.meta.url)),
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ["source"] } },
  test: {
    include: ["conformance/test/*.test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**"],
    testTimeout: 30_000,
  },
});
