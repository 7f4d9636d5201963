/**
 * The interop runner's endpoint contract, read from the environment
 * (quic-interop-runner README, quic.md; quic-network-simulator
 * `run_endpoint.sh`): `ROLE`, `TESTCASE`, `REQUESTS` (space-separated URLs),
 * `WWW`, `DOWNLOADS`, `CERTS` (defaults `/www`, `/downloads`, `/certs`) and
 * `PORT` (default 443). `SSLKEYLOGFILE` and `QLOGDIR` are not read here:
 * `@zquic/node` honours both itself. Extensions for loopback runs: `ALPN`
 * (default `h3` for `http3`, `hq-interop` otherwise, as the runner implies),
 * the server's `LISTEN` address (default `::`), and `PREFERRED_ADDRESS` for
 * `connectionmigration`.
 *
 * @module
 */

/** The endpoint's configuration. */
export interface EndpointEnvironment {
  readonly role: "client" | "server";
  readonly testcase: string;
  readonly requests: readonly string[];
  readonly www: string;
  readonly downloads: string;
  readonly certs: string;
  readonly port: number;
  readonly listen: string;
  readonly alpn: "hq-interop" | "h3";
  readonly preferredAddress?: string;
}

/** Reads the contract from `env`; a problem is returned as a message (the endpoint exits 1 with it). */
export function readEnvironment(env: Readonly<Record<string, string | undefined>>): EndpointEnvironment | { readonly problem: string } {
  const role = env.ROLE;
  if (role !== "client" && role !== "server") return { problem: `ROLE must be "client" or "server", got ${JSON.stringify(role)}` };
  const testcase = env.TESTCASE;
  if (testcase === undefined || testcase === "") return { problem: "TESTCASE is not set" };
  const port = Number(env.PORT ?? "443");
  if (!(Number.isInteger(port) && port > 0 && port < 65536)) return { problem: `PORT must be a port number, got ${JSON.stringify(env.PORT)}` };
  const alpn = env.ALPN ?? (testcase === "http3" ? "h3" : "hq-interop");
  if (alpn !== "h3" && alpn !== "hq-interop") return { problem: `ALPN must be "h3" or "hq-interop", got ${JSON.stringify(alpn)}` };
  const requests = (env.REQUESTS ?? "").split(/\s+/).filter((url) => url !== "");
  if (role === "client" && requests.length === 0) return { problem: "REQUESTS is empty: the client has nothing to download" };
  return {
    role,
    testcase,
    requests,
    www: env.WWW ?? "/www",
    downloads: env.DOWNLOADS ?? "/downloads",
    certs: env.CERTS ?? "/certs",
    port,
    listen: env.LISTEN ?? "::",
    alpn,
    ...(env.PREFERRED_ADDRESS ? { preferredAddress: env.PREFERRED_ADDRESS } : {}),
  };
}
