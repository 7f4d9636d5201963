/**
 * How a query handler learns that its transaction was abandoned (RFC 9250
 * §4.3.1: the server stops work on a query the client cancelled).
 *
 * @module
 */

/** Read-only view a handler gets: poll `cancelled`, or register a listener. */
export interface CancelSignal {
  /** True once the transaction was abandoned. */
  readonly cancelled: boolean;
  /** Calls `listener` once when the transaction is abandoned (at once if it already was); it must not throw. */
  onCancel(listener: () => void): void;
}

/** The owner's side of a {@link CancelSignal}. */
export class Cancellation implements CancelSignal {
  private listeners: (() => void)[] | undefined = [];

  get cancelled(): boolean {
    return this.listeners === undefined;
  }

  onCancel(listener: () => void): void {
    if (this.listeners === undefined) listener();
    else this.listeners.push(listener);
  }

  /** Abandons the transaction and tells the listeners; later calls do nothing. */
  cancel(): void {
    const listeners = this.listeners;
    this.listeners = undefined;
    for (const listener of listeners ?? []) listener();
  }
}
