/**
 * An HTTP/3 client and server on the simulated network: each side's QUIC events are fed to
 * its `H3Connection`, and its HTTP events recorded and handed to the test's handler.
 */
import { H3Connection, type H3ConnectionOptions, type H3Event, type H3Transport } from "@zquic/h3";
import type { Connection, ConnectionEvent, TransportConfig } from "@zquic/quic";
import { SeededRandom, type LinkConfig, type RunOutcome } from "@zquic/sim";
import { connectedPair, type Pair } from "@zquic/testkit";

/** One endpoint: its HTTP/3 connection, its transport, and every HTTP event so far. */
export interface H3Side {
  readonly h3: H3Connection;
  readonly transport: Connection;
  readonly events: H3Event[];
  /** Every QUIC event, as fed to the HTTP/3 connection. */
  readonly transportEvents: ConnectionEvent[];
}

/** What a side does on each HTTP event (after it is recorded). */
export type Handler = (event: H3Event, h3: H3Connection) => void;

export interface H3PairOptions {
  readonly seed: number;
  readonly link?: LinkConfig;
  readonly transport?: Partial<TransportConfig>;
  readonly client?: Partial<H3ConnectionOptions>;
  readonly server?: Partial<H3ConnectionOptions>;
  /** Wraps a side's transport, to watch or delay what it is asked to do. */
  readonly wrapClient?: (connection: Connection) => H3Transport;
  readonly wrapServer?: (connection: Connection) => H3Transport;
  readonly onClient?: Handler;
  readonly onServer?: Handler;
}

export interface H3Pair {
  readonly quic: Pair;
  readonly client: H3Side;
  /** The server side, once the server accepted the connection. */
  server(): H3Side;
  /** Whether the server accepted the connection yet. */
  hasServer(): boolean;
  /** Runs the network until `until()` holds (checked after every event) or `deadline` (virtual ms). */
  run(until: () => boolean, deadline?: number): RunOutcome;
  /** Events of `type` a side recorded. */
  eventsOf<T extends H3Event["type"]>(side: H3Side, type: T): Extract<H3Event, { type: T }>[];
}

export function h3Pair(options: H3PairOptions): H3Pair {
  const quic = connectedPair({ seed: options.seed, alpn: ["h3"], ...(options.link ? { link: options.link } : {}), ...(options.transport ? { transport: options.transport } : {}) });
  const random = new SeededRandom(options.seed);
  const side = (transport: Connection, wrap: ((c: Connection) => H3Transport) | undefined, h3Options: Partial<H3ConnectionOptions> | undefined, label: string): H3Side => ({
    h3: new H3Connection(wrap ? wrap(transport) : transport, { random: random.fork(label).bytes, ...h3Options }),
    transport,
    events: [],
    transportEvents: [],
  });
  const client = side(quic.connection, options.wrapClient, options.client, "client");
  let server: H3Side | undefined;
  let flushedAt = -1;
  const pump = (): void => {
    for (let e = quic.server.pollEvent(); e !== null; e = quic.server.pollEvent()) {
      if (e.type === "connection" && server === undefined) server = side(e.connection, options.wrapServer, options.server, "server");
    }
    const sides: [H3Side, Handler | undefined][] = [[client, options.onClient]];
    if (server !== undefined) sides.push([server, options.onServer]);
    for (const [s, handler] of sides) {
      for (let e = s.transport.pollEvent(); e !== null; e = s.transport.pollEvent()) {
        s.transportEvents.push(e);
        s.h3.handleEvent(e);
      }
      for (let e = s.h3.pollEvent(); e !== null; e = s.h3.pollEvent()) {
        s.events.push(e);
        handler?.(e, s.h3);
      }
    }
    // What the handlers wrote goes out at once: an event now makes the network poll the endpoints.
    if (flushedAt !== quic.net.now) {
      flushedAt = quic.net.now;
      quic.net.at(quic.net.now, () => {});
    }
  };
  return {
    quic,
    client,
    server: () => {
      if (server === undefined) throw new Error("the server has not accepted the connection yet");
      return server;
    },
    hasServer: () => server !== undefined,
    run: (until, deadline = 30_000) =>
      quic.net.runUntil({
        until: () => {
          pump();
          return until();
        },
        deadline: quic.net.now + deadline,
      }),
    eventsOf: (s, type) => s.events.filter((e): e is Extract<H3Event, { type: typeof type }> => e.type === type),
  };
}

/** Byte-string field lines from a plain object, pseudo-headers first as written. */
export function fields(record: Record<string, string>): [string, string][] {
  return Object.entries(record);
}

/** A GET request for `path` on `localhost`. */
export function get(path: string, extra: Record<string, string> = {}): [string, string][] {
  return fields({ ":method": "GET", ":scheme": "https", ":authority": "localhost", ":path": path, ...extra });
}

