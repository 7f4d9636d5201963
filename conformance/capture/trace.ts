/**
 * A run seen from the runner's two vantage points. The interop runner
 * records the client's side of the simulated link and the server's side
 * separately (`trace_node_left.pcap`, `trace_node_right.pcap`); here each
 * leg of the relay is captured on loopback by its ports: the client talks to
 * the relay's ports, the relay talks to the server's. Without a relay the
 * two legs are the same datagrams.
 *
 * @module
 */
import type { CapturedDatagram, PacketType, QuicPacket } from "./packet.js";

/** Which endpoint sent a datagram. */
export type Side = "client" | "server";

/** Where the run's endpoints listen. */
export interface Topology {
  /** The server's own ports: datagrams to or from them form the server leg. */
  readonly serverPorts: readonly number[];
  /** The ports the client sends to: the relay's, or the server's own when there is no relay. */
  readonly frontPorts: readonly number[];
  /** True when a relay sits between the legs (two captures); false when both legs are one. */
  readonly relayed: boolean;
}

/** A datagram on one leg, with its sender. */
export interface Observed {
  readonly datagram: CapturedDatagram;
  readonly from: Side;
}

/** A QUIC packet on one leg, with its datagram and sender. */
export interface ObservedPacket extends Observed {
  readonly packet: QuicPacket;
}

/** The two legs of a run, each in capture order. */
export interface Trace {
  /** Between the client and the relay: what the client sent and received. */
  readonly client: readonly Observed[];
  /** Between the relay and the server: what the server sent and received. */
  readonly server: readonly Observed[];
}

/** One leg's datagrams to or from `ports`, each with its sender: the side listening on `ports` is the server's. */
export function observeLeg(datagrams: readonly CapturedDatagram[], ports: readonly number[]): Observed[] {
  const serverSide = new Set(ports);
  const observed: Observed[] = [];
  for (const datagram of datagrams) {
    if (serverSide.has(datagram.source.port)) observed.push({ datagram, from: "server" });
    else if (serverSide.has(datagram.destination.port)) observed.push({ datagram, from: "client" });
  }
  return observed;
}

/** The trace of a run from its captures: the client leg's and the server leg's (the same one without a relay). */
export function traceOf(captures: { readonly client: readonly CapturedDatagram[]; readonly server: readonly CapturedDatagram[] }, topology: Topology): Trace {
  return { client: observeLeg(captures.client, topology.frontPorts), server: observeLeg(captures.server, topology.serverPorts) };
}

/** The datagrams of `observed` sent by `from` (both directions when absent) that carry QUIC. */
export function datagramsFrom(observed: readonly Observed[], from?: Side): Observed[] {
  return observed.filter((o) => (from === undefined || o.from === from) && o.datagram.packets.length > 0);
}

/** Every QUIC packet of `observed` sent by `from` (both when absent), of `type` (all when absent). */
export function packetsOf(observed: readonly Observed[], from?: Side, type?: PacketType): ObservedPacket[] {
  const packets: ObservedPacket[] = [];
  for (const o of observed) {
    if (from !== undefined && o.from !== from) continue;
    for (const packet of o.datagram.packets) if (type === undefined || packet.type === type) packets.push({ ...o, packet });
  }
  return packets;
}
