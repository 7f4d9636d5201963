/**
 * One DNS exchange over UDP (RFC 1035 §4.2.1).
 *
 * @module
 */
import { createSocket } from "node:dgram";
import { boundedExchange } from "./bounded-exchange.js";
import { sameMessageId } from "./message-id.js";

/** A classic DNS server. */
export interface DnsServerAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * Sends `query` (wire form, its Message ID set) to `server` from a fresh
 * socket on an ephemeral port, and resolves with the first datagram from the
 * server carrying the same ID (RFC 5452 §4.1, §9.1). The socket is connected,
 * so only the server's datagrams reach it and an ICMP refusal rejects at once.
 * Rejects with `DnsTimeoutError` after `timeoutMs`.
 */
export function udpExchange(server: DnsServerAddress, query: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
  const socket = createSocket(server.host.includes(":") ? "udp6" : "udp4");
  return boundedExchange(server, timeoutMs, () => socket.close(), (answer, fail) => {
    socket.on("error", fail);
    socket.on("message", (message) => {
      const reply = new Uint8Array(message.buffer, message.byteOffset, message.byteLength);
      // RFC 5452 §9.1: a datagram with another ID is no answer to this query; keep waiting.
      if (sameMessageId(reply, query)) answer(reply);
    });
    socket.connect(server.port, server.host, () => socket.send(query));
  });
}
