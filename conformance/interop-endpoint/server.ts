/**
 * The endpoint's server role: serves `WWW` with the runner's certificate on
 * `LISTEN`:`PORT` over hq-interop and HTTP/3 (the environment's ALPN
 * preferred), accepting 0-RTT, until SIGTERM or SIGINT.
 *
 * @module
 */
import { join } from "node:path";
import { H3_ALPN, http3Application, listen } from "@zquic/node";
import type { SocketAddress } from "@zquic/quic";
import type { EndpointEnvironment } from "./environment.js";
import { HQ_ALPN, serveHq } from "./hq-interop.js";
import { http3Files } from "./http3-files.js";
import type { ServerPlan } from "./support.js";

/** How long connections may take to finish once the runner stops the server. */
const SHUTDOWN_GRACE_MS = 500;

/** `PREFERRED_ADDRESS` (`host:port` or `[v6]:port`) as the transport parameter's address of its family. */
function preferredAddressOf(env: EndpointEnvironment): { ipv4?: SocketAddress; ipv6?: SocketAddress } {
  const text = env.preferredAddress;
  const match = text === undefined ? null : /^\[?([^\]]+?)\]?:(\d+)$/.exec(text);
  if (match === null) throw new Error(`connectionmigration needs PREFERRED_ADDRESS as host:port, got ${JSON.stringify(text)}`);
  const address = { address: match[1]!, port: Number(match[2]) };
  return address.address.includes(":") ? { ipv6: address } : { ipv4: address };
}

/** Runs the server until it is told to stop; true when it stopped cleanly. */
export async function runServer(env: EndpointEnvironment, plan: ServerPlan, log: (line: string) => void): Promise<boolean> {
  const server = await listen(
    {
      host: env.listen,
      port: env.port,
      alpn: [env.alpn, ...[HQ_ALPN, H3_ALPN].filter((alpn) => alpn !== env.alpn)],
      applications: { [H3_ALPN]: http3Application(http3Files(env.www, log)) },
      certFile: join(env.certs, "cert.pem"),
      keyFile: join(env.certs, "priv.key"),
      retry: plan.retry === true,
      earlyData: true,
      ...(plan.versions !== undefined ? { versions: plan.versions } : {}),
      ...(plan.preferredAddress === true ? { preferredAddress: preferredAddressOf(env) } : {}),
    },
    (connection) => {
      if (connection.protocol === HQ_ALPN) serveHq(connection, env.www, log).catch((error: unknown) => log(`connection ended: ${(error as Error).message}`));
    },
  );
  log(`listening on ${env.listen} port ${server.address.port}`);
  await new Promise<void>((resolve) => {
    process.once("SIGTERM", resolve);
    process.once("SIGINT", resolve);
  });
  await server.close({ grace: SHUTDOWN_GRACE_MS });
  return true;
}
