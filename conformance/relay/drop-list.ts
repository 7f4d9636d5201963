/**
 * The network simulator's `droplist` model: drop the datagrams with the given
 * 1-based positions in one direction's stream (counted as they reach the far
 * side of the link). The runner's `amplificationlimit` case drops client
 * datagrams 2–7 so that the server must wait, amplification-limited, for more.
 *
 * @module
 */

/** Counts datagrams and says which ones a drop list removes. */
export class DropList {
  private readonly positions: ReadonlySet<number>;
  private count = 0;

  /** Drops the datagrams at `positions` (1-based). */
  constructor(positions: Iterable<number>) {
    this.positions = new Set(positions);
  }

  /** Counts one more datagram; true when it is to be dropped. */
  next(): boolean {
    this.count += 1;
    return this.positions.has(this.count);
  }
}
