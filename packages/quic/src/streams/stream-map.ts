import { TransportError, ZquicError } from "@zquic/wire";
import { ReceiveWindow, SendCredit } from "../flow-control.js";
import { RecvStream, type RecvOutcome, type StreamReadResult } from "./recv-stream.js";
import { SendStream } from "./send-stream.js";
import { DEFAULT_PRIORITY, type StreamPriority } from "./priority.js";
import { canReceive, canSend, isBidirectional, streamId, streamIndex, streamInitiator, type Role } from "./stream-id.js";

/** Our side's stream limits and windows (what we advertise in transport parameters). */
export interface LocalStreamConfig {
  readonly maxStreamsBidi: number;
  readonly maxStreamsUni: number;
  /** initial_max_stream_data_bidi_local: window for bidirectional streams we open. */
  readonly streamWindowBidiLocal: number;
  /** initial_max_stream_data_bidi_remote: window for bidirectional streams the peer opens. */
  readonly streamWindowBidiRemote: number;
  /** initial_max_stream_data_uni: window for unidirectional streams the peer opens. */
  readonly streamWindowUni: number;
  /** The most a stream window may grow to by auto-tuning. */
  readonly maxStreamWindow: number;
  /** initial_max_data. */
  readonly connectionWindow: number;
  readonly maxConnectionWindow: number;
  /** Bytes the application may have written and not yet sent, per stream. */
  readonly sendBufferSize: number;
}

/** The peer's stream limits, from its transport parameters. */
export interface PeerStreamLimits {
  readonly maxStreamsBidi: number;
  readonly maxStreamsUni: number;
  readonly streamDataBidiLocal: number;
  readonly streamDataBidiRemote: number;
  readonly streamDataUni: number;
  readonly maxData: number;
}

/** What the stream layer tells the application (part of the connection's events). */
export type StreamEvent =
  | { readonly type: "stream_opened"; readonly streamId: number; readonly bidirectional: boolean }
  | { readonly type: "stream_readable"; readonly streamId: number }
  | { readonly type: "stream_writable"; readonly streamId: number }
  | { readonly type: "stream_reset"; readonly streamId: number; readonly errorCode: number }
  | { readonly type: "stream_stop_sending"; readonly streamId: number; readonly errorCode: number }
  | { readonly type: "stream_closed"; readonly streamId: number }
  | { readonly type: "streams_available"; readonly bidirectional: boolean };

/** One stream: a sending part, a receiving part, or both (RFC 9000 §2.1). */
export interface Stream {
  readonly id: number;
  readonly send: SendStream | undefined;
  readonly recv: RecvStream | undefined;
  /** Whether the application has been told the stream is readable since its last read. */
  readableNotified: boolean;
  writableWanted: boolean;
}

/** A limit per stream type. */
interface PerType<T> {
  bidi: T;
  uni: T;
}
const typeKey = (bidirectional: boolean): keyof PerType<unknown> => (bidirectional ? "bidi" : "uni");

type Outcome = { ok: true } | { ok: false; code: number; reason: string };
const OK: Outcome = { ok: true };
const fail = (code: number, reason: string): Outcome => ({ ok: false, code, reason });

/**
 * Every stream of a connection: opening within limits (RFC 9000 §4.6),
 * per-stream and connection flow control (§4), the frames that address
 * streams, and the send order by priority.
 */
export class StreamMap {
  private readonly streams = new Map<number, Stream>();
  private readonly nextLocalIndex: PerType<number> = { bidi: 0, uni: 0 };
  /** Stream count limits the peer gave us. */
  private readonly peerMaxStreams: PerType<number> = { bidi: 0, uni: 0 };
  /** How many streams of each type the peer has opened (highest index + 1). */
  private readonly remoteOpened: PerType<number> = { bidi: 0, uni: 0 };
  private readonly remoteClosed: PerType<number> = { bidi: 0, uni: 0 };
  /** Limits we advertised. */
  private readonly localMaxStreams: PerType<number>;
  private readonly maxStreamsPending: PerType<boolean> = { bidi: false, uni: false };
  private readonly streamsBlockedPending: PerType<number | undefined> = { bidi: undefined, uni: undefined };
  /** The limit a STREAMS_BLOCKED was last sent for: once per limit (RFC 9000 §4.6). */
  private readonly streamsBlockedSent: PerType<number | undefined> = { bidi: undefined, uni: undefined };
  private peer: PeerStreamLimits = { maxStreamsBidi: 0, maxStreamsUni: 0, streamDataBidiLocal: 0, streamDataBidiRemote: 0, streamDataUni: 0, maxData: 0 };
  /** Connection-level send credit (MAX_DATA from the peer). */
  readonly connectionSend = new SendCredit(0);
  /** Connection-level receive window (our MAX_DATA). */
  readonly connectionRecv: ReceiveWindow;
  /** Sum over streams of returned credit, to feed connectionRecv. */
  private readonly consumedByStream = new Map<number, number>();
  private readonly events: StreamEvent[] = [];
  /** Streams with something to send, by urgency; a stream appears at most once. */
  private readonly active = new Set<number>();
  private readonly pendingMaxStreamData = new Set<number>();
  private readonly pendingStreamDataBlocked = new Set<number>();
  private readonly pendingStopSending = new Set<number>();

