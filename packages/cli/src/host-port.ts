/**
 * `HOST:PORT` as command lines write it (`127.0.0.1:4433`, `[::1]:443`).
 *
 * @module
 */
import { isIP } from "node:net";
import { UsageError } from "./command.js";

/** Splits and checks `HOST:PORT`; the host must be an IP literal (a socket binds to it). */
export function parseHostPort(text: string): { host: string; port: number } {
  const match = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:]+):(\d+)$/.exec(text);
  if (match === null) throw new UsageError(`"${text}" is not HOST:PORT (write IPv6 as [::1]:443)`);
  const host = match[1]!;
  const port = Number(match[2]);
  if (isIP(host) === 0) throw new UsageError(`"${host}" is not an IP address`);
  if (port > 65535) throw new UsageError(`port ${port} is above 65535`);
  return { host, port };
}
