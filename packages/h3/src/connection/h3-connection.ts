/**
 * RFC 9114: an HTTP/3 connection, sans-I/O. It consumes its QUIC connection's events
 * (`handleEvent`), writes frames to the QUIC connection's streams, and reports HTTP events
 * (`pollEvent`). Its application asks for requests, responses, content and shutdown through
 * the `send…` methods. It owns no socket, clock or timer.
 *
 * Incoming stream data is read lazily: `pollEvent` reads a piece of one readable stream when
 * no event is queued, so a paused stream (`pauseReading`) leaves its data to QUIC flow
 * control, and the event queue stays short.
 *
 * @module
 */
import { Writer, ZquicError, concatBytes } from "@zquic/wire";
import type { ConnectionEvent, Role } from "@zquic/quic";
import { CapsuleParser, CapsuleType } from "../datagram/capsule.js";
import { usesCapsuleProtocol } from "../datagram/capsule-protocol.js";
import { decodeHttpDatagram, encodeHttpDatagram } from "../datagram/http-datagram.js";
import { H3Error, H3ErrorCode, H3StreamError } from "../errors.js";
import type { BufferedFrame, Frame, PriorityUpdateFrame } from "../frames/frame.js";
import { encodeFrame, writeFrame, writeFrameHeader } from "../frames/frame-codec.js";
import { FrameParser, type FrameEvent } from "../frames/frame-parser.js";
import { FrameType, type FrameStream } from "../frames/frame-type.js";
import type { Settings } from "../frames/settings.js";
import { StreamType, readUniStreamHeader, writeUniStreamHeader, type UniStreamHeader } from "../frames/stream-type.js";
import { checkRequest, checkResponse, checkTrailers } from "../message/control-data.js";
import { InboundMessage, type ExpectedMessage } from "../message/message-framing.js";
import { OutboundMessage } from "../message/outbound-message.js";
import { parsePriority, serializePriority, type Priority } from "../priority/priority.js";
import { QpackDecoder, type DecoderTableState, type FieldSectionResult, type UnblockedFieldSection } from "../qpack/decoder.js";
import { QpackEncoder, type EncoderTableState } from "../qpack/encoder.js";
import { fieldSectionSize, type Field } from "../qpack/field.js";
import type { H3Event } from "./events.js";
import { Goaway } from "./goaway.js";
import { greaseFrame, greaseStream, oneIn } from "./grease.js";
import { readingAllowed, type BlockedSection, type Inbound, type MessageStream, type Outbound } from "./message-stream.js";
import { localSettings, resolveOptions, type H3ConnectionOptions, type ResolvedOptions } from "./options.js";
import { PendingPriorityUpdates, requestPriority } from "./priority-signals.js";
import { SendQueue } from "./send-queue.js";
import { ClientPushes, ServerPushes } from "./server-push.js";
import { unlessGone, type H3Transport } from "./transport.js";

const {
  H3_NO_ERROR,
  H3_INTERNAL_ERROR,
  H3_STREAM_CREATION_ERROR,
  H3_CLOSED_CRITICAL_STREAM,
  H3_FRAME_UNEXPECTED,
  H3_EXCESSIVE_LOAD,
  H3_ID_ERROR,
  H3_REQUEST_REJECTED,
  H3_REQUEST_CANCELLED,
  H3_DATAGRAM_ERROR,
} = H3ErrorCode;

const HEADERS_SECTION: BlockedSection = { frame: "headers" };

/** The most octets `pollEvent` reads from one stream at a time. */
const READ_CHUNK = 16384;
/** RFC 9218 §7: PRIORITY_UPDATE frames kept for request streams not yet seen. */
const PENDING_PRIORITY_LIMIT = 256;
/** RFC 9204 §7.3: decoder-stream octets the peer may leave unread before it is excessive load. */
const DECODER_STREAM_BACKLOG_LIMIT = 65536;

/** A unidirectional stream from the peer, by what its header said (RFC 9114 §6.2). */
type PeerUniStream =
  | { readonly kind: "unidentified"; header: Uint8Array }
  | { readonly kind: "control"; readonly parser: FrameParser }
  | { readonly kind: "qpack_encoder" }
  | { readonly kind: "qpack_decoder" };

type CriticalKind = Exclude<PeerUniStream["kind"], "unidentified">;

/** RFC 9114 §6.2.1, RFC 9204 §4.2: the stream types of which each peer opens exactly one. */
const CRITICAL_STREAM_TYPES: ReadonlyMap<number, CriticalKind> = new Map([
  [StreamType.CONTROL, "control"],
  [StreamType.QPACK_ENCODER, "qpack_encoder"],
  [StreamType.QPACK_DECODER, "qpack_decoder"],
]);

/** How a new message stream is set up. */
interface StreamSetup {
  readonly pushId?: number;
  readonly expect?: ExpectedMessage;
  readonly frames: FrameStream;
  /** This side sends a message on it too. */
  readonly sends?: boolean;
  readonly requestMethod?: string;
  readonly extendedConnect?: boolean;
  readonly capsuleProtocol?: boolean;
}

/** Options of `sendRequest`, `sendResponse` and `sendData`. */
export interface SendOptions {
  /** End the stream after this (FIN). */
  readonly endStream?: boolean;
}

/** An HTTP/3 connection over one QUIC connection, for either role. */
export class H3Connection {
  /** This endpoint's role, the transport's. */
  readonly role: Role;
  /** The SETTINGS this endpoint sends (RFC 9114 §7.2.4). */
  readonly localSettings: Settings;
  private readonly options: ResolvedOptions;
  private readonly encoder: QpackEncoder;
  private readonly decoder: QpackDecoder;
  private readonly control: SendQueue;
  private readonly encoderStream: SendQueue;
  private readonly decoderStream: SendQueue;
  /** A reserved stream type to send once the critical streams are open (§6.2.3). */
  private greaseStreamOwed: boolean;
  private peer: Settings | undefined;
  private readonly messages = new Map<number, MessageStream>();
  private readonly peerUni = new Map<number, PeerUniStream>();
  private readonly peerCritical = new Set<CriticalKind>();
  /** Request and push streams with data to read, served round-robin by `pollEvent`; unidirectional ones first. */
  private readonly readable = new Set<number>();
  private readonly readableUni = new Set<number>();
  private readonly events: H3Event[] = [];
  private readonly goawayIds: Goaway;
  private readonly serverPushes = new ServerPushes();
  private readonly clientPushes = new ClientPushes();
  private readonly pendingPriority = new PendingPriorityUpdates(PENDING_PRIORITY_LIMIT);
  /** Server: the highest request stream the client opened, and one past the last whose request was delivered. */
  private highestOpened = -1;
  private nextUnprocessed = 0;
  private state: "open" | "closing" | "closed" = "open";