  constructor(
    readonly role: Role,
    private readonly local: LocalStreamConfig,
  ) {
    this.localMaxStreams = { bidi: local.maxStreamsBidi, uni: local.maxStreamsUni };
    this.connectionRecv = new ReceiveWindow({ initial: local.connectionWindow, maximum: local.maxConnectionWindow });
  }

  /** Applies the peer's transport parameters (or remembered ones, for 0-RTT). */
  setPeerLimits(peer: PeerStreamLimits): void {
    this.peer = peer;
    for (const bidirectional of [true, false]) {
      const key = typeKey(bidirectional);
      const limit = bidirectional ? peer.maxStreamsBidi : peer.maxStreamsUni;
      if (limit <= this.peerMaxStreams[key]) continue;
      const wasBlocked = this.openable(bidirectional) === 0;
      this.peerMaxStreams[key] = limit;
      if (wasBlocked) this.events.push({ type: "streams_available", bidirectional });
    }
    this.connectionSend.raise(peer.maxData);
    for (const stream of this.streams.values()) {
      if (stream.send !== undefined) stream.send.credit.raise(this.initialSendCredit(stream.id));
    }
  }

  private initialSendCredit(id: number): number {
    if (!isBidirectional(id)) return this.peer.streamDataUni;
    // Our stream: the peer's window for streams it did not open (bidi_remote), and vice versa.
    return streamInitiator(id) === this.role ? this.peer.streamDataBidiRemote : this.peer.streamDataBidiLocal;
  }

  private receiveWindow(id: number): number {
    if (!isBidirectional(id)) return this.local.streamWindowUni;
    return streamInitiator(id) === this.role ? this.local.streamWindowBidiLocal : this.local.streamWindowBidiRemote;
  }

  private create(id: number): Stream {
    const send = canSend(id, this.role) ? new SendStream(id, this.initialSendCredit(id), this.local.sendBufferSize) : undefined;
    const window = this.receiveWindow(id);
    const recv = canReceive(id, this.role)
      ? new RecvStream(id, { initial: window, maximum: Math.max(window, this.local.maxStreamWindow) }, Math.max(256, Math.ceil(this.local.maxStreamWindow / 512)))
      : undefined;
    const stream: Stream = { id, send, recv, readableNotified: false, writableWanted: false };
    this.streams.set(id, stream);
    return stream;
  }

  /** The stream, if it is open. */
  get(id: number): Stream | undefined {
    return this.streams.get(id);
  }

  /** Number of open streams. */
  get size(): number {
    return this.streams.size;
  }

  /** How many more streams of a type this side may open now. */
  openable(bidirectional: boolean): number {
    const key = typeKey(bidirectional);
    return Math.max(0, this.peerMaxStreams[key] - this.nextLocalIndex[key]);
  }

  /**
   * Opens a stream of ours. Returns undefined when the peer's limit is reached
   * (a STREAMS_BLOCKED frame is then queued; a `streams_available` event follows
   * when the peer raises the limit).
   */
  open(bidirectional: boolean): number | undefined {
    const key = typeKey(bidirectional);
    const index = this.nextLocalIndex[key];
    if (index >= this.peerMaxStreams[key]) {
      if (this.streamsBlockedSent[key] !== this.peerMaxStreams[key]) this.streamsBlockedPending[key] = this.peerMaxStreams[key];
      return undefined;
    }
    this.nextLocalIndex[key] = index + 1;
    return this.create(streamId(index, this.role, bidirectional)).id;
  }

