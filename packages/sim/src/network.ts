/**
 * A deterministic network: nodes at socket addresses, one-way links between
 * hosts, a virtual clock, and an event loop that drives sans-I/O endpoints.
 *
 * @module
 */
import { ZquicError } from "@zquic/wire";
import { EcnCodepoint, type Ecn } from "./ecn.js";
import { addressKey, type SocketAddress } from "@zquic/wire";
import type { SimEndpoint } from "./endpoint.js";
import { EventQueue } from "./event-queue.js";
import { Link, resolveLinkConfig, type Delivery, type LinkConfig } from "./link.js";
import { SeededRandom } from "./random.js";
import { countDatagram, newTrafficStats, type TrafficCounters, type TrafficStats } from "./stats.js";
import { DROP_REASONS, type DropReason, type TraceEvent } from "./trace.js";

/** How to build a {@link Network}. */
export interface NetworkOptions {
  /** Seeds every link's randomness (and {@link Network.random}); the same seed replays the same run. */
  readonly seed: number;
  /** The link used between any two hosts without one of their own. Default: an ideal link. */
  readonly link?: LinkConfig;
  /** Called for every datagram sent, dropped and delivered. */
  readonly trace?: (event: TraceEvent) => void;
}

/** An endpoint placed in the network, with the addresses it owns. */
export interface SimNode<E extends SimEndpoint = SimEndpoint> {
  readonly endpoint: E;
  /** The socket addresses this node receives on; the first is where it sends from by default. */
  readonly addresses: readonly SocketAddress[];
  /** Datagrams this node sent, was delivered, and sent that were dropped (by reason). */
  readonly stats: TrafficStats<DropReason>;
}

/** When {@link Network.runUntil} stops. `deadline` is an absolute virtual time, ms. */
export interface RunOptions {
  readonly deadline: number;
  /** Stop as soon as this returns true; checked before the first event and after each one. */
  readonly until?: () => boolean;
  /** Stop after this many events (deliveries, timeouts, actions). Default 1 000 000. */
  readonly maxEvents?: number;
}

/** Why {@link Network.runUntil} stopped, when, and after how many events. */
export interface RunOutcome {
  readonly reason: "until" | "quiescent" | "deadline" | "max-events";
  readonly now: number;
  readonly events: number;
}

/** The most datagrams one drain of an endpoint may yield before it counts as a runaway. */
const MAX_TRANSMITS_PER_DRAIN = 100_000;

const DEFAULT_MAX_EVENTS = 1_000_000;

interface Node<E extends SimEndpoint = SimEndpoint> extends SimNode<E> {
  readonly addresses: SocketAddress[];
  readonly stats: TrafficCounters<DropReason>;
}

/**
 * A simulated network on a virtual clock. Put endpoints on it with
 * {@link Network.addNode}, shape the links between hosts with
 * {@link Network.link}, then {@link Network.runUntil} a condition or a
 * deadline. After every event the network polls every endpoint's
 * `pollTransmit` until `null`, and it fires `handleTimeout` when a
 * `pollTimeout` deadline comes up. Events at the same time run in the order
 * they were scheduled; deliveries and actions before timeouts, and
 * timeouts in the order nodes were added. Everything random comes from the
 * seed, so a run is reproducible.
 *
 * ```ts
 * const net = new Network({ seed, link: { latency: 10, loss: 0.2 } });
 * const client = net.addNode(clientEndpoint, { address: "10.0.0.1", port: 5000 });
 * net.addNode(serverEndpoint, { address: "10.0.0.2", port: 443 });
 * const outcome = net.runUntil({ until: () => done, deadline: 60_000 });
 * ```
 */
export class Network {
  /** The network's random generator; fork it to seed endpoints: `net.random.fork("client").bytes`. */
  readonly random: SeededRandom;
  private clock = 0;
  private readonly events = new EventQueue<() => void>();
  private readonly nodes: Node[] = [];
  /** Which node owns each socket address. */
  private readonly owners = new Map<string, Node>();
  /** NAT: a node's address → the address its datagrams appear to come from. */
  private readonly natOut = new Map<string, SocketAddress>();
  /** NAT: an apparent address → the node's address behind it. */
  private readonly natIn = new Map<string, SocketAddress>();
  /** One-way links keyed by `from host` + `to host`. */
  private readonly links = new Map<string, Link>();
  private readonly defaultLink: LinkConfig;
  private readonly trace: ((event: TraceEvent) => void) | undefined;

  /** An empty network at time 0. Throws `SIM_BAD_LINK_CONFIG` for a bad default link, `SIM_BAD_SEED` for a bad seed. */
  constructor(options: NetworkOptions) {
    this.random = new SeededRandom(options.seed);
    this.defaultLink = options.link ?? {};
    this.trace = options.trace;
    resolveLinkConfig(this.defaultLink); // fail here, not at the first datagram
  }

  /** The virtual time, ms. */
  get now(): number {
    return this.clock;
  }