  /**
   * Starts HTTP/3 on `transport` (a QUIC connection that negotiated ALPN "h3"): queues the
   * control stream with SETTINGS and the QPACK streams, opened as soon as the transport
   * allows. Feed every event of the transport to {@link handleEvent} from now on.
   */
  constructor(
    private readonly transport: H3Transport,
    options: H3ConnectionOptions,
  ) {
    this.options = resolveOptions(options);
    this.role = transport.role;
    this.goawayIds = new Goaway(this.role);
    this.localSettings = localSettings(this.options);
    this.encoder = new QpackEncoder(this.options.qpackEncoder ?? {});
    this.decoder = new QpackDecoder({
      maxTableCapacity: this.options.qpackMaxTableCapacity,
      maxBlockedStreams: this.options.qpackBlockedStreams,
      maxFieldSectionSize: this.options.maxFieldSectionSize,
    });
    const { random, grease } = this.options;
    // RFC 9114 §6.2.1: SETTINGS is the first frame of the control stream.
    const control = new Writer(64);
    writeUniStreamHeader(control, { type: StreamType.CONTROL });
    writeFrame(control, { type: "settings", settings: this.localSettings });
    if (grease && oneIn(random, 2)) control.bytes(greaseFrame(random));
    this.control = this.localUniStream(control.toBytes());
    this.encoderStream = this.localUniStream(uniStreamHeader({ type: StreamType.QPACK_ENCODER }));
    this.decoderStream = this.localUniStream(uniStreamHeader({ type: StreamType.QPACK_DECODER }));
    this.greaseStreamOwed = grease && oneIn(random, 2);
    this.openCriticalStreams();
  }

  // ---- state ----

  /** The peer's SETTINGS, once received; until then its defaults apply (RFC 9114 §7.2.4.2). */
  get peerSettings(): Settings | undefined {
    return this.peer;
  }

  /** The identifier of the last GOAWAY sent, if any. */
  get goawaySent(): number | undefined {
    return this.goawayIds.sent;
  }

  /** The identifier of the last GOAWAY received, if any. */
  get goawayReceived(): number | undefined {
    return this.goawayIds.received;
  }

  /** The QPACK dynamic tables as they stand: this side's encoder's and decoder's. */
  qpackState(): { readonly encoder: EncoderTableState; readonly decoder: DecoderTableState } {
    return { encoder: this.encoder.snapshot(), decoder: this.decoder.snapshot() };
  }

  // ---- input ----

  /**
   * Takes one event of the QUIC connection. Nothing the peer sent throws from here: a
   * violation closes the connection with its H3 code (a `connection_error` event) or aborts
   * one stream (a `stream_error` event).
   */
  handleEvent(event: ConnectionEvent): void {
    if (event.type === "closed") {
      this.state = "closed";
      this.readable.clear();
      this.readableUni.clear();
      this.events.push({ type: "closed", reason: event.reason });
      return;
    }
    if (this.state === "open") this.guard(() => this.dispatch(event));
  }

  /** The next HTTP event, or `null` when there is none until more transport events arrive. */
  pollEvent(): H3Event | null {
    for (;;) {
      const event = this.events.shift();
      if (event !== undefined) return event;
      if (this.state !== "open") return null;
      // A failure leaves its `connection_error` event queued.
      if (this.guard(() => this.serviceNext()) !== true && this.events.length === 0) return null;
    }
  }

  // ---- requests and responses (RFC 9114 §4.1) ----

  /**
   * Client: sends a request's header section on a new request stream and returns its ID,
   * or `undefined` when the transport cannot open one yet (the server's stream limit is
   * reached, or the handshake is not done: retry after a `streams_available` event, or the
   * transport's `handshake_completed`). Throws a `ZquicError` for a malformed request (§4.1.2), a
   * field section above the server's SETTINGS_MAX_FIELD_SECTION_SIZE, extended CONNECT
   * the server did not enable (RFC 9220), or after the server's GOAWAY (§5.2).
   */
  sendRequest(headers: readonly Field[], options: SendOptions = {}): number | undefined {
    this.checkOpen();
    this.requireRole("client", "sendRequest");
    if (this.goawayIds.received !== undefined) {
      throw new ZquicError("GOAWAY_RECEIVED", `the server sent GOAWAY (RFC 9114 §5.2): send new requests on a new connection`);
    }
    const extendedConnect = headers.some(([name]) => name === ":protocol");
    if (extendedConnect && this.peer?.enableConnectProtocol !== true) {
      throw new ZquicError("EXTENDED_CONNECT_NOT_ENABLED", "the server has not sent SETTINGS_ENABLE_CONNECT_PROTOCOL = 1 (RFC 9220 §3): wait for its settings event");
    }
    const head = outgoing("request", () => checkRequest(headers, { extendedConnect }));
    const endStream = options.endStream ?? false;
    if (head.method === "CONNECT" && endStream) {
      throw new ZquicError("INVALID_ARGUMENT", "a CONNECT request keeps its stream open for the tunnel (RFC 9114 §4.4); do not end it");
    }
    this.checkPeerLimit(headers);
    const id = this.transport.openStream(true);
    if (id === undefined) return undefined;
    const stream = this.addStream(id, {
      expect: { kind: "response", requestMethod: head.method },
      frames: "request",
      sends: true,
      requestMethod: head.method,
      extendedConnect,
      capsuleProtocol: extendedConnect && usesCapsuleProtocol(headers),
    });
    const outbound = stream.outbound!;
    outbound.message.request(head);
    this.writeHeaders(stream, headers);
    if (endStream) this.endOutbound(outbound);
    return id;
  }

  /**
   * Server: sends a response header section on request or push stream `streamId` — any
   * number of interim (1xx) ones, then the final one. Throws a `ZquicError` for a malformed
   * response, a second final response, or ending the stream after an interim one.
   */
  sendResponse(streamId: number, headers: readonly Field[], options: SendOptions = {}): void {
    this.checkOpen();
    this.requireRole("server", "sendResponse");
    const stream = this.sendingStream(streamId);
    const outbound = stream.outbound!;
    const head = outgoing("response", () => checkResponse(headers));
    if (head.status < 200 && options.endStream === true) {
      throw new ZquicError("INVALID_ARGUMENT", `a ${head.status} response is interim: send the final response before ending the stream`);
    }
    this.checkPeerLimit(headers);
    outbound.message.response(head, stream.requestMethod ?? "GET");
    this.writeHeaders(stream, headers);
    if (options.endStream === true) this.endOutbound(outbound);
  }

  /**
   * Sends content on `streamId` as a DATA frame, after its request or final response.
   * Returns how many octets of `data` were taken: fewer than offered when the stream's
   * buffers are full, and then a `writable` event tells when to offer the rest (`endStream`
   * applies only once all of `data` is taken). Throws a `ZquicError` before the header
   * section, after the end, past the Content-Length, or when the peer stopped the stream.
   */
  sendData(streamId: number, data: Uint8Array, options: SendOptions = {}): number {
    this.checkOpen();
    const outbound = this.sendingStream(streamId).outbound!;
    outbound.message.checkContent(data.length);
    const room = (unlessGone(() => this.transport.streamWritable(streamId)) ?? 0) + this.options.maxBufferedPerStream - outbound.queue.length;
    const taken = Math.max(0, Math.min(data.length, room));
    if (taken > 0) {
      const header = new Writer(16);
      writeFrameHeader(header, FrameType.DATA, taken);
      outbound.queue.write(header.toBytes());
      outbound.queue.write(taken === data.length ? data : data.subarray(0, taken));
      outbound.message.contentSent(taken);
    }
    if (taken < data.length) outbound.wantsWritable = true;
    else if (options.endStream === true) this.endOutbound(outbound);
    return taken;
  }