  /**
   * The stream a peer's frame refers to, opening it (and every lower stream of
   * its type, RFC 9000 §3.2) when the peer may. `null` means the frame is for a
   * stream that is already closed and is ignored.
   */
  private resolve(id: number, needs: "send" | "recv"): Stream | null | Outcome {
    const role = this.role;
    if (needs === "recv" && !canReceive(id, role)) return fail(TransportError.STREAM_STATE_ERROR, `stream ${id} is send-only here`);
    if (needs === "send" && !canSend(id, role)) return fail(TransportError.STREAM_STATE_ERROR, `stream ${id} is receive-only here`);
    const existing = this.streams.get(id);
    if (existing !== undefined) return existing;
    const key = typeKey(isBidirectional(id));
    const index = streamIndex(id);
    if (streamInitiator(id) === role) {
      // RFC 9000 §19.8 etc.: a frame for a stream of ours that we have not opened.
      if (index >= this.nextLocalIndex[key]) return fail(TransportError.STREAM_STATE_ERROR, `stream ${id} was never opened`);
      return null;
    }
    if (index < this.remoteOpened[key]) return null;
    if (index >= this.localMaxStreams[key]) {
      return fail(TransportError.STREAM_LIMIT_ERROR, `stream ${id} exceeds the limit of ${this.localMaxStreams[key]} ${key} streams`);
    }
    for (let i = this.remoteOpened[key]; i <= index; i++) {
      const opened = this.create(streamId(i, streamInitiator(id), key === "bidi"));
      this.events.push({ type: "stream_opened", streamId: opened.id, bidirectional: key === "bidi" });
    }
    this.remoteOpened[key] = index + 1;
    return this.streams.get(id)!;
  }

  private isOutcome(value: Stream | null | Outcome): value is Outcome {
    return value !== null && "ok" in value;
  }

  /** RFC 9000 §19.8: STREAM. */
  onStreamFrame(id: number, offset: number, data: Uint8Array, fin: boolean): Outcome {
    const stream = this.resolve(id, "recv");
    if (stream === null) return OK;
    if (this.isOutcome(stream)) return stream;
    return this.afterReceive(stream, stream.recv!.onStreamFrame(offset, data, fin));
  }

  /** RFC 9000 §19.4: RESET_STREAM. */
  onResetStream(id: number, errorCode: number, finalSize: number): Outcome {
    const stream = this.resolve(id, "recv");
    if (stream === null) return OK;
    if (this.isOutcome(stream)) return stream;
    const recv = stream.recv!;
    const wasReset = recv.resetCode !== undefined;
    const outcome = this.afterReceive(stream, recv.onResetStream(errorCode, finalSize));
    if (outcome.ok && !wasReset && recv.resetCode !== undefined) {
      this.events.push({ type: "stream_reset", streamId: id, errorCode });
      this.returnCredit(stream);
      this.maybeClose(stream);
    }
    return outcome;
  }

  private afterReceive(stream: Stream, outcome: RecvOutcome): Outcome {
    if (!outcome.ok) return outcome;
    if (!this.connectionRecv.onReceived(this.connectionRecv.received + outcome.newBytes)) {
      return fail(TransportError.FLOW_CONTROL_ERROR, `connection data beyond limit ${this.connectionRecv.advertised}`);
    }
    const recv = stream.recv!;
    if (!stream.readableNotified && (recv.readable > 0 || recv.state === "data_recvd")) {
      stream.readableNotified = true;
      this.events.push({ type: "stream_readable", streamId: stream.id });
    }
    this.returnCredit(stream);
    this.maybeClose(stream);
    return OK;
  }

  /** RFC 9000 §19.5: STOP_SENDING. */
  onStopSending(id: number, errorCode: number): Outcome {
    const stream = this.resolve(id, "send");
    if (stream === null) return OK;
    if (this.isOutcome(stream)) return stream;
    const send = stream.send!;
    if (send.stopSendingCode === undefined) {
      send.stopSendingCode = errorCode;
      this.events.push({ type: "stream_stop_sending", streamId: id, errorCode });
      // RFC 9000 §3.5: respond with RESET_STREAM, echoing the code.
      send.abandon(errorCode);
      this.activate(send);
    }
    return OK;
  }

