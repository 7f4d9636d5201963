import { describe, expect, it } from "vitest";
import { ZquicError } from "@zquic/wire";
import { EcnCodepoint, Network, formatTraceEvent, type SimEndpoint, type TraceEvent, type Transmit } from "@zquic/sim";
import { ScriptedEndpoint, readU32, u32 } from "./helpers/endpoints.js";

const A = { address: "10.0.0.1", port: 5000 };
const B = { address: "10.0.0.2", port: 443 };
const V6 = { address: "2001:db8::1", port: 443 };

function pair(options: ConstructorParameters<typeof Network>[0] = { seed: 1 }) {
  const trace: TraceEvent[] = [];
  const net = new Network({ ...options, trace: (event) => trace.push(event) });
  const a = new ScriptedEndpoint();
  const b = new ScriptedEndpoint();
  return { net, a, b, nodeA: net.addNode(a, A), nodeB: net.addNode(b, B), trace };
}

describe("Network: delivery", () => {
  it("delivers after the link's latency with the receiver's view of the path and the ECN mark", () => {
    const { net, a, b } = pair({ seed: 1, link: { latency: 10 } });
    a.send(new Uint8Array([1, 2, 3]), B, { ecn: EcnCodepoint.Ect0 });
    expect(net.runUntil({ deadline: 1000 })).toEqual({ reason: "quiescent", now: 10, events: 1 });
    expect(b.received).toEqual([{ time: 10, data: new Uint8Array([1, 2, 3]), path: { local: B, remote: A }, ecn: EcnCodepoint.Ect0 }]);
  });

  it("polls every endpoint after each event, so an answer leaves at the time of the input", () => {
    const { net, a, b } = pair({ seed: 1, link: { latency: 7 } });
    b.onDatagram = (received, self) => self.send(received.data, received.path.remote);
    a.send(new Uint8Array([9]), B);
    net.runUntil({ deadline: 1000 });
    expect(b.received.map((r) => r.time)).toEqual([7]);
    expect(a.received.map((r) => [r.time, r.path.remote])).toEqual([[14, B]]);
  });

  it("uses per-direction links, and the default link elsewhere", () => {
    const { net, a, b } = pair({ seed: 1, link: { latency: 100 } });
    net.link(A.address, B.address, { latency: 5 }, { latency: 20 });
    b.onDatagram = (received, self) => self.send(received.data, received.path.remote);
    const c = new ScriptedEndpoint();
    const C = { address: "10.0.0.3", port: 1 };
    net.addNode(c, C);
    a.send(new Uint8Array([1]), B);
    a.send(new Uint8Array([2]), C);
    net.runUntil({ deadline: 1000 });
    expect(b.received.map((r) => r.time)).toEqual([5]);
    expect(a.received.map((r) => r.time)).toEqual([25]);
    expect(c.received.map((r) => r.time)).toEqual([100]);
  });

  it("reconfigures an existing link in place", () => {
    const { net, a, b } = pair({ seed: 1 });
    net.link(A.address, B.address, { latency: 5 });
    a.send(new Uint8Array([1]), B);
    net.runUntil({ deadline: 100 });
    net.link(A.address, B.address, { latency: 50 });
    a.send(new Uint8Array([2]), B);
    net.runUntil({ deadline: 1000 });
    expect(b.received.map((r) => r.time)).toEqual([5, 55]);
    expect(net.linkBetween(A.address, B.address).stats.sent.datagrams).toBe(2);
  });

  it("handles IPv6 addresses", () => {
    const net = new Network({ seed: 1 });
    const a = new ScriptedEndpoint();
    const b = new ScriptedEndpoint();
    net.addNode(a, { address: "::1", port: 1 });
    net.addNode(b, V6);
    a.send(new Uint8Array([1]), V6);
    net.runUntil({ deadline: 10 });
    expect(b.received[0]!.path).toEqual({ local: V6, remote: { address: "::1", port: 1 } });
  });

  it("sends from the address a transmit names, or from the node's first one", () => {
    const net = new Network({ seed: 1 });
    const a = new ScriptedEndpoint();
    const b = new ScriptedEndpoint();
    const A2 = { address: "10.0.0.5", port: 6000 };
    net.addNode(a, A, A2);
    net.addNode(b, B);
    a.send(new Uint8Array([1]), B);
    a.send(new Uint8Array([2]), B, { local: A2 });
    net.runUntil({ deadline: 10 });
    expect(b.received.map((r) => r.path.remote)).toEqual([A, A2]);
  });

  it("drops a datagram to an address nobody has, counting it against the sender", () => {
    const { net, a, nodeA, trace } = pair();
    a.send(new Uint8Array(10), { address: "10.9.9.9", port: 1 });
    net.runUntil({ deadline: 10 });
    expect(nodeA.stats.dropped.unreachable).toEqual({ datagrams: 1, bytes: 10 });
    expect(trace.map((e) => e.type)).toEqual(["send", "drop"]);
  });
});