  /** Sends the trailer section on `streamId` and ends the stream. Throws a `ZquicError` where none may go. */
  sendTrailers(streamId: number, headers: readonly Field[]): void {
    this.checkOpen();
    const stream = this.sendingStream(streamId);
    const outbound = stream.outbound!;
    outgoing("trailer", () => checkTrailers(headers));
    this.checkPeerLimit(headers);
    outbound.message.trailers();
    this.writeHeaders(stream, headers);
    outbound.queue.finish();
  }

  /**
   * Cancels a request or push stream in both directions (RFC 9114 §4.1.1): resets the
   * sending part and aborts reading with `errorCode` (default H3_REQUEST_CANCELLED; a server
   * rejecting a request it did not process uses H3_REQUEST_REJECTED).
   */
  resetStream(streamId: number, errorCode: number = H3_REQUEST_CANCELLED): void {
    this.checkOpen();
    const stream = this.knownStream(streamId);
    if (this.role === "client" && errorCode === H3_REQUEST_REJECTED) {
      throw new ZquicError("INVALID_ARGUMENT", "clients cancel with H3_REQUEST_CANCELLED; H3_REQUEST_REJECTED is the server's (RFC 9114 §4.1.1)");
    }
    this.cancel(stream, errorCode);
  }

  /** Stops reading `streamId` for now: its data stays with the transport, whose flow control then holds the peer back. */
  pauseReading(streamId: number): void {
    this.checkOpen();
    const inbound = this.knownStream(streamId).inbound;
    if (inbound !== undefined) inbound.paused = true;
  }

  /** Resumes reading a stream paused with {@link pauseReading}. */
  resumeReading(streamId: number): void {
    this.checkOpen();
    const inbound = this.knownStream(streamId).inbound;
    if (inbound === undefined || !inbound.paused) return;
    inbound.paused = false;
    if (!inbound.done) this.markReadable(streamId);
  }

  // ---- shutdown (RFC 9114 §5.2) ----

  /**
   * Starts or continues a graceful shutdown with GOAWAY. A server sends the first request
   * stream ID it will not process (default: one past the last request delivered) and
   * rejects the requests at or above it (H3_REQUEST_REJECTED); a client sends the first push
   * ID it refuses (default: one past the last push seen) and cancels those at or above it.
   * For a two-phase shutdown, first pass `MAX_GOAWAY_ID`. Throws a `ZquicError` for an ID
   * above one sent before.
   */
  goaway(id?: number): void {
    this.checkOpen();
    const next = this.role === "server" ? this.nextUnprocessed : this.clientPushes.nextUnseen;
    const sent = id ?? Math.min(next, this.goawayIds.sent ?? next);
    this.goawayIds.send(sent);
    this.writeControl({ type: "goaway", id: sent });
    if (this.role === "server") {
      for (const stream of this.messages.values()) {
        if (stream.pushId === undefined && stream.id >= sent && stream.inbound?.message.started === false) this.cancel(stream, H3_REQUEST_REJECTED);
      }
    } else {
      for (const pushId of this.clientPushes.atOrAbove(sent)) if (!this.clientPushes.isCancelled(pushId)) this.cancelPush(pushId);
    }
  }

  /** Closes the connection now (RFC 9114 §5.3) with `errorCode` (default H3_NO_ERROR, after a graceful shutdown). */
  close(errorCode: number = H3_NO_ERROR, reason = ""): void {
    if (this.state !== "open") return;
    this.state = "closing";
    this.readable.clear();
    this.readableUni.clear();
    this.transport.close(errorCode, reason);
  }

  // ---- extensions: priorities, datagrams ----

  /**
   * RFC 9218: a client reprioritizes the response on its request stream `streamId` with a
   * PRIORITY_UPDATE frame; a server applies `priority` to the stream it sends on directly.
   */
  setPriority(streamId: number, priority: Priority): void {
    this.checkOpen();
    const stream = this.knownStream(streamId);
    const value = serializePriority(priority);
    if (this.role === "server") return this.applyPriority(streamId, priority);
    if (stream.pushId !== undefined) throw new ZquicError("INVALID_ARGUMENT", `stream ${streamId} is a push stream; reprioritize request streams`);
    this.writeControl({ type: "priority_update", element: "request", elementId: streamId, priority: value });
  }

  /**
   * RFC 9297 §2.1: sends `payload` as an HTTP/3 Datagram of extended CONNECT stream
   * `streamId`. Throws a `ZquicError` unless both sides sent SETTINGS_H3_DATAGRAM = 1, the
   * stream is an extended CONNECT whose sending part is open, and the payload fits
   * ({@link maxDatagramPayload}).
   */
  sendDatagram(streamId: number, payload: Uint8Array): void {
    this.checkOpen();
    if (!this.localSettings.h3Datagram || this.peer?.h3Datagram !== true) {
      throw new ZquicError(
        "DATAGRAMS_NOT_NEGOTIATED",
        "HTTP Datagrams need SETTINGS_H3_DATAGRAM = 1 sent and received (RFC 9297 §2.1.1): set the h3Datagram option and wait for the peer's settings event",
      );
    }
    const stream = this.sendingStream(streamId);
    if (!stream.extendedConnect) {
      throw new ZquicError("INVALID_ARGUMENT", `stream ${streamId} is not an extended CONNECT stream, so datagrams have no meaning on it (RFC 9297 §2)`);
    }
    if (stream.outbound!.message.phase === "ended") {
      throw new ZquicError("STREAM_FINISHED", `stream ${streamId}'s sending part is closed; datagrams need it open (RFC 9297 §2.1)`);
    }
    this.transport.sendDatagram(encodeHttpDatagram({ streamId, payload }));
  }

  /** The largest HTTP Datagram payload {@link sendDatagram} takes now for `streamId`. */
  maxDatagramPayload(streamId: number): number {
    const prefix = new Writer(8).varint(streamId / 4).length;
    return Math.max(0, this.transport.maxDatagramPayload - prefix);
  }

  // ---- server push (RFC 9114 §4.6) ----

  /**
   * Client: lets the server push, up to push ID `maxPushId` (MAX_PUSH_ID, §7.2.7). Push is
   * off until this is called. Throws a `ZquicError` if it would lower the maximum.
   */
  allowPush(maxPushId: number): void {
    this.checkOpen();
    this.requireRole("client", "allowPush");
    this.clientPushes.allow(maxPushId);
    this.writeControl({ type: "max_push_id", pushId: maxPushId });
  }