  /** RFC 9000 §19.10: MAX_STREAM_DATA. */
  onMaxStreamData(id: number, maximum: number): Outcome {
    const stream = this.resolve(id, "send");
    if (stream === null) return OK;
    if (this.isOutcome(stream)) return stream;
    const send = stream.send!;
    if (send.credit.raise(maximum)) {
      this.activate(send);
      this.notifyWritable(stream);
    }
    return OK;
  }

  /** RFC 9000 §19.13: STREAM_DATA_BLOCKED — only validated; our window policy does not wait for it. */
  onStreamDataBlocked(id: number): Outcome {
    const stream = this.resolve(id, "recv");
    return stream === null || !this.isOutcome(stream) ? OK : stream;
  }

  /** RFC 9000 §19.11: MAX_STREAMS. */
  onMaxStreams(bidirectional: boolean, maximum: number): void {
    const key = typeKey(bidirectional);
    if (maximum <= this.peerMaxStreams[key]) return;
    const wasBlocked = this.openable(bidirectional) === 0;
    this.peerMaxStreams[key] = maximum;
    if (wasBlocked) this.events.push({ type: "streams_available", bidirectional });
  }

  /** RFC 9000 §19.9: MAX_DATA. */
  onMaxData(maximum: number): void {
    if (!this.connectionSend.raise(maximum)) return;
    for (const stream of this.streams.values()) {
      if (stream.send !== undefined && stream.send.wantsToSend(this.connectionSend.available)) this.active.add(stream.id);
      this.notifyWritable(stream);
    }
  }

  // ---- application side ----

  private must(id: number, part: "send" | "recv"): Stream {
    const stream = this.streams.get(id);
    if (stream === undefined) throw new ZquicError("STREAM_UNKNOWN", `stream ${id} is not open (never opened, or already closed)`);
    if (stream[part] === undefined) {
      throw new ZquicError("STREAM_DIRECTION", `stream ${id} is ${part === "send" ? "receive" : "send"}-only for this endpoint`);
    }
    return stream;
  }

  /** Buffers data; returns how many bytes were taken (fewer under backpressure). */
  write(id: number, data: Uint8Array, fin = false): number {
    const stream = this.must(id, "send");
    const send = stream.send!;
    if (send.state !== "send" || send.buffer.finOffset !== undefined) {
      throw new ZquicError("STREAM_FINISHED", `stream ${id} is finished or reset; open a new stream to send more`);
    }
    const taken = send.write(data);
    if (fin && taken === data.length) send.finish();
    if (taken < data.length) stream.writableWanted = true;
    this.activate(send);
    return taken;
  }

  /** Ends the sending part after what was written. */
  finish(id: number): void {
    const send = this.must(id, "send").send!;
    send.finish();
    this.activate(send);
  }

  /** How many bytes a write would take now. */
  writable(id: number): number {
    return this.must(id, "send").send!.writable;
  }

  /** Abandons sending with RESET_STREAM (RFC 9000 §19.4). */
  reset(id: number, errorCode: number): void {
    const stream = this.must(id, "send");
    stream.send!.abandon(errorCode);
    this.activate(stream.send!);
  }

  /** Asks the peer to stop sending (RFC 9000 §19.5) and discards what arrives. */
  stopSending(id: number, errorCode: number): void {
    const stream = this.must(id, "recv");
    stream.recv!.stopReading(errorCode);
    if (stream.recv!.stop !== undefined) this.pendingStopSending.add(id);
    this.returnCredit(stream);
    this.maybeClose(stream);
  }

  /** Reads in-order data; `undefined` when nothing is available yet. */
  read(id: number, maxBytes?: number, now = 0, smoothedRtt = 0): StreamReadResult | undefined {
    const stream = this.must(id, "recv");
    const recv = stream.recv!;
    if (recv.resetCode !== undefined) {
      recv.acknowledgeReset();
      this.maybeClose(stream);
      throw new ZquicError("STREAM_RESET", `stream ${id} was reset by the peer with code ${recv.resetCode}`);
    }
    const before = recv.consumedOffset;
    const result = recv.read(maxBytes);
    stream.readableNotified = recv.readable > 0;
    const consumed = recv.consumedOffset - before;
    if (consumed > 0) {
      recv.window.onConsumed(consumed, now, smoothedRtt);
      if (recv.state === "recv" && recv.window.updatePending) this.pendingMaxStreamData.add(id);
      this.returnCredit(stream, now, smoothedRtt);
    }
    this.maybeClose(stream);
    return result;
  }

