/**
 * The client side of DNS over QUIC (RFC 9250 §4), sans-I/O.
 *
 * @module
 */
import type { CloseReason, Connection, ConnectionEvent } from "@zquic/quic";
import { ZquicError } from "@zquic/wire";
import { type DnsMessage, QUERY_BLOCK_LENGTH, encodeMessage, padToBlock } from "../dns/index.js";
import { DOQ_ALPN } from "./connection-establishment.js";
import { DOQ_NO_ERROR, DOQ_PROTOCOL_ERROR, DOQ_REQUEST_CANCELLED } from "./error-codes.js";
import { MessageAssembler, frameMessage } from "./message-framing.js";
import { checkReceivedMessage, hasTcpKeepalive } from "./protocol-errors.js";
import { acceptsStreamCalls, resetStream, stopSending, writeStream } from "./stream-calls.js";
import { readStreamMessage } from "./stream-reading.js";
import { isReplayable } from "./zero-rtt.js";

/** How a {@link DoqClientSession} sends queries. */
export interface DoqClientOptions {
  /** RFC 9250 §5.4, RFC 8467 §4.1: pad queries with EDNS(0) Padding to 128-octet blocks (default true). */
  readonly padQueries?: boolean;
}

/** Choices for one query. */
export interface DoqQueryOptions {
  /**
   * Send the query in 0-RTT data when the connection resumes a session that
   * allows it. Only QUERY and NOTIFY ever go early (RFC 9250 §4.5); other
   * queries wait for the handshake.
   */
  readonly earlyData?: boolean;
}

/** A query of a {@link DoqClientSession}: the handle its events refer to. */
export interface DoqQuery {
  /** Unique within the session, counting from 0. */
  readonly id: number;
  /** The query as it goes on the wire: Message ID 0, padded unless padding is off. */
  readonly message: DnsMessage;
}

/** Why a query ended without a response. */
export type DoqQueryFailure =
  /** The server abandoned it with RESET_STREAM (RFC 9250 §4.3.2); {@link interpretDoqError} reads the code. */
  | { readonly kind: "stream_reset"; readonly errorCode: number }
  /** The connection ended first (RFC 9250 §4.4: its transactions are abandoned). */
  | { readonly kind: "connection_closed"; readonly reason: CloseReason };

/** What a {@link DoqClientSession} tells its application, drained with `pollEvent()`. */
export type DoqClientEvent =
  /** The response to `query`, checked for DoQ's rules; `bytes` is the message as received. */
  | { readonly type: "response"; readonly query: DoqQuery; readonly response: DnsMessage; readonly bytes: Uint8Array }
  | { readonly type: "query_failed"; readonly query: DoqQuery; readonly failure: DoqQueryFailure }
  /** The session ended; every query still open failed before this, the last event. */
  | { readonly type: "closed"; readonly reason: CloseReason };

/** A query's life on its stream. */
interface Transaction {
  readonly query: DoqQuery;
  /** The query behind its length field. */
  readonly framed: Uint8Array;
  readonly earlyData: boolean;
  streamId: number | undefined;
  /** Octets of `framed` the transport has taken. */
  written: number;
  readonly response: MessageAssembler;
}

/**
 * A DoQ client over one QUIC connection (RFC 9250 §4.2): each query on the
 * next client-initiated bidirectional stream, sent with Message ID 0 and a
 * FIN, its one response read as it arrives. Feed it every event of the
 * connection with {@link handleEvent}, then drain {@link pollEvent} and the
 * connection's transmit. A peer that breaks the protocol gets its connection
 * closed with DOQ_PROTOCOL_ERROR; nothing it sends makes the session throw.
 *
 * Idle timeouts and when to open a new connection are the caller's
 * business; {@link inFlight} and {@link usable} tell it what it needs.
 */
export class DoqClientSession {
  private readonly padQueries: boolean;
  private readonly events: DoqClientEvent[] = [];
  /** Every open query, in query order. */
  private readonly transactions = new Map<number, Transaction>();
  /** Queries waiting for a stream, in query order. */
  private readonly waiting: Transaction[] = [];
  private readonly streams = new Map<number, Transaction>();
  private nextQueryId = 0;
  private endReason: CloseReason | undefined;