  /**
   * Server: promises a push of the GET or HEAD request `headers` on request stream
   * `streamId` (PUSH_PROMISE, §7.2.5) and returns its push ID; open its push stream with
   * {@link openPushStream}. Throws a `ZquicError` when the client allows no more pushes, sent
   * GOAWAY, or the request cannot be pushed.
   */
  pushPromise(streamId: number, headers: readonly Field[]): number {
    this.checkOpen();
    this.requireRole("server", "pushPromise");
    if (this.goawayIds.received !== undefined) throw new ZquicError("GOAWAY_RECEIVED", "the client sent GOAWAY: no new pushes (RFC 9114 §5.2)");
    this.serverPushes.checkAvailable();
    const stream = this.sendingStream(streamId);
    if (stream.pushId !== undefined || stream.outbound!.message.phase === "ended") {
      throw new ZquicError("INVALID_STATE", `stream ${streamId} is not a request stream whose response is still open`);
    }
    const head = outgoing("request", () => checkRequest(headers, { extendedConnect: false }));
    if (head.method !== "GET" && head.method !== "HEAD") {
      throw new ZquicError("INVALID_ARGUMENT", `a ${head.method} request cannot be pushed: only safe, cacheable requests without content (RFC 9114 §4.6)`);
    }
    this.checkPeerLimit(headers);
    const pushId = this.serverPushes.promise(head.method);
    const fieldSection = this.encoder.encodeFieldSection(streamId, headers);
    this.flushEncoder();
    stream.outbound!.queue.write(encodeFrame({ type: "push_promise", pushId, fieldSection }));
    return pushId;
  }

  /**
   * Server: opens the push stream for promise `pushId` and returns its stream ID, on which
   * `sendResponse`, `sendData` and `sendTrailers` send the pushed response; `undefined` when
   * the client's stream limit is reached (retry after `streams_available`).
   */
  openPushStream(pushId: number): number | undefined {
    this.checkOpen();
    this.requireRole("server", "openPushStream");
    const promise = this.serverPushes.get(pushId);
    if (promise === undefined || promise.streamId !== undefined) {
      throw new ZquicError("INVALID_ARGUMENT", `push ${pushId} is not a promise without a stream (cancelled, or opened already?)`);
    }
    const id = this.transport.openStream(false);
    if (id === undefined) return undefined;
    promise.streamId = id;
    const stream = this.addStream(id, { pushId, frames: "push", sends: true, requestMethod: promise.requestMethod });
    stream.outbound!.queue.write(uniStreamHeader({ type: StreamType.PUSH, pushId }));
    return id;
  }

  /**
   * Cancels push `pushId` (CANCEL_PUSH, §7.2.3): a client no longer wants it (its push
   * stream, if open, is stopped); a server will not fulfil it (its push stream is reset).
   */
  cancelPush(pushId: number): void {
    this.checkOpen();
    if (this.role === "client") {
      this.clientPushes.cancel(pushId);
      this.writeControl({ type: "cancel_push", pushId });
      const stream = [...this.messages.values()].find((s) => s.pushId === pushId);
      if (stream !== undefined) this.cancel(stream, H3_REQUEST_CANCELLED);
      return;
    }
    const promise = this.serverPushes.get(pushId);
    if (promise === undefined) throw new ZquicError("INVALID_ARGUMENT", `push ${pushId} is not a live promise`);
    this.writeControl({ type: "cancel_push", pushId });
    this.endPush(pushId);
  }

  // ---- transport events ----

  private dispatch(event: Exclude<ConnectionEvent, { type: "closed" }>): void {
    switch (event.type) {
      case "handshake_completed":
        return this.openCriticalStreams();
      case "stream_opened":
        return this.onStreamOpened(event.streamId, event.bidirectional);
      case "stream_readable":
        return this.markReadable(event.streamId);
      case "stream_writable":
        return this.onWritable(event.streamId);
      case "stream_reset":
        return this.onPeerReset(event.streamId, event.errorCode);
      case "stream_stop_sending":
        return this.onStopSending(event.streamId, event.errorCode);
      case "stream_closed":
        return this.onStreamClosed(event.streamId);
      case "streams_available":
        if (!event.bidirectional) this.openCriticalStreams();
        this.events.push({ type: "streams_available", bidirectional: event.bidirectional });
        return;
      case "datagram":
        return this.onDatagram(event.data);
      default:
        // Handshake confirmation, tickets, tokens, paths, key updates: nothing for HTTP/3.
        return;
    }
  }

  private onStreamOpened(id: number, bidirectional: boolean): void {
    if (!bidirectional) {
      this.peerUni.set(id, { kind: "unidentified", header: new Uint8Array(0) });
      return;
    }
    // RFC 9114 §6.1: HTTP/3 gives server-initiated bidirectional streams no meaning.
    if (this.role === "client") throw new H3Error(H3_STREAM_CREATION_ERROR, `server-initiated bidirectional stream ${id}`);
    this.highestOpened = Math.max(this.highestOpened, id);
    const rules = { extendedConnect: this.localSettings.enableConnectProtocol };
    const stream = this.addStream(id, { expect: { kind: "request", rules }, frames: "request", sends: true });
    // RFC 9114 §5.2: requests at or above a GOAWAY sent are rejected.
    const goaway = this.goawayIds.sent;
    if (goaway !== undefined && id >= goaway) this.cancel(stream, H3_REQUEST_REJECTED);
  }

  private onWritable(id: number): void {
    for (const queue of [this.control, this.encoderStream, this.decoderStream]) if (queue.id === id) return queue.flush();
    const outbound = this.messages.get(id)?.outbound;
    if (outbound === undefined) return;
    outbound.queue.flush();
    if (outbound.wantsWritable && outbound.queue.drained && !outbound.stopped) {
      outbound.wantsWritable = false;
      this.events.push({ type: "writable", streamId: id });
    }
  }

  private onPeerReset(id: number, errorCode: number): void {
    const uni = this.peerUni.get(id);
    if (uni !== undefined) {
      // RFC 9114 §6.2.1, RFC 9204 §4.2: closing a critical stream is a connection error.
      if (uni.kind !== "unidentified") throw new H3Error(H3_CLOSED_CRITICAL_STREAM, `the peer reset its ${uni.kind} stream`);
      this.peerUni.delete(id);
    }
    // Reading acknowledges the reset, so the transport can free the stream.
    this.read(id);
    const stream = this.messages.get(id);
    const inbound = stream?.inbound;
    if (stream === undefined || inbound === undefined || inbound.done) return;
    this.endInbound(stream, inbound);
    // RFC 9204 §2.2.2.2: field sections still to come on it will not be processed.
    this.decoder.streamCancelled(id);
    this.flushDecoder();
    if (this.role === "server" && !inbound.message.started) {
      // RFC 9114 §4.1.1: a request cancelled before it was processed is rejected.
      this.resetOutbound(stream, H3_REQUEST_REJECTED);
    } else if (this.role === "client" && stream.pushId === undefined && errorCode === H3_REQUEST_REJECTED && !inbound.message.started) {
      this.resetOutbound(stream, H3_REQUEST_REJECTED);
      this.events.push({ type: "request_rejected", streamId: id });
    } else {
      this.events.push({ type: "stream_reset", streamId: id, errorCode });
    }
  }

