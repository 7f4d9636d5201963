/**
 * RFC 9250 §4.2: every DoQ message travels behind a 2-octet length field,
 * exactly as over TCP (RFC 1035 §4.2.2).
 *
 * @module
 */
import { ZquicError } from "@zquic/wire";
import { MAX_MESSAGE_LENGTH } from "../dns/index.js";

/** Octets in the length field. */
export const LENGTH_FIELD_OCTETS = 2;

/** `message` behind its 2-octet length field. Throws for a message over 65535 octets. */
export function frameMessage(message: Uint8Array): Uint8Array {
  if (message.length > MAX_MESSAGE_LENGTH) {
    throw new ZquicError("DOQ_MESSAGE_TOO_LONG", `a DoQ message holds at most ${MAX_MESSAGE_LENGTH} octets, not ${message.length} (RFC 9250 §4.6)`);
  }
  const framed = new Uint8Array(LENGTH_FIELD_OCTETS + message.length);
  framed[0] = message.length >>> 8;
  framed[1] = message.length & 0xff;
  framed.set(message, LENGTH_FIELD_OCTETS);
  return framed;
}

/**
 * Collects one length-prefixed message from stream data that arrives in
 * pieces of any size, the length field possibly split between them. It holds
 * at most the 65535 octets the length field can announce, and only as many as
 * have arrived.
 */
export class MessageAssembler {
  private readonly chunks: Uint8Array[] = [];
  private prefix = 0;
  private prefixOctets = 0;
  private bodyOctets = 0;

  /** The announced message length, once the length field is complete. */
  get length(): number | undefined {
    return this.prefixOctets === LENGTH_FIELD_OCTETS ? this.prefix : undefined;
  }

  /** Octets still needed: of the length field until it is complete, then of the message. */
  get room(): number {
    const length = this.length;
    return length === undefined ? LENGTH_FIELD_OCTETS - this.prefixOctets : length - this.bodyOctets;
  }

  /** True when the whole message has arrived. */
  get complete(): boolean {
    return this.bodyOctets === this.length;
  }

  /** Adds stream data; false when it runs past the end of the message (nothing is kept then). */
  push(data: Uint8Array): boolean {
    let offset = 0;
    while (this.length === undefined && offset < data.length) {
      this.prefix = (this.prefix << 8) | data[offset++]!;
      this.prefixOctets++;
    }
    const body = data.subarray(offset);
    if (body.length > this.room) return false;
    if (body.length > 0) {
      this.chunks.push(body.slice());
      this.bodyOctets += body.length;
    }
    return true;
  }

  /** The complete message. Throws when it has not all arrived. */
  message(): Uint8Array {
    if (!this.complete) throw new ZquicError("DOQ_MESSAGE_INCOMPLETE", `${this.room} octets of the message are still missing; check \`complete\` first`);
    const message = new Uint8Array(this.bodyOctets);
    let offset = 0;
    for (const chunk of this.chunks) {
      message.set(chunk, offset);
      offset += chunk.length;
    }
    return message;
  }
}
