/**
 * RFC 9204 §4.2: the encoder and decoder streams carry unframed instructions, so one can
 * arrive split at any octet. This buffer keeps the unfinished tail between deliveries.
 *
 * @module
 */
import { Reader, WireError, Writer } from "@zquic/wire";

/** The pending bytes of one instruction stream. */
export class InstructionBuffer {
  private readonly pending = new Writer(64);
  private readonly reader: Reader;

  /** `errorCode` is the QPACK error code the stream's instructions fail with. */
  constructor(errorCode: number) {
    this.reader = new Reader(new Uint8Array(0), 0, 0, errorCode);
  }

  /** Octets of an unfinished instruction held back. */
  get length(): number {
    return this.pending.length;
  }

  /**
   * Appends `bytes` and, for each complete instruction, calls `read` (which must have no
   * side effects: when it runs out of bytes it is retried later from the same octet) and
   * then `apply` with what it read.
   */
  feed<T>(bytes: Uint8Array, read: (r: Reader) => T, apply: (instruction: T) => void): void {
    const fromPending = this.pending.length > 0;
    if (fromPending) this.pending.bytes(bytes);
    const r = fromPending ? this.reader.reset(this.pending.buffer, 0, this.pending.length) : this.reader.reset(bytes);
    while (!r.done) {
      const start = r.offset;
      let instruction: T;
      try {
        instruction = read(r);
      } catch (e) {
        if (!(e instanceof WireError)) throw e;
        r.offset = start;
        break;
      }
      apply(instruction);
    }
    // Keep the unfinished tail, moved to the front of the pending buffer.
    if (fromPending) {
      this.pending.buffer.copyWithin(0, r.offset, r.end);
      this.pending.offset = r.end - r.offset;
    } else {
      this.pending.bytes(bytes.subarray(r.offset));
    }
  }
}
