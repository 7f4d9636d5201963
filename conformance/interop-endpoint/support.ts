/**
 * Which test cases the zquic endpoint runs, and how: each supported
 * (role, TESTCASE) maps to a `zquic` command line. A case not listed makes
 * the endpoint exit 127, which the interop runner reads as "unsupported".
 *
 * Plugging zquic in is adding entries here once `zquic server` / `zquic get`
 * can do what a case needs (see conformance/README.md).
 *
 * @module
 */
import { join } from "node:path";
import type { EndpointEnvironment } from "./environment.js";

/** Builds the `zquic` arguments for a supported case. */
export type CommandBuilder = (env: EndpointEnvironment) => readonly string[];

/** `[v6]:port` or `v4:port`. */
function hostPort(address: string, port: number): string {
  return address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
}

/** `zquic server` serving WWW with the runner's certificate, as every server case starts. */
export const serveFiles: CommandBuilder = (env) => [
  "server",
  "--listen", hostPort(env.listen, env.port),
  "--cert", join(env.certs, "cert.pem"),
  "--key", join(env.certs, "priv.key"),
  "--root", env.www,
  "--alpn", env.alpn,
  ...(env.testcase === "retry" ? ["--retry"] : []),
  ...(env.qlogDir === undefined ? [] : ["--qlog-dir", env.qlogDir]),
];

/** The test cases zquic runs in each role, with their command lines. None yet: the io/cli layer is unfinished. */
export const SUPPORTED: { readonly [R in EndpointEnvironment["role"]]: Readonly<Record<string, CommandBuilder>> } = {
  server: {},
  client: {},
};

/** Why a case is not run, for the endpoint's message. */
export const UNSUPPORTED_REASON = "not supported yet (the zquic CLI/io layer is still being built)";