  /** Places `endpoint` in the network, receiving on `addresses` (at least one). Throws `SIM_ADDRESS_IN_USE` if a node has one of them. */
  addNode<E extends SimEndpoint>(endpoint: E, ...addresses: [SocketAddress, ...SocketAddress[]]): SimNode<E> {
    const keys = addresses.map(addressKey);
    keys.forEach((key, i) => this.checkFree(key, keys.indexOf(key) !== i));
    const node: Node<E> = { endpoint, addresses: [...addresses], stats: newTrafficStats(DROP_REASONS) };
    this.nodes.push(node);
    for (const key of keys) this.owners.set(key, node);
    return node;
  }

  /** Gives `node` another address to receive (and send) on. Throws `SIM_ADDRESS_IN_USE` if a node has it. */
  attach(node: SimNode, address: SocketAddress): void {
    const key = addressKey(address);
    const owner = this.nodeOf(node);
    this.checkFree(key);
    owner.addresses.push(address);
    this.owners.set(key, owner);
  }

  /** Takes `address` away from its node (and drops its NAT mapping); datagrams to it become unreachable. */
  detach(address: SocketAddress): void {
    const key = addressKey(address);
    const owner = this.ownerOf(address);
    owner.addresses.splice(owner.addresses.findIndex((a) => addressKey(a) === key), 1);
    this.owners.delete(key);
    const apparent = this.natOut.get(key);
    if (apparent !== undefined) this.natIn.delete(addressKey(apparent));
    this.natOut.delete(key);
  }

  /**
   * Moves the node at `from` to `to`, as when a host joins another network.
   * The endpoint must start sending from `to` itself (e.g. by migrating);
   * datagrams to or from `from` are dropped from now on.
   */
  move(from: SocketAddress, to: SocketAddress): void {
    const owner = this.ownerOf(from);
    this.detach(from);
    this.attach(owner, to);
  }

  /**
   * NAT rebinding: from now on datagrams from `local` appear to come from
   * `apparent`, and datagrams to `apparent` reach `local`; the previous
   * apparent address stops working. The endpoint at `local` notices nothing;
   * its peer sees a new remote address. Rebinding to `local` itself undoes it.
   * To rebind at a given time, schedule it: `net.at(t, () => net.rebind(a, b))`.
   */
  rebind(local: SocketAddress, apparent: SocketAddress): void {
    const localKey = addressKey(local);
    const apparentKey = addressKey(apparent);
    this.ownerOf(local);
    const taken = this.natIn.get(apparentKey);
    if ((taken !== undefined && addressKey(taken) !== localKey) || (apparentKey !== localKey && this.owners.has(apparentKey))) {
      throw new ZquicError("SIM_ADDRESS_IN_USE", `${apparentKey} is already in use: rebind to a fresh address or port`);
    }
    const previous = this.natOut.get(localKey);
    if (previous !== undefined) this.natIn.delete(addressKey(previous));
    this.natOut.set(localKey, apparent);
    this.natIn.set(apparentKey, local);
  }

  /**
   * Shapes the links between hosts `a` and `b` (IP literals): `config` from
   * `a` to `b`, `reverse` (default the same) from `b` to `a`. Each direction
   * is its own {@link Link} with its own queue and random stream. A link that
   * exists is reconfigured in place, keeping its queue and counters.
   */
  link(a: string, b: string, config: LinkConfig, reverse: LinkConfig = config): void {
    for (const [from, to, settings] of [[a, b, config], [b, a, reverse]] as const) {
      const existing = this.links.get(linkKey(from, to));
      if (existing === undefined) this.links.set(linkKey(from, to), new Link(settings, this.linkRandom(from, to)));
      else existing.configure(settings);
    }
  }

  /** The one-way link from host `from` to host `to` (created with the default config if new), e.g. to read its stats. */
  linkBetween(from: string, to: string): Link {
    const key = linkKey(from, to);
    let link = this.links.get(key);
    if (link === undefined) {
      link = new Link(this.defaultLink, this.linkRandom(from, to));
      this.links.set(key, link);
    }
    return link;
  }

  /** Runs `action` at virtual time `time` (≥ now), then polls every endpoint. */
  at(time: number, action: () => void): void {
    if (!(time >= this.clock) || !Number.isFinite(time)) {
      throw new ZquicError("SIM_BAD_TIME", `cannot schedule at ${time}: pick a finite time ≥ now (${this.clock})`);
    }
    this.events.push(time, action);
  }

  /** Runs the next event (a delivery, an action or a timeout), advancing the clock to it. False when nothing is left to do. */
  step(): boolean {
    this.pollAll();
    const next = this.nextEvent();
    if (next === undefined) return false;
    this.runEvent(next);
    return true;
  }

  /**
   * Runs events until `until()` holds, nothing is left to do (the clock
   * stays at the last event, so `now` tells when things settled), the next
   * event lies beyond `deadline` (the clock then stops at the deadline), or
   * `maxEvents` have run. Always returns.
   */
  runUntil(options: RunOptions): RunOutcome {
    const { deadline, until, maxEvents = DEFAULT_MAX_EVENTS } = options;
    let events = 0;
    const outcome = (reason: RunOutcome["reason"]): RunOutcome => ({ reason, now: this.clock, events });
    this.pollAll();
    for (;;) {
      if (until?.() === true) return outcome("until");
      const next = this.nextEvent();
      if (next === undefined) return outcome("quiescent");
      if (next.time > deadline) {
        this.clock = Math.max(this.clock, deadline);
        return outcome("deadline");
      }
      if (events >= maxEvents) return outcome("max-events");
      this.runEvent(next);
      events++;
    }
  }

