/**
 * A one-line progress display for downloads on a terminal.
 *
 * @module
 */

/** Redraws at most this often. */
const REDRAW_MS = 100;

/** Counts downloaded bytes and files and shows them on one line. */
export class Progress {
  #bytes = 0;
  #done = 0;
  #lastDraw = 0;
  readonly #started = performance.now();

  constructor(
    private readonly total: number,
    private readonly draw: ((text: string) => void) | undefined,
  ) {}

  /** `bytes` more arrived. */
  add(bytes: number): void {
    this.#bytes += bytes;
    this.#redraw(false);
  }

  /** One more download finished. */
  fileDone(): void {
    this.#done++;
    this.#redraw(false);
  }

  /** The final line. */
  finish(): void {
    this.#redraw(true);
  }

  #redraw(final: boolean): void {
    if (this.draw === undefined) return;
    const now = performance.now();
    if (!final && now - this.#lastDraw < REDRAW_MS) return;
    this.#lastDraw = now;
    const seconds = Math.max((now - this.#started) / 1000, 1e-3);
    const width = 20;
    const filled = Math.round((this.#done / Math.max(this.total, 1)) * width);
    const bar = `[${"#".repeat(filled)}${" ".repeat(width - filled)}]`;
    this.draw(`\r${bar} ${this.#done}/${this.total} files  ${(this.#bytes / 1e6).toFixed(1)} MB  ${(this.#bytes / 1e6 / seconds).toFixed(1)} MB/s${final ? "\n" : ""}`);
  }
}