  private onStopSending(id: number, errorCode: number): void {
    // RFC 9114 §6.2.1, RFC 9204 §4.2: the peer may not ask to close a critical stream.
    if ([this.control, this.encoderStream, this.decoderStream].some((queue) => queue.id === id)) {
      throw new H3Error(H3_CLOSED_CRITICAL_STREAM, `the peer sent STOP_SENDING for critical stream ${id}`);
    }
    const stream = this.messages.get(id);
    const outbound = stream?.outbound;
    if (stream === undefined || outbound === undefined || outbound.stopped) return;
    // RFC 9000 §3.5: the transport answered with RESET_STREAM already.
    outbound.stopped = true;
    outbound.queue.discard();
    // A request the application has not seen yet learns of it right after it is delivered.
    if (stream.inbound?.message.started === false && this.role === "server") outbound.heldStopSending = errorCode;
    else this.events.push({ type: "stop_sending", streamId: id, errorCode });
  }

  private onStreamClosed(id: number): void {
    this.readable.delete(id);
    this.readableUni.delete(id);
    this.peerUni.delete(id);
    const stream = this.messages.get(id);
    if (stream === undefined) return;
    // RFC 9204 §2.1.2: the transport may have handed over every byte, FIN included, of a message whose
    // field section still waits for inserts; the message lives on until it is processed.
    if (stream.inbound !== undefined && !stream.inbound.done) {
      stream.transportClosed = true;
      return;
    }
    this.forgetMessage(stream);
  }

  private forgetMessage(stream: MessageStream): void {
    this.messages.delete(stream.id);
    if (this.role === "server" && stream.pushId !== undefined) this.serverPushes.forget(stream.pushId);
  }

  private onDatagram(data: Uint8Array): void {
    // RFC 9297 §2.1.1: datagrams were not offered, so none is expected; ignore them.
    if (!this.localSettings.h3Datagram) return;
    const { streamId, payload } = decodeHttpDatagram(data);
    const stream = this.messages.get(streamId);
    const inbound = stream?.inbound;
    // RFC 9297 §2.1: an unknown stream, or one whose receiving part is closed: drop it.
    if (stream === undefined || inbound === undefined || inbound.done || !inbound.message.started) return;
    if (!stream.extendedConnect) {
      return this.abort(stream, new H3StreamError(H3_DATAGRAM_ERROR, `HTTP Datagram for stream ${streamId}, whose request gives datagrams no meaning`));
    }
    this.events.push({ type: "datagram", streamId, data: payload });
  }

  // ---- reading ----

  /**
   * Serves one readable stream a step; false when none is readable. Unidirectional streams
   * go first: the control and QPACK streams govern the others (RFC 9114 §6.2.1).
   */
  private serviceNext(): boolean {
    const next = first(this.readableUni) ?? first(this.readable);
    if (next === undefined) return false;
    this.readableUni.delete(next);
    this.readable.delete(next);
    const stream = this.messages.get(next);
    const uni = this.peerUni.get(next);
    const again = stream?.inbound !== undefined ? this.serviceMessage(stream, stream.inbound) : uni !== undefined && this.serviceUni(next, uni);
    // Back of the line: streams take turns.
    if (again) this.markReadable(next);
    return true;
  }

  /** Queues a stream to be read by `pollEvent`. */
  private markReadable(id: number): void {
    if (this.peerUni.has(id)) this.readableUni.add(id);
    else if (this.messages.get(id)?.inbound !== undefined) this.readable.add(id);
  }

  /** Reads up to {@link READ_CHUNK} octets of `id`; `undefined` when none are there, or the stream was reset or is gone. */
  private read(id: number): { data: Uint8Array; fin: boolean } | undefined {
    try {
      return this.transport.streamRead(id, READ_CHUNK);
    } catch (e) {
      // STREAM_RESET: a `stream_reset` event tells the rest.
      if (e instanceof ZquicError && (e.code === "STREAM_RESET" || e.code === "STREAM_UNKNOWN")) return undefined;
      throw e;
    }
  }

  private serviceUni(id: number, uni: PeerUniStream): boolean {
    const chunk = this.read(id);
    if (chunk === undefined) return false;
    this.onUniData(id, uni, chunk.data, chunk.fin);
    return !chunk.fin;
  }

  private onUniData(id: number, uni: PeerUniStream, data: Uint8Array, fin: boolean): void {
    switch (uni.kind) {
      case "unidentified": {
        const bytes = uni.header.length === 0 ? data : concatBytes(uni.header, data);
        const read = readUniStreamHeader(bytes);
        if (read !== undefined) return this.identify(id, read.header, bytes.subarray(read.length), fin);
        // RFC 9114 §6.2: a stream may end before its header; that is tolerated.
        if (fin) this.peerUni.delete(id);
        else uni.header = bytes;
        return;
      }
      case "control":
        uni.parser.push(data);
        for (let event = uni.parser.poll(); event !== null; event = uni.parser.poll()) {
          if (event.kind === "frame") this.onControlFrame(event.frame);
        }
        break;
      case "qpack_encoder":
        this.onEncoderStreamData(data);
        break;
      case "qpack_decoder":
        this.encoder.handleDecoderStreamData(data);
        break;
    }
    // RFC 9114 §6.2.1, RFC 9204 §4.2: closing a critical stream is a connection error.
    if (fin) throw new H3Error(H3_CLOSED_CRITICAL_STREAM, `the peer closed its ${uni.kind} stream`);
  }

  /** RFC 9114 §6.2: what a unidirectional stream is, from its header. */
  private identify(id: number, header: UniStreamHeader, rest: Uint8Array, fin: boolean): void {
    const critical = CRITICAL_STREAM_TYPES.get(header.type);
    if (critical !== undefined) {
      // RFC 9114 §6.2.1, RFC 9204 §4.2: one of each per peer.
      if (this.peerCritical.has(critical)) throw new H3Error(H3_STREAM_CREATION_ERROR, `a second ${critical} stream`);
      this.peerCritical.add(critical);
      const uni: PeerUniStream = critical === "control" ? { kind: "control", parser: this.frameParser("control") } : { kind: critical };
      this.peerUni.set(id, uni);
      return this.onUniData(id, uni, rest, fin);
    }
    this.peerUni.delete(id);
    if (header.type === StreamType.PUSH) return this.onPushStream(id, header.pushId!, rest, fin);
    // RFC 9114 §6.2, §9: unknown and reserved stream types are not read.
    unlessGone(() => this.transport.streamStopSending(id, H3_STREAM_CREATION_ERROR));
  }