  constructor(
    readonly connection: Connection,
    options: DoqClientOptions = {},
  ) {
    this.padQueries = options.padQueries ?? true;
  }

  /** Queries sent or waiting that have not ended. */
  get inFlight(): number {
    return this.transactions.size;
  }

  /** True while the session takes new queries. */
  get usable(): boolean {
    return this.endReason === undefined && acceptsStreamCalls(this.connection);
  }

  /**
   * Sends `message` (its ID replaced by 0, RFC 9250 §4.2.1) on a new stream,
   * or queues it until the handshake or the server's stream limit allows.
   * Throws `DOQ_SESSION_CLOSED` when the session is not {@link usable}, and
   * `DOQ_TCP_KEEPALIVE` for a message with edns-tcp-keepalive (RFC 9250 §5.5.2).
   */
  query(message: DnsMessage, options: DoqQueryOptions = {}): DoqQuery {
    if (!this.usable) throw new ZquicError("DOQ_SESSION_CLOSED", "this DoQ session has ended; open a new connection for more queries");
    if (hasTcpKeepalive(message)) throw new ZquicError("DOQ_TCP_KEEPALIVE", "remove the edns-tcp-keepalive option: DoQ forbids it (RFC 9250 §5.5.2)");
    const zeroId: DnsMessage = { ...message, id: 0 };
    const onWire = this.padQueries ? padToBlock(zeroId, QUERY_BLOCK_LENGTH) : zeroId;
    const framed = frameMessage(encodeMessage(onWire));
    const transaction: Transaction = {
      query: { id: this.nextQueryId++, message: onWire },
      framed,
      earlyData: options.earlyData === true && isReplayable(message.opcode),
      streamId: undefined,
      written: 0,
      response: new MessageAssembler(),
    };
    this.transactions.set(transaction.query.id, transaction);
    this.waiting.push(transaction);
    this.openStreams();
    return transaction.query;
  }

  /**
   * RFC 9250 §4.3.1: abandons `query`. A query on a stream gets STOP_SENDING
   * and RESET_STREAM with DOQ_REQUEST_CANCELLED. No event follows for it.
   * False when the query had already ended.
   */
  cancel(query: DoqQuery): boolean {
    const transaction = this.transactions.get(query.id);
    if (transaction === undefined || transaction.query !== query) return false;
    const streamId = transaction.streamId;
    if (streamId === undefined) this.waiting.splice(this.waiting.indexOf(transaction), 1);
    else {
      // The reset first: once both parts are done the transport forgets the stream.
      resetStream(this.connection, streamId, DOQ_REQUEST_CANCELLED);
      stopSending(this.connection, streamId, DOQ_REQUEST_CANCELLED);
    }
    this.release(transaction);
    return true;
  }

  /** RFC 9250 §4.4: closes the connection with DOQ_NO_ERROR; open queries fail. */
  close(reason = ""): void {
    if (!this.usable) return;
    this.connection.close(DOQ_NO_ERROR, reason);
    this.end({ code: DOQ_NO_ERROR, application: true, reason, initiator: "local" });
  }

  /** Reacts to one event of the connection. Never throws for anything the server sent. */
  handleEvent(event: ConnectionEvent): void {
    if (this.endReason !== undefined) return;
    switch (event.type) {
      case "handshake_completed":
        if (event.alpn !== DOQ_ALPN) this.protocolError(`the server chose ALPN ${event.alpn ?? "(none)"}, not "${DOQ_ALPN}"`);
        else this.openStreams();
        return;
      case "streams_available":
        if (event.bidirectional) this.openStreams();
        return;
      case "stream_opened":
        // RFC 9250 §4.3.3: servers open no streams.
        this.protocolError(`the server opened stream ${event.streamId}`);
        return;
      case "stream_readable":
        this.readResponse(event.streamId);
        return;
      case "stream_writable":
        this.withStream(event.streamId, (transaction) => this.writeQuery(transaction));
        return;
      case "stream_reset":
        this.withStream(event.streamId, (transaction) => this.onStreamReset(transaction, event.errorCode));
        return;
      case "stream_stop_sending":
        // RFC 9250 §4.3.3: a client receiving STOP_SENDING is a protocol error.
        this.withStream(event.streamId, () => this.protocolError(`the server sent STOP_SENDING on stream ${event.streamId}`));
        return;
      // RFC 9250 §4.4: from CONNECTION_CLOSE on, the connection carries no transaction.
      case "closing":
      case "closed":
        this.end(event.reason);
        return;
      default:
        return;
    }
  }

