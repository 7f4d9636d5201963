/**
 * Where the conformance suite lives, whether running from its TypeScript
 * sources (vitest) or from `conformance/dist` (the runner).
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

/** The `conformance/` directory. */
export const CONFORMANCE_DIR = basename(here) === "dist" ? dirname(here) : here;

/** The monorepo's root. */
export const REPOSITORY_DIR = dirname(CONFORMANCE_DIR);

/** The zquic interop endpoint executable (the interop runner's `run_endpoint.sh` contract). */
export const ENDPOINT = join(CONFORMANCE_DIR, "endpoint");
