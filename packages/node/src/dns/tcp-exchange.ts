/**
 * One DNS exchange over TCP (RFC 1035 §4.2.2): each message behind a
 * two-octet length field.
 *
 * @module
 */
import { connect } from "node:net";
import { MessageAssembler, frameMessage } from "@zquic/doq";
import { formatHostPort } from "@zquic/io";
import { ZquicError } from "@zquic/wire";
import { boundedExchange } from "./bounded-exchange.js";
import { sameMessageId } from "./message-id.js";
import type { DnsServerAddress } from "./udp-exchange.js";

/**
 * Opens a connection to `server`, sends `query` (wire form, its Message ID
 * set) behind its length field, and resolves with the first message that
 * comes back, which must carry the same ID. Rejects with `DnsTimeoutError`
 * after `timeoutMs`, and when the server closes before a whole message.
 */
export function tcpExchange(server: DnsServerAddress, query: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
  const socket = connect({ host: server.host, port: server.port });
  const response = new MessageAssembler();
  return boundedExchange(server, timeoutMs, () => socket.destroy(), (answer, fail) => {
    socket.on("connect", () => socket.write(frameMessage(query)));
    socket.on("error", fail);
    socket.on("end", () => fail(new ZquicError("DNS_TCP_CLOSED", `${formatHostPort(server)} closed the TCP connection before a whole response`)));
    socket.on("data", (chunk: Buffer) => {
      // Only the first message counts; octets after it are not read.
      for (let rest = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength); rest.length > 0 && !response.complete; ) {
        const taken = Math.min(response.room, rest.length);
        response.push(rest.subarray(0, taken));
        rest = rest.subarray(taken);
      }
      if (!response.complete) return;
      const reply = response.message();
      if (sameMessageId(reply, query)) answer(reply);
      else fail(new ZquicError("DNS_ID_MISMATCH", `${formatHostPort(server)} answered over TCP with another Message ID`));
    });
  });
}
