/**
 * UDP socket addresses: parsing `host:port` / `[v6]:port`, formatting, family.
 *
 * @module
 */
import { isIP } from "node:net";

/** An IP address and UDP port. */
export interface SocketAddress {
  readonly address: string;
  readonly port: number;
}

/** `udp4` or `udp6`, from the address's form. */
export function socketType(address: string): "udp4" | "udp6" {
  return isIP(address) === 6 ? "udp6" : "udp4";
}

/** `127.0.0.1:443` or `[::1]:443`. */
export function formatAddress({ address, port }: SocketAddress): string {
  return isIP(address) === 6 ? `[${address}]:${port}` : `${address}:${port}`;
}

/** Parses `host:port` or `[v6]:port` (a numeric address); throws a `RangeError` otherwise. */
export function parseAddress(text: string): SocketAddress {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(text);
  const address = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (address === undefined || isIP(address) === 0 || !(port >= 0 && port <= 65535)) {
    throw new RangeError(`"${text}" is not a numeric address:port (e.g. 127.0.0.1:4433 or [::1]:4433)`);
  }
  return { address, port };
}

/** The largest UDP payload in a 1500-byte IP packet of `address`'s family (IPv4 20 + UDP 8; IPv6 40 + UDP 8). */
export function udpPayloadLimit(address: string, ipMtu = 1500): number {
  return ipMtu - (socketType(address) === "udp6" ? 48 : 28);
}
