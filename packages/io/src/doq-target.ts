/**
 * Where a DoQ server is: `host`, `host:port`, `[v6]:port`, a bare IPv6
 * literal, or `doq://host:port`. The port defaults to 853 (RFC 9250 §4.1.1).
 *
 * @module
 */
import { DOQ_PORT } from "@zquic/doq";
import { ZquicError } from "@zquic/wire";
import { isIpLiteral, parseTarget, type QuicTarget } from "./target.js";

/** The DoQ server named by `server`, its port 853 unless it says otherwise. */
export function parseDoqServer(server: string | QuicTarget): { host: string; port: number } {
  if (typeof server !== "string") return parseTarget({ host: server.host, port: server.port ?? DOQ_PORT });
  if (server.includes("://")) {
    if (!server.startsWith("doq://")) throw new ZquicError("BAD_TARGET", `"${server}" is no DoQ server: write doq://host:port, host:port or host`);
    return parseDoqServer(server.slice("doq://".length).replace(/\/$/, ""));
  }
  // A bare IPv6 literal has two colons at least, and no port.
  if (server.split(":").length > 2 && isIpLiteral(server)) return parseTarget({ host: server, port: DOQ_PORT });
  const match = /^(\[[^\]]+\]|[^:[\]]+)(?::(\d+))?$/.exec(server);
  if (match === null) throw new ZquicError("BAD_TARGET", `"${server}" is not host, host:port or [IPv6]:port`);
  return parseTarget({ host: match[1]!, port: match[2] === undefined ? DOQ_PORT : Number(match[2]) });
}

/** `host:port`, IPv6 hosts in brackets: how a server is named in keys and messages. */
export function formatHostPort({ host, port }: { host: string; port: number }): string {
  return `${host.includes(":") ? `[${host}]` : host}:${port}`;
}