describe("Network: time", () => {
  it("fires timeouts on the virtual clock, stopping at the deadline", () => {
    const { net, a } = pair();
    a.timers = [50, 150];
    expect(net.runUntil({ deadline: 100 })).toEqual({ reason: "deadline", now: 100, events: 1 });
    expect(a.timeoutsFired).toEqual([50]);
    expect(net.runUntil({ deadline: 1000 })).toEqual({ reason: "quiescent", now: 150, events: 1 });
    expect(a.timeoutsFired).toEqual([50, 150]);
  });

  it("fires a timeout already in the past at the current time", () => {
    const { net, a } = pair();
    net.at(40, () => undefined);
    net.runUntil({ deadline: 100 });
    a.timers = [10];
    net.runUntil({ deadline: 100 });
    expect(a.timeoutsFired).toEqual([40]);
  });

  it("stops when `until` holds, checking before the first event", () => {
    const { net, a } = pair();
    a.timers = [10, 20, 30, 40];
    expect(net.runUntil({ deadline: 100, until: () => true })).toEqual({ reason: "until", now: 0, events: 0 });
    expect(net.runUntil({ deadline: 100, until: () => a.timeoutsFired.length === 2 })).toEqual({ reason: "until", now: 20, events: 2 });
  });

  it("runs equal-time events in order: deliveries and actions as scheduled, then timeouts by node order", () => {
    const { net, a, b } = pair({ seed: 1, link: { latency: 10 } });
    const order: string[] = [];
    a.send(new Uint8Array(1), B);
    net.runUntil({ deadline: 0 }); // the datagram is now in flight, due at 10
    net.at(10, () => order.push("action 1"));
    net.at(10, () => order.push("action 2"));
    b.timers = [10];
    a.timers = [10];
    b.handleTimeout = () => ((b.timers = []), order.push("timeout b"));
    a.handleTimeout = () => ((a.timers = []), order.push("timeout a"));
    b.onDatagram = () => order.push("deliver");
    expect(net.runUntil({ deadline: 10 })).toEqual({ reason: "quiescent", now: 10, events: 5 });
    expect(order).toEqual(["deliver", "action 1", "action 2", "timeout a", "timeout b"]);
  });

  it("runs scheduled actions and polls what they queue", () => {
    const { net, a, b } = pair({ seed: 1, link: { latency: 1 } });
    net.at(30, () => a.send(new Uint8Array([3]), B));
    net.runUntil({ deadline: 100 });
    expect(b.received.map((r) => r.time)).toEqual([31]);
  });

  it("refuses to schedule in the past", () => {
    const { net } = pair();
    net.at(50, () => undefined);
    net.runUntil({ deadline: 100 });
    expect(() => net.at(49, () => undefined)).toThrow(ZquicError);
    expect(() => net.at(NaN, () => undefined)).toThrow(/finite time/);
  });

  it("step() reports quiescence", () => {
    const { net, a } = pair();
    a.timers = [5];
    expect(net.step()).toBe(true);
    expect(net.now).toBe(5);
    expect(net.step()).toBe(false);
  });

  it("is bounded by maxEvents when endpoints never rest", () => {
    const { net, a, b } = pair();
    const echo = (received: { data: Uint8Array; path: { remote: typeof A } }, self: ScriptedEndpoint) => self.send(received.data, received.path.remote);
    a.onDatagram = echo;
    b.onDatagram = echo;
    a.send(new Uint8Array(1), B);
    expect(net.runUntil({ deadline: 1000, maxEvents: 500 })).toEqual({ reason: "max-events", now: 0, events: 500 });
  });

  it("stops an endpoint that never stops transmitting", () => {
    const net = new Network({ seed: 1 });
    const forever: Transmit = { data: new Uint8Array(1), path: { remote: { address: "10.9.9.9", port: 9 } } };
    const runaway: SimEndpoint = {
      handleDatagram: () => undefined,
      pollTransmit: () => forever,
      pollTimeout: () => undefined,
      handleTimeout: () => undefined,
    };
    net.addNode(runaway, A);
    expect(() => net.runUntil({ deadline: 1 })).toThrow(/SIM_RUNAWAY_ENDPOINT|must return null/);
  });
});