  /** Sets the scheduling priority of a stream we send on. */
  setPriority(id: number, priority: StreamPriority): void {
    this.must(id, "send").send!.priority = priority;
  }

  /** Returns connection-level credit for bytes the stream no longer holds. */
  private returnCredit(stream: Stream, now = 0, smoothedRtt = 0): void {
    const recv = stream.recv;
    if (recv === undefined) return;
    const previous = this.consumedByStream.get(stream.id) ?? 0;
    const consumed = recv.consumedOffset;
    if (consumed > previous) {
      this.consumedByStream.set(stream.id, consumed);
      this.connectionRecv.onConsumed(consumed - previous, now, smoothedRtt);
    }
  }

  private notifyWritable(stream: Stream): void {
    if (stream.writableWanted && stream.send !== undefined && stream.send.writable > 0) {
      stream.writableWanted = false;
      this.events.push({ type: "stream_writable", streamId: stream.id });
    }
  }

  /** RFC 9000 §3: a stream whose parts are all terminal is forgotten; peer streams return their credit. */
  private maybeClose(stream: Stream): void {
    if (stream.send !== undefined && !stream.send.finished) return;
    if (stream.recv !== undefined && !stream.recv.finished) return;
    if (this.active.has(stream.id)) return;
    this.streams.delete(stream.id);
    this.consumedByStream.delete(stream.id);
    this.pendingMaxStreamData.delete(stream.id);
    this.pendingStopSending.delete(stream.id);
    this.events.push({ type: "stream_closed", streamId: stream.id });
    if (streamInitiator(stream.id) !== this.role) {
      const key = typeKey(isBidirectional(stream.id));
      this.remoteClosed[key]++;
      // Keep the peer's concurrency steady: one new stream for each closed one.
      this.localMaxStreams[key] = (key === "bidi" ? this.local.maxStreamsBidi : this.local.maxStreamsUni) + this.remoteClosed[key];
      this.maxStreamsPending[key] = true;
    }
  }

  /** Next event for the application. */
  pollEvent(): StreamEvent | undefined {
    return this.events.shift();
  }

  // ---- transmit side ----

  private activate(send: SendStream): void {
    this.active.add(send.id);
  }

  /**
   * The stream to serve next (RFC 9218-style): lowest urgency first; within
   * an urgency, non-incremental streams in ID order, then incremental ones in
   * turn. Streams with nothing sendable leave the active set.
   */
  nextSendable(): SendStream | undefined {
    const available = this.connectionSend.available;
    let best: SendStream | undefined;
    for (const id of this.active) {
      const stream = this.streams.get(id);
      const send = stream?.send;
      if (send === undefined || !send.wantsToSend(available)) {
        this.active.delete(id);
        if (send !== undefined && send.blockedByStreamLimit) this.pendingStreamDataBlocked.add(id);
        if (stream !== undefined) this.maybeClose(stream);
        continue;
      }
      if (best === undefined || precedes(send, best)) best = send;
    }
    return best;
  }

  /** True when some stream may have a frame to send ({@link nextSendable} says which, if any). */
  get hasSendable(): boolean {
    return this.active.size > 0;
  }

  /** True when a DATA_BLOCKED frame is owed: connection-level flow control holds data back at a limit not reported yet. */
  get owesDataBlocked(): boolean {
    return this.connectionSend.blockedUnreported && this.blockedByConnection;
  }

  /** True when some stream has data that only connection-level flow control holds back (RFC 9000 §4.1). */
  get blockedByConnection(): boolean {
    if (this.connectionSend.available > 0) return false;
    for (const stream of this.streams.values()) {
      const send = stream.send;
      if (send !== undefined && send.reset === undefined && send.buffer.sent < send.buffer.end && send.buffer.sent < send.credit.limit) return true;
    }
    return false;
  }

  /** Moves an incremental stream to the back of its turn after it was served. */
  served(send: SendStream): void {
    if (send.priority.incremental && this.active.delete(send.id)) this.active.add(send.id);
  }

  /** The frame of `send` was acknowledged or lost: it may have become closable or sendable. */
  afterSendUpdate(id: number): void {
    const stream = this.streams.get(id);
    if (stream === undefined) return;
    if (stream.send !== undefined && stream.send.wantsToSend(this.connectionSend.available)) this.active.add(id);
    this.notifyWritable(stream);
    this.maybeClose(stream);
  }