  private onPushStream(id: number, pushId: number, rest: Uint8Array, fin: boolean): void {
    // RFC 9114 §6.2.2: only servers push.
    if (this.role === "server") throw new H3Error(H3_STREAM_CREATION_ERROR, `client-initiated push stream ${id}`);
    this.clientPushes.onPushStream(pushId);
    if (this.clientPushes.isCancelled(pushId)) {
      // RFC 9114 §7.2.3: a push cancelled already is not read.
      unlessGone(() => this.transport.streamStopSending(id, H3_REQUEST_CANCELLED));
      return;
    }
    const requestMethod = this.clientPushes.requestMethod(pushId) ?? "GET";
    const stream = this.addStream(id, { pushId, expect: { kind: "response", requestMethod }, frames: "push", requestMethod });
    this.events.push({ type: "push_stream", streamId: id, pushId });
    const inbound = stream.inbound!;
    inbound.parser.push(rest);
    inbound.finRead = fin;
    this.markReadable(id);
  }

  private serviceMessage(stream: MessageStream, inbound: Inbound): boolean {
    let again = false;
    this.streamStep(stream, () => {
      this.drain(stream, inbound);
      if (!readingAllowed(inbound)) return;
      const chunk = this.read(stream.id);
      if (chunk === undefined) return;
      inbound.parser.push(chunk.data);
      inbound.finRead = chunk.fin;
      this.drain(stream, inbound);
      again = readingAllowed(inbound);
    });
    return again;
  }

  /** Processes what the stream's parser holds, as far as the stream may go. */
  private drain(stream: MessageStream, inbound: Inbound): void {
    while (!inbound.done && !inbound.paused && inbound.blocked === undefined) {
      const event = inbound.parser.poll();
      if (event === null) {
        if (inbound.finRead) this.endMessage(stream, inbound);
        return;
      }
      this.onMessageFrame(stream, inbound, event);
    }
  }

  private onMessageFrame(stream: MessageStream, inbound: Inbound, event: FrameEvent): void {
    switch (event.kind) {
      case "frame": {
        const { frame } = event;
        if (frame.type === "headers") {
          inbound.message.headersFrame();
          return this.decodeSection(stream, inbound, frame.fieldSection, HEADERS_SECTION);
        }
        // RFC 9114 §7.2.5: clients do not send PUSH_PROMISE.
        if (frame.type !== "push_promise" || this.role === "server") throw new H3Error(H3_FRAME_UNEXPECTED, `${frame.type} frame on request stream ${stream.id}`);
        inbound.message.pushPromiseFrame();
        this.clientPushes.check(frame.pushId, "PUSH_PROMISE");
        return this.decodeSection(stream, inbound, frame.fieldSection, { frame: "push_promise", pushId: frame.pushId });
      }
      case "data_frame":
        return inbound.message.dataFrame(event.length);
      case "data":
        return this.onContent(stream, inbound, event.chunk);
      case "unknown_frame":
        // RFC 9114 §9: unknown frame types are ignored.
        return;
    }
  }

  private decodeSection(stream: MessageStream, inbound: Inbound, bytes: Uint8Array, section: BlockedSection): void {
    const result = this.decoder.decodeFieldSection(stream.id, bytes);
    this.flushDecoder();
    if ("blocked" in result) inbound.blocked = section;
    else this.onSection(stream, inbound, section, result);
  }

  private onSection(stream: MessageStream, inbound: Inbound, section: BlockedSection, result: Exclude<FieldSectionResult, { blocked: true }>): void {
    if ("tooLarge" in result) return this.onSectionTooLarge(stream, inbound, section);
    if (section.frame === "push_promise") return this.onPushPromise(stream, section.pushId, result.fields);
    const headers = inbound.message.headers(result.fields);
    const { id } = stream;
    switch (headers.kind) {
      case "request": {
        const { head } = headers;
        stream.requestMethod = head.method;
        stream.extendedConnect = head.protocol !== undefined;
        stream.capsuleProtocol = stream.extendedConnect && usesCapsuleProtocol(result.fields);
        if (stream.capsuleProtocol) inbound.capsules = new CapsuleParser();
        this.nextUnprocessed = Math.max(this.nextUnprocessed, id + 4);
        // RFC 9218 §7: the latest PRIORITY_UPDATE overrides the Priority header field.
        const priority = this.pendingPriority.take(id) ?? requestPriority(result.fields);
        if (priority !== undefined) this.applyPriority(id, priority);
        this.events.push({ type: "request", streamId: id, headers: result.fields });
        const held = stream.outbound?.heldStopSending;
        if (held !== undefined) this.events.push({ type: "stop_sending", streamId: id, errorCode: held });
        return;
      }
      case "informational":
        this.events.push({ type: "informational", streamId: id, headers: result.fields });
        return;
      case "response":
        if (stream.capsuleProtocol && headers.head.status < 300) inbound.capsules = new CapsuleParser();
        this.events.push({ type: "response", streamId: id, headers: result.fields });
        return;
      case "trailers":
        this.events.push({ type: "trailers", streamId: id, headers: result.fields });
        return;
    }
  }

  /**
   * RFC 9114 §4.2.2: a field section above SETTINGS_MAX_FIELD_SECTION_SIZE. A server answers
   * a request header section with 431 (Request Header Fields Too Large) and stops reading;
   * anywhere else the stream is cancelled (a client discards the response).
   */
  private onSectionTooLarge(stream: MessageStream, inbound: Inbound, section: BlockedSection): void {
    const outbound = stream.outbound;
    if (this.role === "client" || section.frame !== "headers" || inbound.message.started || outbound?.message.phase !== "head") {
      throw new H3StreamError(H3_REQUEST_CANCELLED, `field section above the ${this.options.maxFieldSectionSize}-octet SETTINGS_MAX_FIELD_SECTION_SIZE`);
    }
    this.endInbound(stream, inbound);
    this.decoder.streamCancelled(stream.id);
    this.flushDecoder();
    unlessGone(() => this.transport.streamStopSending(stream.id, H3_NO_ERROR));
    const tooLarge: Field[] = [[":status", "431"]];
    outbound.message.response(checkResponse(tooLarge), "GET");
    this.writeHeaders(stream, tooLarge);
    this.endOutbound(outbound);
  }

  private onPushPromise(stream: MessageStream, pushId: number, fields: Field[]): void {
    const head = checkRequest(fields, { extendedConnect: false });
    this.clientPushes.onPushPromise(pushId, fields);
    if (this.clientPushes.isCancelled(pushId)) return;
    // RFC 9114 §4.6: a promise of an unsafe or uncacheable request is cancelled.
    if (head.method !== "GET" && head.method !== "HEAD") return this.cancelPush(pushId);
    this.events.push({ type: "push_promise", streamId: stream.id, pushId, headers: fields });
  }