  /** The next event, or `null`. */
  pollEvent(): DoqClientEvent | null {
    return this.events.shift() ?? null;
  }

  private withStream(streamId: number, action: (transaction: Transaction) => void): void {
    const transaction = this.streams.get(streamId);
    if (transaction !== undefined) action(transaction);
  }

  /** RFC 9250 §4.2: each waiting query takes the next stream, while streams may be opened. */
  private openStreams(): void {
    for (let next = this.waiting[0]; next !== undefined && this.usable; next = this.waiting[0]) {
      // RFC 9250 §4.5: before the handshake, only queries allowed in 0-RTT.
      if (!this.connection.isEstablished && !next.earlyData) return;
      const streamId = this.connection.openStream(true);
      if (streamId === undefined) return;
      this.waiting.shift();
      next.streamId = streamId;
      this.streams.set(streamId, next);
      this.writeQuery(next);
    }
  }

  /** RFC 9250 §4.2: the query, then the FIN. */
  private writeQuery(transaction: Transaction): void {
    const { framed, streamId } = transaction;
    if (streamId === undefined || transaction.written === framed.length) return;
    transaction.written += writeStream(this.connection, streamId, framed.subarray(transaction.written), true);
  }

  private readResponse(streamId: number): void {
    const transaction = this.streams.get(streamId);
    if (transaction === undefined) return;
    const outcome = readStreamMessage(this.connection, streamId, transaction.response);
    if (outcome.kind === "protocol_error") this.protocolError(outcome.reason);
    else if (outcome.kind === "message") this.onResponse(transaction, outcome.message);
  }

  private onResponse(transaction: Transaction, bytes: Uint8Array): void {
    const check = checkReceivedMessage(bytes);
    const response = check.ok ? check.received.message : undefined;
    if (response === undefined) {
      this.protocolError(`the response to query ${transaction.query.id}${check.ok ? " is no DNS message" : `: ${check.reason}`}`);
      return;
    }
    this.conclude(transaction, { type: "response", query: transaction.query, response, bytes });
  }

  private onStreamReset(transaction: Transaction, errorCode: number): void {
    this.conclude(transaction, { type: "query_failed", query: transaction.query, failure: { kind: "stream_reset", errorCode } });
  }

  /** The query ended with `event`; what the transport has not taken of it is abandoned (RFC 9250 §4.3.1). */
  private conclude(transaction: Transaction, event: DoqClientEvent): void {
    this.release(transaction);
    const { streamId, written, framed } = transaction;
    if (streamId !== undefined && written < framed.length) resetStream(this.connection, streamId, DOQ_REQUEST_CANCELLED);
    this.events.push(event);
  }

  private release(transaction: Transaction): void {
    this.transactions.delete(transaction.query.id);
    if (transaction.streamId !== undefined) this.streams.delete(transaction.streamId);
  }

  /** RFC 9250 §4.3.3: a fatal error; the connection is closed with DOQ_PROTOCOL_ERROR. */
  private protocolError(reason: string): void {
    this.connection.close(DOQ_PROTOCOL_ERROR, reason);
    this.end({ code: DOQ_PROTOCOL_ERROR, application: true, reason, initiator: "local" });
  }

  /** RFC 9250 §4.4: when the connection ends, every transaction on it is abandoned. */
  private end(reason: CloseReason): void {
    if (this.endReason !== undefined) return;
    this.endReason = reason;
    for (const transaction of this.transactions.values()) {
      this.events.push({ type: "query_failed", query: transaction.query, failure: { kind: "connection_closed", reason } });
    }
    this.transactions.clear();
    this.waiting.length = 0;
    this.streams.clear();
    this.events.push({ type: "closed", reason });
  }
}