  /** The earliest event: the queue's head, or a node's timeout if strictly earlier. */
  private nextEvent(): { readonly time: number; readonly run: () => void } | undefined {
    let time = this.events.peekTime() ?? Infinity;
    let run: (() => void) | undefined = time === Infinity ? undefined : () => this.events.pop()!.item();
    for (const node of this.nodes) {
      const timeout = node.endpoint.pollTimeout();
      if (timeout !== undefined && timeout < time) {
        time = timeout;
        run = () => node.endpoint.handleTimeout(this.clock);
      }
    }
    return run === undefined ? undefined : { time, run };
  }

  private runEvent(event: { readonly time: number; readonly run: () => void }): void {
    this.clock = Math.max(this.clock, event.time);
    event.run();
    this.pollAll();
  }

  /** Sends whatever every endpoint has to send now. */
  private pollAll(): void {
    for (const node of this.nodes) {
      for (let sent = 0; ; sent++) {
        if (sent === MAX_TRANSMITS_PER_DRAIN) {
          throw new ZquicError("SIM_RUNAWAY_ENDPOINT", `an endpoint returned ${sent} datagrams from one pollTransmit loop: it must return null when it has nothing to send`);
        }
        const transmit = node.endpoint.pollTransmit(this.clock);
        if (transmit === null) break;
        this.send(node, transmit.path.local ?? node.addresses[0], transmit.path.remote, transmit.data, transmit.ecn ?? EcnCodepoint.NotEct);
      }
    }
  }

  private send(node: Node, local: SocketAddress | undefined, to: SocketAddress, data: Uint8Array, ecn: Ecn): void {
    countDatagram(node.stats.sent, data.length);
    if (local === undefined || this.owners.get(addressKey(local)) !== node) {
      this.drop(node, "unbound", { time: this.clock, from: local ?? { address: "0.0.0.0", port: 0 }, to, data, ecn });
      return;
    }
    const from = this.natOut.get(addressKey(local)) ?? local;
    const fields = { time: this.clock, from, to, data, ecn };
    this.trace?.({ type: "send", ...fields });
    const receiver = this.behindNat(to);
    if (receiver === undefined) {
      this.drop(node, "unreachable", fields);
      return;
    }
    const verdict = this.linkBetween(local.address, receiver.address).send(this.clock, data, ecn);
    if (verdict.kind === "dropped") {
      this.drop(node, verdict.reason, fields);
      return;
    }
    for (const copy of verdict.copies) this.events.push(copy.at, () => this.deliver(node, from, to, receiver, copy));
  }

  private deliver(sender: Node, from: SocketAddress, to: SocketAddress, receiver: SocketAddress, copy: Delivery): void {
    const fields = { time: this.clock, from, to, data: copy.data, ecn: copy.ecn };
    const node = this.owners.get(addressKey(receiver));
    if (node === undefined) {
      this.drop(sender, "unreachable", fields);
      return;
    }
    countDatagram(node.stats.delivered, copy.data.length);
    this.trace?.({ type: "deliver", ...fields });
    node.endpoint.handleDatagram(this.clock, copy.data, { local: receiver, remote: from }, copy.ecn);
  }

  private drop(sender: Node, reason: DropReason, fields: Omit<TraceEvent, "type">): void {
    countDatagram(sender.stats.dropped[reason], fields.data.length);
    this.trace?.({ type: "drop", reason, ...fields });
  }

  /** The node address a datagram to `to` reaches: through NAT, or itself unless hidden behind NAT. */
  private behindNat(to: SocketAddress): SocketAddress | undefined {
    const key = addressKey(to);
    return this.natIn.get(key) ?? (this.natOut.has(key) ? undefined : to);
  }

  private linkRandom(from: string, to: string): SeededRandom {
    return this.random.fork(`link ${from} -> ${to}`);
  }

  private checkFree(key: string, repeated = false): void {
    if (repeated || this.owners.has(key)) {
      throw new ZquicError("SIM_ADDRESS_IN_USE", `${key} already belongs to a node: detach it first or pick another address`);
    }
  }

  private ownerOf(address: SocketAddress): Node {
    const owner = this.owners.get(addressKey(address));
    if (owner === undefined) {
      throw new ZquicError("SIM_UNKNOWN_ADDRESS", `no node has ${addressKey(address)}: add it with addNode or attach first`);
    }
    return owner;
  }

  private nodeOf(node: SimNode): Node {
    const known = this.nodes.find((n) => n === node);
    if (known === undefined) throw new ZquicError("SIM_UNKNOWN_NODE", "that node belongs to another network: use the one addNode returned here");
    return known;
  }
}

function linkKey(from: string, to: string): string {
  return `${from} ${to}`;
}
