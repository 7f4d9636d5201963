/**
 * A one-shot signal that can be re-armed: code checks a condition, and when it
 * does not hold yet, awaits `wait()`; whoever changes the condition calls
 * `wake()`. JavaScript runs the check and the wait without interruption, so no
 * wake-up is lost.
 */
export class Wakeup {
  #pending: { promise: Promise<void>; resolve: () => void } | undefined;

  /** Settles at the next `wake()`. */
  wait(): Promise<void> {
    if (this.#pending === undefined) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.#pending = { promise, resolve };
    }
    return this.#pending.promise;
  }

  /** Releases everyone waiting now. */
  wake(): void {
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.resolve();
  }
}