describe("Network: addresses, NAT rebinding and migration", () => {
  it("NAT rebinding: the peer sees the new remote, answers reach the node, the old mapping is gone", () => {
    const { net, a, b, nodeB } = pair({ seed: 1, link: { latency: 5 } });
    b.onDatagram = (received, self) => self.send(received.data, received.path.remote);
    const rebound = { address: "10.0.0.1", port: 6001 };
    const renumbered = { address: "192.0.2.7", port: 7000 };
    a.send(new Uint8Array([1]), B);
    net.at(100, () => net.rebind(A, rebound));
    net.at(101, () => a.send(new Uint8Array([2]), B));
    net.at(200, () => net.rebind(A, renumbered));
    net.at(201, () => a.send(new Uint8Array([3]), B));
    net.at(300, () => b.send(new Uint8Array([4]), rebound)); // to the stale mapping
    net.runUntil({ deadline: 1000 });
    expect(b.received.map((r) => [r.data[0], r.path.remote, r.path.local])).toEqual([
      [1, A, B],
      [2, rebound, B],
      [3, renumbered, B],
    ]);
    // The node behind the NAT still sees its own address as local.
    expect(a.received.map((r) => [r.data[0], r.path.local, r.path.remote])).toEqual([
      [1, A, B],
      [2, A, B],
      [3, A, B],
    ]);
    expect(nodeB.stats.dropped.unreachable.datagrams).toBe(1);
  });

  it("hides the address behind the NAT, and rebinding to it undoes the NAT", () => {
    const { net, a, b, nodeB } = pair();
    net.rebind(A, { address: "10.0.0.1", port: 6001 });
    b.send(new Uint8Array([1]), A);
    net.runUntil({ deadline: 10 });
    expect(a.received).toEqual([]);
    expect(nodeB.stats.dropped.unreachable.datagrams).toBe(1);
    net.rebind(A, A);
    b.send(new Uint8Array([2]), A);
    net.runUntil({ deadline: 20 });
    expect(a.received.map((r) => r.data[0])).toEqual([2]);
  });

  it("keeps using the node's real link after rebinding to a new IP", () => {
    const { net, a, b } = pair({ seed: 1 });
    net.link(A.address, B.address, { latency: 3 });
    net.rebind(A, { address: "198.51.100.1", port: 1 });
    a.send(new Uint8Array(1), B);
    net.runUntil({ deadline: 10 });
    expect(b.received.map((r) => r.time)).toEqual([3]);
  });

  it("move: the old address is gone both ways, the new one works", () => {
    const { net, a, b, nodeA, nodeB } = pair();
    const moved = { address: "10.0.1.1", port: 5000 };
    net.move(A, moved);
    expect(nodeA.addresses).toEqual([moved]);
    b.send(new Uint8Array([1]), A);
    a.send(new Uint8Array([2]), B, { local: A }); // still on the old address
    a.send(new Uint8Array([3]), B, { local: moved });
    net.runUntil({ deadline: 10 });
    expect(nodeB.stats.dropped.unreachable.datagrams).toBe(1);
    expect(nodeA.stats.dropped.unbound.datagrams).toBe(1);
    expect(b.received.map((r) => [r.data[0], r.path.remote])).toEqual([[3, moved]]);
    expect(a.received).toEqual([]);
  });

  it("drops a datagram already in flight to an address that is detached before it lands", () => {
    const { net, a, b, nodeA } = pair({ seed: 1, link: { latency: 10 } });
    a.send(new Uint8Array([1]), B);
    net.at(5, () => net.detach(B));
    net.runUntil({ deadline: 100 });
    expect(b.received).toEqual([]);
    expect(nodeA.stats.dropped.unreachable.datagrams).toBe(1);
  });

  it("refuses addresses already taken or unknown, and foreign nodes", () => {
    const { net, nodeA } = pair();
    const fresh = { address: "10.0.0.4", port: 1 };
    expect(() => net.addNode(new ScriptedEndpoint(), fresh, A)).toThrow(/already belongs/);
    expect(() => net.addNode(new ScriptedEndpoint(), fresh, fresh)).toThrow(/already belongs/);
    net.addNode(new ScriptedEndpoint(), fresh); // the failed attempts claimed nothing
    expect(() => net.rebind(A, B)).toThrow(ZquicError);
    expect(() => net.rebind({ address: "10.7.7.7", port: 1 }, { address: "10.7.7.8", port: 1 })).toThrow(/no node has/);
    expect(() => net.move({ address: "10.7.7.7", port: 1 }, { address: "10.7.7.8", port: 1 })).toThrow(ZquicError);
    expect(() => new Network({ seed: 2 }).attach(nodeA, { address: "10.0.0.9", port: 1 })).toThrow(/another network/);
    net.rebind(A, { address: "10.0.0.1", port: 6001 });
    const c = net.addNode(new ScriptedEndpoint(), { address: "10.0.0.3", port: 1 });
    expect(() => net.rebind({ address: "10.0.0.3", port: 1 }, { address: "10.0.0.1", port: 6001 })).toThrow(/already in use/);
    expect(c.addresses).toHaveLength(1);
  });

  it("rejects a bad default link at construction", () => {
    expect(() => new Network({ seed: 1, link: { loss: 2 } })).toThrow(/SIM_BAD_LINK_CONFIG|loss must be/);
  });
});