/** The value of field `name` in a section. */
export function header(section: readonly (readonly [string, string, boolean?])[], name: string): string | undefined {
  return section.find(([n]) => n === name)?.[1];
}

/**
 * Sends bodies as backpressure allows: `start` offers a body, `onEvent` continues on each
 * `writable` event; the stream ends after the body (with trailers when given).
 */
export class BodySender {
  private readonly pending = new Map<number, { body: Uint8Array; at: number; trailers: [string, string][] | undefined }>();

  start(h3: H3Connection, streamId: number, body: Uint8Array, trailers?: [string, string][]): void {
    this.pending.set(streamId, { body, at: 0, trailers });
    this.continue(h3, streamId);
  }

  onEvent(event: H3Event, h3: H3Connection): void {
    if (event.type === "writable") this.continue(h3, event.streamId);
  }

  /** Streams whose body is not all taken yet. */
  get unfinished(): number {
    return this.pending.size;
  }

  private continue(h3: H3Connection, streamId: number): void {
    const state = this.pending.get(streamId);
    if (state === undefined) return;
    const { body, trailers } = state;
    while (state.at < body.length) {
      const piece = body.subarray(state.at, state.at + 32768);
      const last = state.at + piece.length === body.length;
      const taken = h3.sendData(streamId, piece, { endStream: last && trailers === undefined });
      state.at += taken;
      if (taken < piece.length) return;
    }
    if (trailers !== undefined) h3.sendTrailers(streamId, trailers);
    else if (body.length === 0) h3.sendData(streamId, body, { endStream: true });
    this.pending.delete(streamId);
  }
}

/** The content of each stream, gathered from `data` events. */
export function bodies(events: readonly H3Event[]): Map<number, Uint8Array[]> {
  const out = new Map<number, Uint8Array[]>();
  for (const e of events) {
    if (e.type !== "data") continue;
    const list = out.get(e.streamId) ?? [];
    list.push(e.data);
    out.set(e.streamId, list);
  }
  return out;
}

/**
 * A transport wrapper that records what the HTTP/3 layer writes on each stream and the
 * priorities it sets, and can hold back unidirectional streams' writes (by stream type)
 * until {@link Tap.release}.
 */
export class Tap {
  /** Octets written per stream, in order. */
  readonly written = new Map<number, Uint8Array[]>();
  /** `setStreamPriority` calls, in order. */
  readonly priorities: { streamId: number; urgency: number; incremental: boolean }[] = [];
  private readonly held: { id: number; data: Uint8Array; fin: boolean }[] = [];
  private readonly heldTypes = new Set<number>();
  private connection: Connection | undefined;

  /** Holds writes on the unidirectional streams whose first octet is one of `streamTypes`. */
  hold(...streamTypes: number[]): this {
    for (const type of streamTypes) this.heldTypes.add(type);
    return this;
  }

  /** Wraps `connection` (pass as `wrapClient`/`wrapServer`). */
  readonly wrap = (connection: Connection): H3Transport => {
    this.connection = connection;
    return new Proxy(connection, {
      get: (target, prop) => {
        if (prop === "streamWrite") return (id: number, data: Uint8Array, fin?: boolean) => this.write(target, id, data, fin ?? false);
        if (prop === "setStreamPriority") {
          return (id: number, p: { urgency: number; incremental: boolean }) => {
            this.priorities.push({ streamId: id, ...p });
            target.setStreamPriority(id, p);
          };
        }
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  };

  /** The unidirectional stream whose first written octet is `streamType`. */
  streamOfType(streamType: number): number | undefined {
    for (const [id, chunks] of this.written) if (id % 4 >= 2 && chunks[0]?.[0] === streamType) return id;
    return undefined;
  }

  /** Octets written (or held) on the stream of `streamType`. */
  bytesOfType(streamType: number): number {
    const id = this.streamOfType(streamType);
    return id === undefined ? 0 : (this.written.get(id) ?? []).reduce((n, c) => n + c.length, 0);
  }

  /** Lets the held writes through, in order. */
  release(): void {
    this.heldTypes.clear();
    for (const { id, data, fin } of this.held.splice(0)) {
      const taken = this.connection!.streamWrite(id, data, fin);
      if (taken !== data.length) throw new Error("released write not taken whole");
    }
  }

  private write(target: Connection, id: number, data: Uint8Array, fin: boolean): number {
    const chunks = this.written.get(id) ?? [];
    this.written.set(id, chunks);
    const holding = id % 4 >= 2 && (this.held.some((h) => h.id === id) || (chunks.length === 0 && this.heldTypes.has(data[0]!)));
    if (holding) this.held.push({ id, data: data.slice(), fin });
    const taken = holding ? data.length : target.streamWrite(id, data, fin);
    if (taken > 0) chunks.push(data.slice(0, taken));
    return taken;
  }
}