  private onContent(stream: MessageStream, inbound: Inbound, chunk: Uint8Array): void {
    const capsules = inbound.capsules;
    if (capsules === undefined) {
      this.events.push({ type: "data", streamId: stream.id, data: chunk });
      return;
    }
    capsules.push(chunk);
    for (let event = capsules.poll(); event !== null; event = capsules.poll()) {
      // RFC 9297 §3.5: a capsule too large to use is skipped unbuffered.
      if (event.kind !== "capsule") continue;
      const { capsule } = event;
      if (capsule.type === CapsuleType.DATAGRAM) this.events.push({ type: "datagram", streamId: stream.id, data: capsule.value });
      else this.events.push({ type: "capsule", streamId: stream.id, capsule });
    }
  }

  /** The stream ended cleanly and its frames are all processed. */
  private endMessage(stream: MessageStream, inbound: Inbound): void {
    // RFC 9114 §7.1: a stream may not end inside a frame.
    inbound.parser.end();
    // RFC 9297 §3.3: nor inside a capsule.
    inbound.capsules?.end();
    inbound.message.end();
    this.endInbound(stream, inbound);
    this.events.push({ type: "end", streamId: stream.id });
  }

  private endInbound(stream: MessageStream, inbound: Inbound): void {
    inbound.done = true;
    this.readable.delete(stream.id);
    if (stream.transportClosed) this.forgetMessage(stream);
  }

  private onEncoderStreamData(data: Uint8Array): void {
    const unblocked = this.decoder.handleEncoderStreamData(data);
    this.flushDecoder();
    for (const section of unblocked) this.onUnblocked(section);
  }

  /** RFC 9204 §2.2.1: a blocked field section was decoded; its stream carries on. */
  private onUnblocked(result: UnblockedFieldSection): void {
    const stream = this.messages.get(result.streamId);
    const inbound = stream?.inbound;
    const section = inbound?.blocked;
    if (stream === undefined || inbound === undefined || section === undefined) return;
    inbound.blocked = undefined;
    this.streamStep(stream, () => this.onSection(stream, inbound, section, result));
    if (!inbound.done) this.markReadable(stream.id);
  }

  // ---- the control stream (RFC 9114 §6.2.1, §7.2) ----

  private onControlFrame(frame: BufferedFrame): void {
    switch (frame.type) {
      case "settings":
        return this.onSettings(frame.settings);
      case "goaway":
        return this.onGoaway(frame.id);
      case "max_push_id":
        // RFC 9114 §7.2.7: only clients send MAX_PUSH_ID.
        if (this.role === "client") throw new H3Error(H3_FRAME_UNEXPECTED, "MAX_PUSH_ID from a server");
        return this.serverPushes.onMaxPushId(frame.pushId);
      case "cancel_push":
        return this.onCancelPush(frame.pushId);
      case "priority_update":
        // RFC 9218 §7.2: only clients send PRIORITY_UPDATE.
        if (this.role === "client") throw new H3Error(H3_FRAME_UNEXPECTED, "PRIORITY_UPDATE from a server");
        return this.onPriorityUpdate(frame);
      default:
        // The parser lets no other frame onto a control stream (RFC 9114 Table 1).
        throw new H3Error(H3_FRAME_UNEXPECTED, `${frame.type} frame on the control stream`);
    }
  }

  private onSettings(settings: Settings): void {
    this.peer = settings;
    this.encoder.applyPeerSettings({ maxTableCapacity: settings.qpackMaxTableCapacity, blockedStreams: settings.qpackBlockedStreams });
    this.events.push({ type: "settings", settings });
  }

  private onGoaway(id: number): void {
    this.goawayIds.receive(id);
    this.events.push({ type: "goaway", id });
    if (this.role === "server") {
      // RFC 9114 §5.2: pushes at or above the client's ID will not be accepted.
      for (const [pushId] of [...this.serverPushes.atOrAbove(id)]) {
        this.writeControl({ type: "cancel_push", pushId });
        this.endPush(pushId);
      }
      return;
    }
    // RFC 9114 §5.2: requests at or above the ID were not processed: they may be retried.
    for (const stream of this.messages.values()) {
      if (stream.pushId !== undefined || stream.id < id || stream.inbound?.done !== false) continue;
      this.cancel(stream, H3_REQUEST_CANCELLED);
      this.events.push({ type: "request_rejected", streamId: stream.id });
    }
  }

  private onCancelPush(pushId: number): void {
    if (this.role === "client") {
      this.clientPushes.check(pushId, "CANCEL_PUSH");
    } else if (this.serverPushes.referenced(pushId) !== undefined) {
      this.endPush(pushId);
    }
    this.events.push({ type: "push_cancelled", pushId });
  }

  /** RFC 9218 §7.2: a client's PRIORITY_UPDATE. */
  private onPriorityUpdate(frame: PriorityUpdateFrame): void {
    const priority = parsePriority(frame.priority);
    if (frame.element === "push") {
      const streamId = this.serverPushes.referenced(frame.elementId)?.streamId;
      if (streamId !== undefined) this.applyPriority(streamId, priority);
      return;
    }
    const id = frame.elementId;
    if (id % 4 !== 0) throw new H3Error(H3_ID_ERROR, `PRIORITY_UPDATE for stream ${id}, not a request stream`);
    const stream = this.messages.get(id);
    if (stream?.inbound?.message.started === true) this.applyPriority(id, priority);
    // Not yet seen, or not yet started: kept for when the request arrives. Closed: ignored.
    else if (stream !== undefined || id > this.highestOpened) this.pendingPriority.set(id, priority);
  }

  private applyPriority(streamId: number, priority: Priority): void {
    unlessGone(() => this.transport.setStreamPriority(streamId, priority));
  }

  // ---- writing ----

  private localUniStream(header: Uint8Array): SendQueue {
    const queue = new SendQueue(this.transport, undefined);
    queue.write(header);
    return queue;
  }

  /** RFC 9114 §6.2: the control stream first, then the QPACK streams, then any reserved one. */
  private openCriticalStreams(): void {
    for (const queue of [this.control, this.encoderStream, this.decoderStream]) {
      if (queue.id !== undefined) continue;
      const id = this.transport.openStream(false);
      if (id === undefined) return;
      queue.open(id);
    }
    if (!this.greaseStreamOwed) return;
    const id = this.transport.openStream(false);
    if (id === undefined) return;
    this.greaseStreamOwed = false;
    this.transport.streamWrite(id, greaseStream(this.options.random), true);
  }

  private writeControl(frame: Frame): void {
    this.control.write(encodeFrame(frame));
  }

  private writeHeaders(stream: MessageStream, fields: readonly Field[]): void {
    const fieldSection = this.encoder.encodeFieldSection(stream.id, fields);
    this.flushEncoder();
    const { queue, message } = stream.outbound!;
    queue.write(encodeFrame({ type: "headers", fieldSection }));
    // RFC 9114 §7.2.8: a reserved frame now and then (not in CONNECT tunnels, §4.4).
    if (this.options.grease && !message.tunnel && oneIn(this.options.random, 8)) queue.write(greaseFrame(this.options.random));
  }

