/**
 * Where to connect: a URL (`https://example.com:4433/`, `quic://[::1]:443`)
 * or a host and port.
 *
 * @module
 */
import { ZquicError } from "@zquic/wire";

/** A server by host name or IP literal and port. */
export interface QuicTarget {
  readonly host: string;
  /** Default 443. */
  readonly port?: number;
}

/** The HTTPS port, which QUIC services use by default. */
const DEFAULT_PORT = 443;

/** The host (without IPv6 brackets) and port of a target. */
export function parseTarget(target: string | QuicTarget): { host: string; port: number } {
  if (typeof target === "string") {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      throw new ZquicError("BAD_TARGET", `"${target}" is not a URL; write e.g. https://example.com:4433/ or pass { host, port }`);
    }
    return checked(url.hostname.replace(/^\[(.*)\]$/, "$1"), url.port === "" ? DEFAULT_PORT : Number(url.port));
  }
  return checked(target.host.replace(/^\[(.*)\]$/, "$1"), target.port ?? DEFAULT_PORT);
}

function checked(host: string, port: number): { host: string; port: number } {
  if (host === "") throw new ZquicError("BAD_TARGET", "the target has no host");
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ZquicError("BAD_TARGET", `port must be 1 to 65535, got ${port}`);
  return { host, port };
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** True for an IPv4 or IPv6 address literal (no name resolution needed). */
export function isIpLiteral(host: string): boolean {
  return IPV4.test(host) || (host.includes(":") && /^[0-9a-fA-F:.]+(%\w+)?$/.test(host));
}

/** The wildcard address of `address`'s family: where a client binds to reach it. */
export function wildcardFor(address: string): string {
  return address.includes(":") ? "::" : "0.0.0.0";
}
