import { defineConfig } from "vitest/config";

// `npm run fuzz`: long property campaigns, bounded by ZQUIC_FUZZ_SECONDS per campaign (default 60).
export default defineConfig({
  resolve: { conditions: ["source", "module", "node", "import", "default"] },
  ssr: { resolve: { conditions: ["source", "module", "node", "import", "default"], externalConditions: ["source"] } },
  test: {
    include: ["fuzz/**/*.fuzz.ts"],
    testTimeout: 0,
    hookTimeout: 120_000,
  },
});