  private flushEncoder(): void {
    this.encoderStream.write(this.encoder.takeEncoderStreamData());
  }

  private flushDecoder(): void {
    this.decoderStream.write(this.decoder.takeDecoderStreamData());
  }

  private endOutbound(outbound: Outbound): void {
    outbound.message.end();
    outbound.queue.finish();
  }

  // ---- stream records ----

  private addStream(id: number, setup: StreamSetup): MessageStream {
    const stream: MessageStream = {
      id,
      pushId: setup.pushId,
      requestMethod: setup.requestMethod,
      extendedConnect: setup.extendedConnect ?? false,
      capsuleProtocol: setup.capsuleProtocol ?? false,
      transportClosed: false,
      inbound:
        setup.expect === undefined
          ? undefined
          : {
              parser: this.frameParser(setup.frames),
              message: new InboundMessage(setup.expect),
              blocked: undefined,
              paused: false,
              finRead: false,
              capsules: undefined,
              done: false,
            },
      outbound: setup.sends ? { queue: new SendQueue(this.transport, id), message: new OutboundMessage(id), wantsWritable: false, stopped: false, heldStopSending: undefined } : undefined,
    };
    this.messages.set(id, stream);
    return stream;
  }

  /**
   * A frame parser for one stream. HEADERS, PUSH_PROMISE and control frames are accepted
   * up to twice SETTINGS_MAX_FIELD_SECTION_SIZE, room for any section within the limit.
   */
  private frameParser(stream: FrameStream): FrameParser {
    return new FrameParser({ stream, maxFramePayload: Math.max(16384, 2 * this.options.maxFieldSectionSize) });
  }

  /** RFC 9114 §4.1.1: cancels a stream — resets the sending part and aborts reading, with `errorCode`. */
  private cancel(stream: MessageStream, errorCode: number): void {
    this.resetOutbound(stream, errorCode);
    const inbound = stream.inbound;
    if (inbound === undefined || inbound.done) return;
    this.endInbound(stream, inbound);
    // RFC 9204 §2.2.2.2: the stream's field sections will not all be processed.
    this.decoder.streamCancelled(stream.id);
    this.flushDecoder();
    unlessGone(() => this.transport.streamStopSending(stream.id, errorCode));
  }

  private resetOutbound(stream: MessageStream, errorCode: number): void {
    const outbound = stream.outbound;
    if (outbound === undefined || outbound.stopped || (outbound.message.phase === "ended" && outbound.queue.drained)) return;
    outbound.stopped = true;
    outbound.queue.discard();
    unlessGone(() => this.transport.streamReset(stream.id, errorCode));
  }

  /** RFC 9114 §8: a stream error — the stream is cancelled with its code, and the application told. */
  private abort(stream: MessageStream, error: H3StreamError): void {
    this.cancel(stream, error.errorCode);
    this.events.push({ type: "stream_error", streamId: stream.id, errorCode: error.errorCode, reason: error.message });
  }

  /** Runs `step` on one stream; a stream error there aborts that stream only. */
  private streamStep(stream: MessageStream, step: () => void): void {
    try {
      step();
    } catch (e) {
      if (!(e instanceof H3StreamError)) throw e;
      this.abort(stream, e);
    }
  }

  /** A server push is over: its stream, if open, is reset (RFC 9114 §7.2.3). */
  private endPush(pushId: number): void {
    const streamId = this.serverPushes.get(pushId)?.streamId;
    const stream = streamId === undefined ? undefined : this.messages.get(streamId);
    if (stream !== undefined) this.cancel(stream, H3_REQUEST_CANCELLED);
    this.serverPushes.forget(pushId);
  }

  // ---- errors ----

  /**
   * Runs `step` on peer input. An {@link H3Error} closes the connection with its code
   * (RFC 9114 §8); anything else is a fault here, closed as H3_INTERNAL_ERROR.
   */
  private guard<T>(step: () => T): T | undefined {
    try {
      const result = step();
      // RFC 9204 §7.3: a peer that leaves the decoder stream unread stalls this side.
      if (this.decoderStream.length > DECODER_STREAM_BACKLOG_LIMIT) {
        throw new H3Error(H3_EXCESSIVE_LOAD, `the decoder stream holds ${this.decoderStream.length} unsent octets`);
      }
      return result;
    } catch (e) {
      const error = e instanceof H3Error ? e : new H3Error(H3_INTERNAL_ERROR, `internal error: ${e instanceof Error ? e.message : String(e)}`);
      this.fail(error);
      return undefined;
    }
  }

  private fail(error: H3Error): void {
    if (this.state !== "open") return;
    this.close(error.errorCode, error.message);
    this.events.push({ type: "connection_error", errorCode: error.errorCode, reason: error.message });
  }

  private checkOpen(): void {
    if (this.state !== "open") throw new ZquicError("CONNECTION_CLOSED", "the HTTP/3 connection is closed or closing; open a new one");
  }

  private requireRole(role: Role, method: string): void {
    if (this.role !== role) throw new ZquicError("WRONG_ROLE", `${method} is for the ${role} side of a connection`);
  }

  private knownStream(streamId: number): MessageStream {
    const stream = this.messages.get(streamId);
    if (stream === undefined) throw new ZquicError("STREAM_UNKNOWN", `stream ${streamId} is not an open request or push stream of this connection`);
    return stream;
  }

  private sendingStream(streamId: number): MessageStream {
    const stream = this.knownStream(streamId);
    if (stream.outbound === undefined) throw new ZquicError("STREAM_DIRECTION", `this side does not send on stream ${streamId}`);
    if (stream.outbound.stopped) throw new ZquicError("STREAM_STOPPED", `stream ${streamId} was reset, or the peer stopped reading it: stop sending on it`);
    return stream;
  }

  /** RFC 9114 §4.2.2: a section above the peer's SETTINGS_MAX_FIELD_SECTION_SIZE would likely be refused. */
  private checkPeerLimit(fields: readonly Field[]): void {
    const limit = this.peer?.maxFieldSectionSize ?? Infinity;
    const size = fieldSectionSize(fields);
    if (size > limit) throw new ZquicError("FIELD_SECTION_TOO_LARGE", `field section of ${size} octets exceeds the peer's SETTINGS_MAX_FIELD_SECTION_SIZE of ${limit}`);
  }
}

function first<T>(set: ReadonlySet<T>): T | undefined {
  for (const item of set) return item;
  return undefined;
}

function uniStreamHeader(header: UniStreamHeader): Uint8Array {
  const w = new Writer(16);
  writeUniStreamHeader(w, header);
  return w.toBytes();
}

/** Runs a check of a field section to send; a malformed one is the caller's mistake, a `ZquicError`. */
function outgoing<T>(what: string, check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (!(e instanceof H3StreamError)) throw e;
    const problem = e.message.replace(/^malformed message: /, "");
    throw new ZquicError("MALFORMED_MESSAGE", `this ${what} would be malformed: ${problem} (RFC 9114 §4.1.2); fix its fields`);
  }
}
