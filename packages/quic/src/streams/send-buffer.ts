import { RangeSet } from "../range-set.js";

/** A piece of stream (or CRYPTO) data chosen for a frame. */
export interface OutgoingChunk {
  readonly offset: number;
  /** A view into the buffer; valid until the data is acknowledged. */
  readonly data: Uint8Array;
  readonly fin: boolean;
  /** How many of these bytes are sent for the first time (they consume flow-control credit). */
  readonly newBytes: number;
}

/**
 * The sending half of an ordered byte stream (RFC 9000 §2.2, §13.3): data the
 * application wrote, kept until acknowledged; what was lost is sent again
 * before anything new. STREAM and CRYPTO frames both use it.
 */
export class SendBuffer {
  private readonly chunks: Uint8Array[] = [];
  /** Start offset of each chunk. */
  private readonly chunkStarts: number[] = [];
  /** Offset one past the last byte written. */
  end = 0;
  /** Offset of the next byte never sent. */
  sent = 0;
  private readonly lost = new RangeSet();
  private readonly acked = new RangeSet();
  /** The final size, once the writer finished. */
  finOffset: number | undefined;
  private finInFlight = false;
  private finAcked = false;

  /** Appends a copy of `data`. */
  write(data: Uint8Array): void {
    if (data.length === 0) return;
    this.chunks.push(data.slice());
    this.chunkStarts.push(this.end);
    this.end += data.length;
  }

  /** Marks the end of the stream at the current offset. */
  finish(): void {
    this.finOffset ??= this.end;
  }

  /**
   * Bytes written but never sent: what backpressure counts. Sent, unacknowledged
   * bytes are bounded by the congestion window and the peer's flow control, so
   * counting them too would cap each stream's flight at the buffer size.
   */
  get unsent(): number {
    return this.end - this.sent;
  }

  /** Everything below this offset is acknowledged. */
  get ackedPrefix(): number {
    const first = this.acked.at(0);
    return first !== undefined && first.start === 0 ? first.end : 0;
  }

  /** True when every byte and the FIN (if any) have been acknowledged. */
  get allAcked(): boolean {
    return this.finAcked && this.ackedPrefix >= this.end;
  }

  /** True when there is something to (re)send, given new data may go up to `newDataLimit`. */
  hasPending(newDataLimit = Infinity): boolean {
    if (!this.lost.empty) return true;
    if (this.sent < Math.min(this.end, newDataLimit)) return true;
    return this.finPending;
  }

  /** True when new data is waiting but flow control (`newDataLimit`) holds it back. */
  blockedAt(newDataLimit: number): boolean {
    return this.sent < this.end && this.sent >= newDataLimit;
  }

  private get finPending(): boolean {
    return this.finOffset !== undefined && this.sent === this.finOffset && !this.finInFlight && !this.finAcked;
  }

  /**
   * The next chunk to put in a frame: lost data first, then new data below
   * `newDataLimit`, then a bare FIN. At most `maxLength` bytes; a chunk never
   * spans two writes, so it is a view, not a copy.
   */
  next(maxLength: number, newDataLimit = Infinity): OutgoingChunk | undefined {
    const lostRange = this.lost.at(0);
    if (lostRange !== undefined && maxLength > 0) {
      const offset = lostRange.start;
      const data = this.view(offset, Math.min(lostRange.end - offset, maxLength));
      this.lost.remove(offset, offset + data.length);
      return { offset, data, fin: this.takeFin(offset + data.length), newBytes: 0 };
    }
    const limit = Math.min(this.end, newDataLimit);
    if (this.sent < limit && maxLength > 0) {
      const offset = this.sent;
      const data = this.view(offset, Math.min(limit - offset, maxLength));
      this.sent += data.length;
      return { offset, data, fin: this.takeFin(this.sent), newBytes: data.length };
    }
    if (this.finPending) {
      return { offset: this.sent, data: new Uint8Array(0), fin: this.takeFin(this.sent), newBytes: 0 };
    }
    return undefined;
  }

  /** Attaches the FIN when a frame ending at `endOffset` reaches the final size and the FIN is owed. */
  private takeFin(endOffset: number): boolean {
    if (this.finOffset !== endOffset || this.finAcked || this.finInFlight) return false;
    if (this.sent < this.finOffset) return false;
    this.finInFlight = true;
    return true;
  }

  /** A view of up to `length` bytes at `offset`, within one chunk. */
  private view(offset: number, length: number): Uint8Array {
    const index = this.chunkIndex(offset);
    const chunk = this.chunks[index]!;
    const start = offset - this.chunkStarts[index]!;
    return chunk.subarray(start, Math.min(chunk.length, start + length));
  }

  private chunkIndex(offset: number): number {
    const starts = this.chunkStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** A frame carrying `[offset, offset + length)` (and the FIN when `fin`) was acknowledged. */
  onAcked(offset: number, length: number, fin: boolean): void {
    this.acked.add(offset, offset + length);
    this.lost.remove(offset, offset + length);
    if (fin) {
      this.finAcked = true;
      this.finInFlight = false;
    }
    // Free chunks wholly below the acknowledged prefix.
    const prefix = this.ackedPrefix;
    let drop = 0;
    while (drop < this.chunks.length && this.chunkStarts[drop]! + this.chunks[drop]!.length <= prefix) drop++;
    if (drop > 0) {
      this.chunks.splice(0, drop);
      this.chunkStarts.splice(0, drop);
    }
  }

  /** A frame carrying `[offset, offset + length)` (and the FIN when `fin`) was declared lost. */
  onLost(offset: number, length: number, fin: boolean): void {
    // Only what is still unacknowledged needs sending again.
    let position = offset;
    const end = offset + length;
    while (position < end) {
      const gap = this.acked.firstGap(position, end);
      if (gap === undefined) break;
      this.lost.add(gap.start, gap.end);
      position = gap.end;
    }
    if (fin && !this.finAcked) this.finInFlight = false;
  }

  /** Drops everything (the stream was reset): nothing more will be sent. */
  discard(): void {
    this.chunks.length = 0;
    this.chunkStarts.length = 0;
    this.lost.clear();
  }
}