  /** The receive side of `id` got a control frame acknowledged: it may be closable. */
  afterRecvUpdate(id: number): void {
    const stream = this.streams.get(id);
    if (stream !== undefined) this.maybeClose(stream);
  }

  /** MAX_STREAM_DATA frames owed: `[streamId, maximum]`. */
  *takeMaxStreamData(): IterableIterator<[number, number]> {
    for (const id of this.pendingMaxStreamData) {
      this.pendingMaxStreamData.delete(id);
      const update = this.streams.get(id)?.recv?.window.takeUpdate();
      if (update !== undefined) yield [id, update];
    }
  }

  /** Re-queues a lost MAX_STREAM_DATA. */
  maxStreamDataLost(id: number, maximum: number): void {
    const recv = this.streams.get(id)?.recv;
    if (recv === undefined || recv.state !== "recv") return;
    recv.window.updateLost(maximum);
    this.pendingMaxStreamData.add(id);
  }

  /** MAX_STREAMS owed for one type, once per raise. */
  takeMaxStreams(bidirectional: boolean): number | undefined {
    const key = typeKey(bidirectional);
    if (!this.maxStreamsPending[key]) return undefined;
    this.maxStreamsPending[key] = false;
    return this.localMaxStreams[key];
  }

  maxStreamsLost(bidirectional: boolean, maximum: number): void {
    const key = typeKey(bidirectional);
    if (maximum === this.localMaxStreams[key]) this.maxStreamsPending[key] = true;
  }

  /** STREAMS_BLOCKED owed for one type. */
  takeStreamsBlocked(bidirectional: boolean): number | undefined {
    const key = typeKey(bidirectional);
    const limit = this.streamsBlockedPending[key];
    this.streamsBlockedPending[key] = undefined;
    if (limit === undefined || limit !== this.peerMaxStreams[key]) return undefined;
    this.streamsBlockedSent[key] = limit;
    return limit;
  }

  /** STREAM_DATA_BLOCKED frames owed: `[streamId, limit]`. */
  *takeStreamDataBlocked(): IterableIterator<[number, number]> {
    for (const id of this.pendingStreamDataBlocked) {
      this.pendingStreamDataBlocked.delete(id);
      const limit = this.streams.get(id)?.send?.credit.takeBlocked();
      if (limit !== undefined) yield [id, limit];
    }
  }

  /** STOP_SENDING frames owed: `[streamId, errorCode]`. */
  *takeStopSending(): IterableIterator<[number, number]> {
    for (const id of this.pendingStopSending) {
      this.pendingStopSending.delete(id);
      const stop = this.streams.get(id)?.recv?.takeStop();
      if (stop !== undefined) yield [id, stop.errorCode];
    }
  }

  /** A STOP_SENDING was lost: it goes again unless the stream no longer needs it. */
  stopSendingLost(id: number): void {
    const recv = this.streams.get(id)?.recv;
    if (recv === undefined) return;
    recv.onStopLost();
    this.pendingStopSending.add(id);
  }

  /** True when MAX_STREAMS, STREAMS_BLOCKED, MAX_STREAM_DATA, STREAM_DATA_BLOCKED or STOP_SENDING frames may be owed. */
  get owesControlFrames(): boolean {
    return (
      this.maxStreamsPending.bidi ||
      this.maxStreamsPending.uni ||
      this.streamsBlockedPending.bidi !== undefined ||
      this.streamsBlockedPending.uni !== undefined ||
      this.pendingMaxStreamData.size > 0 ||
      this.pendingStreamDataBlocked.size > 0 ||
      this.pendingStopSending.size > 0
    );
  }

  /** Iterates the open streams. */
  values(): IterableIterator<Stream> {
    return this.streams.values();
  }
}

/** RFC 9218 §10: does `a` go before `b`? */
function precedes(a: SendStream, b: SendStream): boolean {
  if (a.priority.urgency !== b.priority.urgency) return a.priority.urgency < b.priority.urgency;
  if (a.priority.incremental !== b.priority.incremental) return !a.priority.incremental;
  // Non-incremental: in stream ID order. Incremental: the Set's insertion order is the turn order.
  return !a.priority.incremental && a.id < b.id;
}

export { DEFAULT_PRIORITY };
