/**
 * RFC 9250 §4.3.3: the protocol errors a received DoQ message itself can
 * carry. Framing errors are found while reading the stream (`stream-reading.ts`).
 *
 * @module
 */
import { type DnsMessage, DnsError, EdnsOptionCode, HEADER_LENGTH, decodeMessage } from "../dns/index.js";

/** A message as received: its bytes and, when they decode, the message. */
export interface ReceivedMessage {
  readonly bytes: Uint8Array;
  /** `undefined` when the bytes do not decode (a DNS-level problem, not a DoQ one). */
  readonly message: DnsMessage | undefined;
}

/** A received message, or the protocol error it is. */
export type MessageCheck = { readonly ok: true; readonly received: ReceivedMessage } | { readonly ok: false; readonly reason: string };

/** True when `message` carries the edns-tcp-keepalive option (RFC 7828). */
export function hasTcpKeepalive(message: DnsMessage): boolean {
  return message.edns?.options.some((option) => option.code === EdnsOptionCode.TCP_KEEPALIVE) ?? false;
}

/**
 * Checks a message received on a DoQ stream: it has a header whose Message ID
 * is 0 (RFC 9250 §4.2.1) and, when it decodes, no edns-tcp-keepalive option
 * (RFC 9250 §5.5.2).
 */
export function checkReceivedMessage(bytes: Uint8Array): MessageCheck {
  if (bytes.length < HEADER_LENGTH) return { ok: false, reason: `a message of ${bytes.length} octets has no DNS header` };
  const id = (bytes[0]! << 8) | bytes[1]!;
  if (id !== 0) return { ok: false, reason: `message ID ${id} is not 0 (RFC 9250 §4.2.1)` };
  const message = decodeOrUndefined(bytes);
  if (message !== undefined && hasTcpKeepalive(message)) return { ok: false, reason: "edns-tcp-keepalive is not allowed over DoQ (RFC 9250 §5.5.2)" };
  return { ok: true, received: { bytes, message } };
}

function decodeOrUndefined(bytes: Uint8Array): DnsMessage | undefined {
  try {
    return decodeMessage(bytes);
  } catch (error) {
    if (error instanceof DnsError) return undefined;
    throw error;
  }
}
