/**
 * An in-memory stand-in for a QUIC connection, for driving an `H3Connection` with exactly
 * the stream bytes a test chooses — thousands of times a second, for property tests.
 * Everything written is taken whole; the peer's bytes arrive as `deliver` says.
 */
import type { H3Transport } from "@zquic/h3";
import type { ConnectionEvent, Role, StreamReadResult } from "@zquic/quic";
import { ZquicError } from "@zquic/wire";

interface Incoming {
  chunks: Uint8Array[];
  fin: boolean;
  finRead: boolean;
  reset: number | undefined;
}

export class FakeTransport implements H3Transport {
  /** Octets this side wrote, per stream. */
  readonly written = new Map<number, Uint8Array[]>();
  readonly resets: { streamId: number; errorCode: number }[] = [];
  readonly stops: { streamId: number; errorCode: number }[] = [];
  readonly closes: { errorCode: number; reason: string }[] = [];
  private readonly incoming = new Map<number, Incoming>();
  private readonly next = { bidi: 0, uni: 0 };

  constructor(readonly role: Role) {}

  get maxDatagramPayload(): number {
    return 1200;
  }

  openStream(bidirectional = true): number | undefined {
    const key = bidirectional ? "bidi" : "uni";
    const id = this.next[key]++ * 4 + (this.role === "server" ? 1 : 0) + (bidirectional ? 0 : 2);
    this.written.set(id, []);
    return id;
  }

  streamWrite(streamId: number, data: Uint8Array): number {
    this.written.get(streamId)?.push(data.slice());
    return data.length;
  }

  streamFinish(): void {}

  streamRead(streamId: number, maxBytes = Infinity): StreamReadResult | undefined {
    const stream = this.incoming.get(streamId);
    if (stream === undefined) throw new ZquicError("STREAM_UNKNOWN", `stream ${streamId}`);
    if (stream.reset !== undefined) throw new ZquicError("STREAM_RESET", `stream ${streamId} was reset`);
    const head = stream.chunks[0];
    if (head !== undefined) {
      const data = head.subarray(0, maxBytes);
      if (data.length === head.length) stream.chunks.shift();
      else stream.chunks[0] = head.subarray(data.length);
      const fin = stream.fin && stream.chunks.length === 0;
      stream.finRead ||= fin;
      return { data, fin };
    }
    if (stream.fin && !stream.finRead) {
      stream.finRead = true;
      return { data: new Uint8Array(0), fin: true };
    }
    return undefined;
  }

  streamReset(streamId: number, errorCode: number): void {
    this.resets.push({ streamId, errorCode });
  }

  streamStopSending(streamId: number, errorCode: number): void {
    this.stops.push({ streamId, errorCode });
  }

  streamWritable(): number {
    return 1 << 20;
  }

  setStreamPriority(): void {}

  sendDatagram(): void {}

  close(errorCode = 0, reason = ""): void {
    this.closes.push({ errorCode, reason });
  }

  /** The peer sends `bytes` (and maybe FIN) on `streamId`: the events the transport would report. */
  deliver(streamId: number, bytes: Uint8Array, fin = false): ConnectionEvent[] {
    const events: ConnectionEvent[] = [];
    let stream = this.incoming.get(streamId);
    if (stream === undefined) {
      stream = { chunks: [], fin: false, finRead: false, reset: undefined };
      this.incoming.set(streamId, stream);
      events.push({ type: "stream_opened", streamId, bidirectional: streamId % 4 < 2 });
    }
    if (stream.fin || stream.reset !== undefined) return events;
    if (bytes.length > 0) stream.chunks.push(bytes);
    stream.fin = fin;
    events.push({ type: "stream_readable", streamId });
    return events;
  }

  /** The peer resets its sending part of `streamId`. */
  reset(streamId: number, errorCode: number): ConnectionEvent[] {
    const stream = this.incoming.get(streamId);
    if (stream === undefined || stream.finRead || stream.reset !== undefined) return [];
    stream.reset = errorCode;
    stream.chunks = [];
    return [{ type: "stream_reset", streamId, errorCode }];
  }
}
