/**
 * RFC 9114 §4.6: server push bookkeeping — the push IDs a client allows (MAX_PUSH_ID,
 * §7.2.7), promises (PUSH_PROMISE, §7.2.5), push streams (§6.2.2) and cancellations
 * (CANCEL_PUSH, §7.2.3) — on each side, with the H3_ID_ERROR and H3_GENERAL_PROTOCOL_ERROR
 * rules. Push is off until the client sends MAX_PUSH_ID.
 *
 * @module
 */
import { ZquicError } from "@zquic/wire";
import { H3Error, H3ErrorCode } from "../errors.js";
import type { Field } from "../qpack/field.js";

/** A push a server promised: the promised request's method, and its push stream once open. */
export interface PromisedPush {
  readonly requestMethod: string;
  streamId: number | undefined;
}

function idError(message: string): H3Error {
  return new H3Error(H3ErrorCode.H3_ID_ERROR, message);
}

/** The server's side: what the client allows, and what was promised. */
export class ServerPushes {
  private maxPushId: number | undefined;
  private nextPushId = 0;
  /** Promises whose push is not over, by push ID. */
  private readonly promises = new Map<number, PromisedPush>();

  /** RFC 9114 §7.2.7: MAX_PUSH_ID from the client; lowering it is an H3_ID_ERROR {@link H3Error}. */
  onMaxPushId(pushId: number): void {
    if (this.maxPushId !== undefined && pushId < this.maxPushId) throw idError(`MAX_PUSH_ID fell from ${this.maxPushId} to ${pushId}`);
    this.maxPushId = pushId;
  }

  /**
   * The promise `pushId` refers to in a CANCEL_PUSH (§7.2.3) or PRIORITY_UPDATE (RFC 9218
   * §7.2) from the client, `undefined` once its push is over. Throws an H3_ID_ERROR
   * {@link H3Error} for a push ID above the maximum or not yet promised.
   */
  referenced(pushId: number): PromisedPush | undefined {
    if (this.maxPushId === undefined || pushId > this.maxPushId) throw idError(`push ID ${pushId} is above the maximum push ID ${this.maxPushId ?? "(none sent)"}`);
    if (pushId >= this.nextPushId) throw idError(`push ID ${pushId} was never promised`);
    return this.promises.get(pushId);
  }

  /** Throws a `ZquicError` unless the client allows another push. */
  checkAvailable(): void {
    if (this.maxPushId === undefined || this.nextPushId > this.maxPushId) {
      const allowed = this.maxPushId === undefined ? "no pushes (no MAX_PUSH_ID)" : `push IDs up to ${this.maxPushId}, all used`;
      throw new ZquicError("PUSH_NOT_ALLOWED", `the client allows ${allowed}; wait for a higher MAX_PUSH_ID`);
    }
  }

  /** A new push ID for a promise. Throws a `ZquicError` when the client allows no more. */
  promise(requestMethod: string): number {
    this.checkAvailable();
    const pushId = this.nextPushId++;
    this.promises.set(pushId, { requestMethod, streamId: undefined });
    return pushId;
  }

  /** The live promise `pushId`. */
  get(pushId: number): PromisedPush | undefined {
    return this.promises.get(pushId);
  }

  /** Promises with a push ID at or above `pushId` (what a client's GOAWAY refuses, §5.2). */
  *atOrAbove(pushId: number): IterableIterator<[number, PromisedPush]> {
    for (const entry of this.promises) if (entry[0] >= pushId) yield entry;
  }

  /** The push is over (fulfilled or cancelled). */
  forget(pushId: number): void {
    this.promises.delete(pushId);
  }
}

/** The client's side: what it allowed, what was promised, which push streams came, what it cancelled. */
export class ClientPushes {
  private maxPushId: number | undefined;
  private readonly promised = new Map<number, readonly Field[]>();
  private readonly streamsSeen = new Set<number>();
  private readonly cancelled = new Set<number>();

  /** Raises the maximum push ID. Throws a `ZquicError` if it would fall (§7.2.7). */
  allow(pushId: number): void {
    if (!Number.isSafeInteger(pushId) || pushId < 0) throw new ZquicError("INVALID_ARGUMENT", `allowPush: pass a push ID ≥ 0 (got ${pushId})`);
    if (this.maxPushId !== undefined && pushId < this.maxPushId) {
      throw new ZquicError("MAX_PUSH_ID_LOWERED", `allowPush: ${pushId} is below the ${this.maxPushId} already sent; MAX_PUSH_ID cannot fall (RFC 9114 §7.2.7)`);
    }
    this.maxPushId = pushId;
  }

  /** RFC 9114 §4.6, §7.2.3, §7.2.5: a push ID from the server must be within the maximum. */
  check(pushId: number, where: string): void {
    if (this.maxPushId === undefined || pushId > this.maxPushId) {
      throw idError(`${where} uses push ID ${pushId} above the maximum push ID ${this.maxPushId ?? "(none sent)"}`);
    }
  }

  /**
   * Records a PUSH_PROMISE's decoded request. A repeated promise (on another request
   * stream) must carry the same request: otherwise an H3_GENERAL_PROTOCOL_ERROR
   * {@link H3Error} (§7.2.5).
   */
  onPushPromise(pushId: number, fields: readonly Field[]): void {
    const earlier = this.promised.get(pushId);
    if (earlier === undefined) {
      this.promised.set(pushId, fields);
      return;
    }
    const same = earlier.length === fields.length && earlier.every(([n, v], i) => fields[i]![0] === n && fields[i]![1] === v);
    if (!same) throw new H3Error(H3ErrorCode.H3_GENERAL_PROTOCOL_ERROR, `push ID ${pushId} promised twice with different requests`);
  }

  /** RFC 9114 §4.6, §6.2.2: a push stream's push ID: within the maximum, and used by one stream only. */
  onPushStream(pushId: number): void {
    this.check(pushId, "push stream");
    if (this.streamsSeen.has(pushId)) throw idError(`push ID ${pushId} used by a second push stream`);
    this.streamsSeen.add(pushId);
  }

  /** The method of the promised request, if the promise arrived. */
  requestMethod(pushId: number): string | undefined {
    return this.promised.get(pushId)?.find(([name]) => name === ":method")?.[1];
  }

  /** The client cancels `pushId`. Throws a `ZquicError` for one the server cannot use. */
  cancel(pushId: number): void {
    if (this.maxPushId === undefined || !Number.isSafeInteger(pushId) || pushId < 0 || pushId > this.maxPushId) {
      throw new ZquicError("INVALID_ARGUMENT", `cancelPush: push ID ${pushId} is not within the maximum push ID ${this.maxPushId ?? "(none sent)"}`);
    }
    this.cancelled.add(pushId);
  }

  /** Whether the client cancelled `pushId`. */
  isCancelled(pushId: number): boolean {
    return this.cancelled.has(pushId);
  }

  /** Push IDs at or above `pushId` that were promised or opened (what the client's GOAWAY refuses). */
  atOrAbove(pushId: number): number[] {
    const ids = new Set<number>();
    for (const id of this.promised.keys()) if (id >= pushId) ids.add(id);
    for (const id of this.streamsSeen) if (id >= pushId) ids.add(id);
    return [...ids];
  }

  /** The next push ID a GOAWAY leaves to the server: one past the highest seen. */
  get nextUnseen(): number {
    let next = 0;
    for (const id of this.promised.keys()) next = Math.max(next, id + 1);
    for (const id of this.streamsSeen) next = Math.max(next, id + 1);
    return next;
  }
}