describe("Network: statistics and trace", () => {
  it("counts per node and per link, consistently with the trace", () => {
    const { net, a, b, nodeA, nodeB, trace } = pair({ seed: 3, link: { loss: 0.3, duplicate: 0.1, mtu: 1000 } });
    for (let i = 0; i < 200; i++) a.send(u32(i), B);
    a.send(new Uint8Array(1001), B);
    net.runUntil({ deadline: 10 });
    const link = net.linkBetween(A.address, B.address);
    const count = (type: TraceEvent["type"]) => trace.filter((e) => e.type === type).length;
    expect(nodeA.stats.sent).toEqual({ datagrams: 201, bytes: 800 + 1001 });
    expect(link.stats.sent).toEqual(nodeA.stats.sent);
    expect(count("send")).toBe(201);
    expect(count("deliver")).toBe(b.received.length);
    expect(nodeB.stats.delivered.datagrams).toBe(b.received.length);
    expect(link.stats.delivered.datagrams).toBe(b.received.length);
    expect(nodeA.stats.dropped.mtu.datagrams).toBe(1);
    expect(nodeA.stats.dropped.loss.datagrams).toBe(count("drop") - 1);
    expect(link.stats.dropped.loss).toEqual(nodeA.stats.dropped.loss);
    // Duplicates arrive twice: more deliveries than datagrams that survived.
    const survived = new Set(b.received.map((r) => readU32(r.data)));
    expect(b.received.length).toBeGreaterThan(survived.size);
    expect(survived.size).toBe(200 - nodeA.stats.dropped.loss.datagrams);
  });

  it("formats trace events for logs", () => {
    const { net, a, trace } = pair({ seed: 1, link: { latency: 1.5 } });
    a.send(new Uint8Array([0xab, 0xcd]), B, { ecn: EcnCodepoint.Ect0 });
    net.runUntil({ deadline: 10 });
    expect(trace.map((e) => formatTraceEvent(e))).toEqual([
      "0.000 send 10.0.0.1:5000 -> 10.0.0.2:443 2B ecn=2",
      "1.500 deliver 10.0.0.1:5000 -> 10.0.0.2:443 2B ecn=2",
    ]);
    expect(formatTraceEvent({ ...trace[0]!, type: "drop", reason: "loss" }, true)).toBe("0.000 drop (loss) 10.0.0.1:5000 -> 10.0.0.2:443 2B ecn=2 abcd");
  });

  it("gives a link the same randomness whatever other links exist", () => {
    const run = (extraLink: boolean) => {
      const { net, a, trace } = pair({ seed: 4, link: { loss: 0.3, jitter: 5 } });
      if (extraLink) {
        net.link("10.0.0.8", "10.0.0.9", { loss: 0.5 });
        net.addNode(new ScriptedEndpoint(), { address: "10.0.0.8", port: 1 });
      }
      for (let i = 0; i < 100; i++) a.send(u32(i), B);
      net.runUntil({ deadline: 100 });
      return trace.filter((e) => e.from.address === A.address).map((e) => formatTraceEvent(e, true));
    };
    expect(run(true)).toEqual(run(false));
  });
});
