/**
 * Actions due at times on a real clock: the relay's delivery agenda. It keeps
 * the pending actions in `@zquic/sim`'s {@link EventQueue} and one Node timer
 * armed for the earliest. Node's timers have 1 ms granularity and fire late,
 * so the delay is rounded down and, on waking, everything due within
 * `earlyMs` runs at once rather than waiting another whole timer tick.
 *
 * @module
 */
import { EventQueue } from "@zquic/sim";

/** A bounded agenda of actions run at (close to) their times. */
export class RealTimeQueue {
  private readonly queue = new EventQueue<() => void>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private armedFor = Infinity;
  private stopped = false;

  /**
   * @param clock - the current time, ms (e.g. `performance.now`).
   * @param limit - the most actions waiting at once; {@link RealTimeQueue.push} refuses more.
   * @param earlyMs - how much earlier than due an action may run rather than sleeping again.
   */
  constructor(
    private readonly clock: () => number,
    private readonly limit: number,
    private readonly earlyMs = 0.5,
  ) {}

  /** How many actions are waiting. */
  get size(): number {
    return this.queue.size;
  }

  /** Schedules `action` at `at` (ms on the clock); false when the agenda is full or stopped. */
  push(at: number, action: () => void): boolean {
    if (this.stopped || this.queue.size >= this.limit) return false;
    this.queue.push(at, action);
    this.arm();
    return true;
  }

  /** Drops every waiting action and disarms the timer; later pushes are refused. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.queue.pop() !== undefined);
  }

  private arm(): void {
    const next = this.queue.peekTime();
    if (next === undefined || (this.timer !== undefined && next >= this.armedFor)) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.armedFor = next;
    this.timer = setTimeout(() => this.run(), Math.max(0, Math.floor(next - this.clock())));
  }

  private run(): void {
    this.timer = undefined;
    this.armedFor = Infinity;
    const horizon = this.clock() + this.earlyMs;
    for (let next = this.queue.peekTime(); next !== undefined && next <= horizon; next = this.queue.peekTime()) {
      this.queue.pop()!.item();
    }
    this.arm();
  }
}
