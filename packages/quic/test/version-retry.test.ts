import { describe, expect, it } from "vitest";
import { withSeed } from "@zquic/sim";
import { QUIC_V1, QUIC_V2 } from "@zquic/wire";
import { connectedPair } from "@zquic/testkit";

const bothConfirmed = (pair: ReturnType<typeof connectedPair>) => () =>
  pair.connection.handshake.confirmed && pair.accepted.some((c) => c.handshake.confirmed);

describe("address validation with Retry (RFC 9000 §8.1.2, §17.2.5)", () => {
  it("completes after a Retry; the token carries the original DCID into the transport parameters", () =>
    withSeed(51, () => {
      const pair = connectedPair({ seed: 51, link: { latency: 10 }, server: { retry: "always" } });
      expect(pair.run(bothConfirmed(pair))).toBe("until");
      expect(pair.connection.handshake.retryScid).toBeDefined();
      const server = pair.accepted[0]!;
      expect(server.handshake.peerAddressValidated).toBe(true);
      expect(pair.accepted).toHaveLength(1);
    }));

  it("completes after a Retry through 20% loss", () =>
    withSeed(52, () => {
      const pair = connectedPair({ seed: 52, link: { latency: 10, loss: 0.2 }, server: { retry: "always" } });
      expect(pair.run(bothConfirmed(pair), 60_000)).toBe("until");
    }));
});

describe("versions (RFC 9000 §6, RFC 9368, RFC 9369)", () => {
  it("speaks QUIC v2 end to end when the client starts in v2 and the server prefers it", () =>
    withSeed(53, () => {
      const pair = connectedPair({ seed: 53, link: { latency: 10 }, version: QUIC_V2, serverOptions: { versions: [QUIC_V2, QUIC_V1] } });
      expect(pair.run(bothConfirmed(pair))).toBe("until");
      expect(pair.connection.version).toBe(QUIC_V2);
      expect(pair.accepted[0]!.version).toBe(QUIC_V2);
    }));

  it("upgrades from v1 to v2 by compatible version negotiation when the server prefers v2 (RFC 9368 §2.3)", () =>
    withSeed(56, () => {
      const pair = connectedPair({ seed: 56, link: { latency: 10 }, version: QUIC_V1, serverOptions: { versions: [QUIC_V2, QUIC_V1] } });
      expect(pair.run(bothConfirmed(pair))).toBe("until");
      expect(pair.connection.version).toBe(QUIC_V2);
      expect(pair.accepted[0]!.version).toBe(QUIC_V2);
      // Only the client's first flight used v1: no Version Negotiation round trip.
      expect(pair.accepted).toHaveLength(1);
    }));

  it("moves a v2 client to v1 when the server prefers v1 (the server's preference decides, RFC 9368 §2.3)", () =>
    withSeed(58, () => {
      const pair = connectedPair({ seed: 58, link: { latency: 10 }, version: QUIC_V2, serverOptions: { versions: [QUIC_V1, QUIC_V2] } });
      expect(pair.run(bothConfirmed(pair))).toBe("until");
      expect(pair.connection.version).toBe(QUIC_V1);
    }));

  it("stays on v1 when the client does not offer v2", () =>
    withSeed(57, () => {
      const pair = connectedPair({ seed: 57, link: { latency: 10 }, version: QUIC_V1, clientOptions: { versions: [QUIC_V1] }, serverOptions: { versions: [QUIC_V2, QUIC_V1] } });
      expect(pair.run(bothConfirmed(pair))).toBe("until");
      expect(pair.connection.version).toBe(QUIC_V1);
    }));

  it("falls back from v2 to v1 through Version Negotiation when the server only speaks v1", () =>
    withSeed(54, () => {
      const pair = connectedPair({ seed: 54, link: { latency: 10 }, version: QUIC_V2, serverOptions: { versions: [QUIC_V1] } });
      expect(pair.run(bothConfirmed(pair))).toBe("until");
      expect(pair.connection.version).toBe(QUIC_V1);
    }));

  it("gives up with a version negotiation error when no version is shared", () =>
    withSeed(55, () => {
      const pair = connectedPair({ seed: 55, link: { latency: 10 }, version: QUIC_V2, clientOptions: { versions: [QUIC_V2] }, serverOptions: { versions: [QUIC_V1] } });
      expect(pair.run(() => pair.connection.isClosed)).toBe("until");
      expect(pair.clientEvents.find((e) => e.type === "closed")).toMatchObject({ reason: { initiator: "version_negotiation" } });
    }));
});
