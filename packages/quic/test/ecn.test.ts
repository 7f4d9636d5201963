import { describe, expect, it } from "vitest";
import { EcnCodepoint, type Ecn } from "@zquic/wire";
import { ECN_TESTING_PACKETS, EcnValidator } from "../src/ecn.js";
import { PacketSpace } from "../src/sent-packet.js";

const { Initial, Application } = PacketSpace;
const marked = (n: number, ecn: Ecn = EcnCodepoint.Ect0) => Array.from({ length: n }, () => ({ ecn }));

/** A validator that marked `count` packets in the Application space. */
function sentMarked(count: number = ECN_TESTING_PACKETS): EcnValidator {
  const validator = new EcnValidator();
  for (let i = 0; i < count; i++) validator.onPacketSent(Application, validator.codepoint);
  return validator;
}

describe("ECN validation (RFC 9000 §13.4.2, Appendix A.4)", () => {
  it("marks ECT(0) while testing, stops after ten marked packets, and marks again once capable", () => {
    const validator = new EcnValidator();
    expect(validator.state).toBe("testing");
    expect(validator.codepoint).toBe(EcnCodepoint.Ect0);
    for (let i = 0; i < 9; i++) validator.onPacketSent(Application, validator.codepoint);
    expect(validator.state).toBe("testing");
    validator.onPacketSent(Application, validator.codepoint);
    expect(validator.state).toBe("unknown");
    expect(validator.codepoint).toBe(EcnCodepoint.NotEct);
    expect(validator.onAckReceived(Application, marked(10), true, { ect0: 10, ect1: 0, ce: 0 })).toBe(false);
    expect(validator.state).toBe("capable");
    expect(validator.codepoint).toBe(EcnCodepoint.Ect0);
  });

  it("stays testing on a valid ACK during the testing period", () => {
    const validator = sentMarked(4);
    validator.onAckReceived(Application, marked(4), true, { ect0: 4, ect1: 0, ce: 0 });
    expect(validator.state).toBe("testing");
  });

  it("needs an acknowledged marked packet to become capable", () => {
    const validator = sentMarked();
    validator.onAckReceived(Application, marked(2, EcnCodepoint.NotEct), true, { ect0: 0, ect1: 0, ce: 0 });
    expect(validator.state).toBe("unknown");
  });

  it("signals congestion when the ECN-CE count rises (RFC 9002 §B.7)", () => {
    const validator = sentMarked();
    expect(validator.onAckReceived(Application, marked(5), true, { ect0: 4, ect1: 0, ce: 1 })).toBe(true);
    expect(validator.state).toBe("capable");
    expect(validator.onAckReceived(Application, marked(2), true, { ect0: 6, ect1: 0, ce: 1 })).toBe(false);
    expect(validator.onAckReceived(Application, marked(1), true, { ect0: 6, ect1: 0, ce: 2 })).toBe(true);
  });

  describe("fails", () => {
    it("when marked packets are acknowledged without ECN counts (bleaching or no feedback)", () => {
      const validator = sentMarked();
      validator.onAckReceived(Application, marked(1), true, undefined);
      expect(validator.state).toBe("failed");
      expect(validator.codepoint).toBe(EcnCodepoint.NotEct);
    });

    it("when the ECT(0) and CE increase is less than the newly acknowledged ECT(0) packets", () => {
      const validator = sentMarked();
      validator.onAckReceived(Application, marked(3), true, { ect0: 2, ect1: 0, ce: 0 });
      expect(validator.state).toBe("failed");
    });

    it("when ECT(1) is reported although only ECT(0) was sent", () => {
      const validator = sentMarked();
      validator.onAckReceived(Application, marked(2), true, { ect0: 2, ect1: 1, ce: 0 });
      expect(validator.state).toBe("failed");
    });

    it("when a count decreases", () => {
      const validator = sentMarked();
      validator.onAckReceived(Application, marked(5), true, { ect0: 5, ect1: 0, ce: 0 });
      validator.onAckReceived(Application, marked(1), true, { ect0: 4, ect1: 0, ce: 2 });
      expect(validator.state).toBe("failed");
    });

    it("when more packets are reported than were sent marked", () => {
      const validator = sentMarked();
      validator.onAckReceived(Application, marked(10), true, { ect0: 11, ect1: 0, ce: 0 });
      expect(validator.state).toBe("failed");
    });

    it("when every marked packet is declared lost", () => {
      const validator = sentMarked();
      validator.onPacketsLost(marked(9));
      expect(validator.state).toBe("unknown");
      validator.onPacketsLost([...marked(1), ...marked(3, EcnCodepoint.NotEct)]);
      expect(validator.state).toBe("failed");
    });

    it("when every marked packet arrives ECN-CE marked", () => {
      const validator = sentMarked();
      expect(validator.onAckReceived(Application, marked(10), true, { ect0: 0, ect1: 0, ce: 10 })).toBe(true);
      expect(validator.state).toBe("failed");
    });
  });

  it("does not fail on an ACK that does not raise the largest acknowledged (reordering)", () => {
    const validator = sentMarked();
    validator.onAckReceived(Application, marked(5), true, { ect0: 5, ect1: 0, ce: 0 });
    expect(validator.onAckReceived(Application, marked(3), false, undefined)).toBe(false);
    expect(validator.onAckReceived(Application, marked(3), false, { ect0: 1, ect1: 7, ce: 9 })).toBe(false);
    expect(validator.state).toBe("capable");
  });

  it("accepts counts larger than the acknowledged packets (lost ACK frames)", () => {
    const validator = sentMarked();
    validator.onAckReceived(Application, marked(1), true, { ect0: 8, ect1: 0, ce: 0 });
    expect(validator.state).toBe("capable");
  });

  it("keeps counts per packet number space", () => {
    const validator = new EcnValidator();
    for (let i = 0; i < 3; i++) validator.onPacketSent(Initial, EcnCodepoint.Ect0);
    for (let i = 0; i < 3; i++) validator.onPacketSent(Application, EcnCodepoint.Ect0);
    validator.onAckReceived(Initial, marked(3), true, { ect0: 3, ect1: 0, ce: 0 });
    // Application starts from zero: 3 is valid there too, 4 is not.
    validator.onAckReceived(Application, marked(3), true, { ect0: 3, ect1: 0, ce: 0 });
    expect(validator.state).toBe("testing");
    validator.onAckReceived(Application, marked(0), true, { ect0: 4, ect1: 0, ce: 0 });
    expect(validator.state).toBe("failed");
  });

  it("restarts testing on a new path with the counts so far as the baseline", () => {
    const validator = sentMarked();
    validator.onAckReceived(Application, marked(1), true, undefined);
    expect(validator.state).toBe("failed");
    validator.restart();
    expect(validator.state).toBe("testing");
    expect(validator.codepoint).toBe(EcnCodepoint.Ect0);
    for (let i = 0; i < ECN_TESTING_PACKETS; i++) validator.onPacketSent(Application, validator.codepoint);
    validator.onAckReceived(Application, marked(10), true, { ect0: 10, ect1: 0, ce: 0 });
    expect(validator.state).toBe("capable");
  });
});
