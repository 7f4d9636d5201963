/**
 * Reassembly of handshake messages from the in-order CRYPTO bytes of one
 * encryption level (RFC 9001 §4.1.3: "TLS is responsible for buffering
 * handshake bytes that have arrived in order").
 *
 * @module
 */
import { concatBytes } from "@zquic/wire";
import { alert } from "./alert.js";
import { HANDSHAKE_HEADER_LENGTH, type HandshakeMessage } from "./messages/handshake.js";

/**
 * Collects bytes and hands out whole messages. A message announcing a body
 * larger than `maxMessageSize` is an alert before its bytes are buffered, and
 * the buffer never holds more than `maxBuffered` bytes.
 */
export class HandshakeReassembler {
  private buffer: Uint8Array = new Uint8Array(0);

  constructor(
    private readonly maxMessageSize: number,
    private readonly maxBuffered: number = 2 * (maxMessageSize + HANDSHAKE_HEADER_LENGTH),
  ) {}

  /** Bytes received and not yet handed out as messages. */
  get buffered(): number {
    return this.buffer.length;
  }

  /** Appends in-order bytes. */
  push(data: Uint8Array): void {
    if (this.buffer.length + data.length > this.maxBuffered) {
      throw alert("unexpected_message", `more than ${this.maxBuffered} bytes of handshake data are waiting to be processed`);
    }
    this.buffer = this.buffer.length === 0 ? data.slice() : concatBytes(this.buffer, data);
    this.checkNextLength();
  }

  /** The next whole message, or `null` until its last byte has arrived. */
  next(): HandshakeMessage | null {
    if (this.buffer.length < HANDSHAKE_HEADER_LENGTH) return null;
    const length = this.bodyLength();
    const end = HANDSHAKE_HEADER_LENGTH + length;
    if (this.buffer.length < end) return null;
    const raw = this.buffer.subarray(0, end);
    this.buffer = this.buffer.subarray(end);
    this.checkNextLength();
    return { type: raw[0]!, body: raw.subarray(HANDSHAKE_HEADER_LENGTH), raw };
  }

  private bodyLength(): number {
    const b = this.buffer;
    return (b[1]! << 16) | (b[2]! << 8) | b[3]!;
  }

  private checkNextLength(): void {
    if (this.buffer.length >= HANDSHAKE_HEADER_LENGTH && this.bodyLength() > this.maxMessageSize) {
      throw alert("illegal_parameter", `a handshake message of ${this.bodyLength()} bytes exceeds the limit of ${this.maxMessageSize}`);
    }
  }
}
