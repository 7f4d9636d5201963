/**
 * zquic as a peer, through `conformance/endpoint`: the interop runner's
 * endpoint contract (environment variables in, exit status out). The
 * endpoint itself decides what it supports and exits 127 otherwise, which
 * the runner reports as unsupported, so this peer always has a plan.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ENDPOINT, REPOSITORY_DIR } from "../paths.js";
import type { Launch } from "../process.js";
import { formatAddress } from "../relay/address.js";
import { planned, type ClientContext, type EndpointContext, type Peer, type ServerContext } from "./peer.js";

/** The variables every role gets: the runner's, plus `ALPN` (our extension: ngtcp2 speaks only h3). */
function commonEnv(context: EndpointContext, role: "client" | "server", testcase: string): Record<string, string> {
  return {
    ROLE: role,
    TESTCASE: testcase,
    CERTS: context.certs,
    SSLKEYLOGFILE: join(context.logDir, `keys-${role}.log`),
    QLOGDIR: join(context.logDir, "qlog"),
    ALPN: context.protocol,
  };
}

function serverLaunch(context: ServerContext): Launch {
  return {
    command: ENDPOINT,
    args: [],
    env: {
      ...commonEnv(context, "server", context.testCase.testcase.server),
      WWW: context.www,
      PORT: String(context.listen.port),
      // Extensions: the address to bind (the runner's server binds every address), and the preferred address to offer.
      LISTEN: context.listen.address,
      ...(context.preferredAddress === undefined ? {} : { PREFERRED_ADDRESS: formatAddress(context.preferredAddress) }),
    },
    log: join(context.logDir, "server.log"),
  };
}

function clientLaunch(context: ClientContext): Launch {
  return {
    command: ENDPOINT,
    args: [],
    env: {
      ...commonEnv(context, "client", context.testCase.testcase.client),
      DOWNLOADS: context.downloads,
      REQUESTS: context.requests.join(" "),
    },
    log: join(context.logDir, "client-0.log"),
  };
}

/** The workspace's zquic version, from `packages/quic/package.json`. */
async function workspaceVersion(): Promise<string> {
  const manifest = await readFile(join(REPOSITORY_DIR, "packages", "quic", "package.json"), "utf8").catch(() => "{}");
  const version = (JSON.parse(manifest) as { version?: string }).version;
  return version === undefined ? "zquic (version unknown)" : `zquic ${version} (workspace)`;
}

/** zquic through its interop endpoint. */
export const zquic: Peer = {
  name: "zquic",
  protocols: ["hq-interop", "h3"],
  version: workspaceVersion,
  server: (context) => planned(serverLaunch(context)),
  client: (context) => planned([clientLaunch(context)]),
};
