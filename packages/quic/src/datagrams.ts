import { TransportError, datagramFrameHeaderSize } from "@zquic/wire";

/**
 * RFC 9221: unreliable DATAGRAM frames. Outgoing datagrams wait in a bounded
 * queue (the oldest is dropped when it overflows, as the extension allows);
 * incoming ones are handed to the application as events.
 */
export class DatagramQueue {
  private readonly outgoing: Uint8Array[] = [];
  /** Datagrams dropped because the queue overflowed. */
  dropped = 0;

  constructor(
    private readonly capacity: number,
    /** Our max_datagram_frame_size (0: we do not accept DATAGRAM frames). */
    readonly localMaxFrameSize: number,
  ) {}

  /** The peer's max_datagram_frame_size, once known (0: it accepts none). */
  peerMaxFrameSize = 0;

  /** The largest payload the peer accepts in one DATAGRAM frame, ignoring the path MTU. */
  get maxPayload(): number {
    if (this.peerMaxFrameSize === 0) return 0;
    let size = this.peerMaxFrameSize - 1;
    while (size > 0 && datagramFrameHeaderSize(size) + size > this.peerMaxFrameSize) size--;
    return size;
  }

  /** Queues a datagram; false when the peer does not accept one this large. */
  push(data: Uint8Array): boolean {
    if (data.length > this.maxPayload) return false;
    if (this.outgoing.length >= this.capacity) {
      this.outgoing.shift();
      this.dropped++;
    }
    this.outgoing.push(data.slice());
    return true;
  }

  /** The next datagram if it fits in `space` bytes of frame; larger ones wait for an emptier packet. */
  takeFitting(space: number): Uint8Array | undefined {
    const next = this.outgoing[0];
    if (next === undefined || datagramFrameHeaderSize(next.length) + next.length > space) return undefined;
    return this.outgoing.shift();
  }

  get pending(): boolean {
    return this.outgoing.length > 0;
  }

  /** RFC 9221 §4: a DATAGRAM frame we did not allow, or too large, is a PROTOCOL_VIOLATION. */
  checkIncoming(frameSize: number): { code: number; reason: string } | undefined {
    if (this.localMaxFrameSize === 0) return { code: TransportError.PROTOCOL_VIOLATION, reason: "DATAGRAM frame without max_datagram_frame_size" };
    if (frameSize > this.localMaxFrameSize) {
      return { code: TransportError.PROTOCOL_VIOLATION, reason: `DATAGRAM frame of ${frameSize} bytes exceeds ${this.localMaxFrameSize}` };
    }
    return undefined;
  }
}
