/**
 * RFC 9221 datagrams as a WebTransport-shaped duplex: a readable of what
 * arrives and a writable that queues for sending.
 *
 * @module
 */
import type { LiveConnection } from "./live-connection.js";
import { Wakeup } from "./wakeup.js";

/** Received datagrams held for a slow reader before the oldest is dropped (they are unreliable anyway). */
export const DEFAULT_INCOMING_DATAGRAMS = 256;

/** Unreliable datagrams on a connection. */
export interface QuicDatagrams {
  /** Datagrams as they arrive; ends when the connection does. */
  readonly readable: ReadableStream<Uint8Array>;
  /**
   * Each chunk becomes one DATAGRAM frame, sent once and never retransmitted.
   * Writes wait for the handshake; a chunk longer than `maxDatagramSize`
   * rejects with `DATAGRAM_TOO_LARGE` (and errors the writable).
   */
  readonly writable: WritableStream<Uint8Array>;
  /** The largest payload a datagram may have now (0 before the handshake, or when the peer takes none). */
  readonly maxDatagramSize: number;
}

/** The datagram duplex of one connection, fed by the connection's events. */
export class DatagramChannel implements QuicDatagrams {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  readonly #inbox: Uint8Array[] = [];
  readonly #arrived = new Wakeup();
  #live: LiveConnection | undefined;
  /** Set when the connection ended: `null` for a graceful end. */
  #end: { readonly error: unknown } | null | undefined;

  constructor(
    live: Promise<LiveConnection>,
    ready: Promise<void>,
    private readonly capacity: number,
  ) {
    live.then((l) => (this.#live = l), () => undefined);
    this.readable = new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          for (;;) {
            const next = this.#inbox.shift();
            if (next !== undefined) return controller.enqueue(next);
            if (this.#end === null) return controller.close();
            if (this.#end !== undefined) return controller.error(this.#end.error);
            await this.#arrived.wait();
          }
        },
        cancel: () => {
          this.#inbox.length = 0;
        },
      },
      { highWaterMark: 0 },
    );
    this.writable = new WritableStream<Uint8Array>({
      write: async (chunk) => {
        await ready;
        (await live).sendDatagram(chunk);
      },
    });
  }

  get maxDatagramSize(): number {
    return this.#live?.connection.maxDatagramPayload ?? 0;
  }

  /** A datagram arrived. */
  deliver(data: Uint8Array): void {
    this.#inbox.push(data);
    if (this.#inbox.length > this.capacity) this.#inbox.shift();
    this.#arrived.wake();
  }

  /** The connection ended; `error` is `null` for a graceful close. */
  end(error: unknown): void {
    this.#end ??= error === null ? null : { error };
    this.#arrived.wake();
  }
}
