/** Synthetic traces for testing the checks without tshark. */
import type { CapturedDatagram, QuicPacket } from "../../capture/packet.js";
import type { Observed, Side, Trace } from "../../capture/trace.js";

const CLIENT = { address: "127.0.0.1", port: 50000 };
const SERVER = { address: "127.0.0.1", port: 443 };

/** A QUIC packet with every list empty, overridden by `fields`. */
export function packet(fields: Partial<QuicPacket> & Pick<QuicPacket, "type">): QuicPacket {
  return {
    payloadBytes: 0,
    decryptionFailed: false,
    tlsHandshakeTypes: [],
    cipherSuites: [],
    hasCertificate: false,
    crypto: [],
    pathChallenges: [],
    pathResponses: [],
    ackEcn: false,
    ...(fields.type === "1rtt" ? {} : { version: 1 }),
    ...fields,
  };
}

let frame = 0;

/** A datagram from `from` carrying `packets`; `options` override addresses, size, ECN, time. */
export function sent(from: Side, packets: readonly QuicPacket[], options: Partial<CapturedDatagram> = {}): Observed {
  frame += 1;
  const datagram: CapturedDatagram = {
    number: frame,
    time: frame / 1000,
    family: 4,
    source: from === "client" ? CLIENT : SERVER,
    destination: from === "client" ? SERVER : CLIENT,
    size: 1200,
    ecn: 0,
    packets,
    ...options,
  };
  return { datagram, from };
}

/** The same datagrams on both legs (a run without a relay). */
export function bothLegs(observed: readonly Observed[]): Trace {
  return { client: observed, server: observed };
}

/** A handshake's usual packets: client Initial (ClientHello), server Initial + Handshake, client Handshake, then 1-RTT. */
export function handshake(scid = "5e", overrides: { readonly clientInitial?: Partial<QuicPacket>; readonly serverHandshake?: Partial<QuicPacket> } = {}): Observed[] {
  return [
    sent("client", [packet({ type: "initial", dcid: "aa", scid: "c1", packetNumber: 0, tokenLength: 0, tlsHandshakeTypes: [1], cipherSuites: ["0x1301", "0x1303"], crypto: [{ offset: 0, length: 300 }], ...overrides.clientInitial })]),
    sent("server", [
      packet({ type: "initial", dcid: "c1", scid, tlsHandshakeTypes: [2], crypto: [{ offset: 0, length: 90 }] }),
      packet({ type: "handshake", dcid: "c1", scid, tlsHandshakeTypes: [8, 11, 15, 20], hasCertificate: true, initialMaxStreamsBidi: 100, crypto: [{ offset: 0, length: 900 }], ...overrides.serverHandshake }),
    ]),
    sent("client", [packet({ type: "handshake", dcid: scid, scid: "c1" }), packet({ type: "1rtt", dcid: scid, keyPhase: 0, payloadBytes: 40 })], { size: 200 }),
    sent("server", [packet({ type: "1rtt", dcid: "c1", keyPhase: 0 })]),
  ];
}
