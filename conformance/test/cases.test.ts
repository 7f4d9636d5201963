import { describe, expect, it } from "vitest";
import { TEST_CASES, findCase } from "../cases.js";

/** The issue's cases, with the runner's names. */
const ISSUE_CASES = ["handshake", "transfer", "longrtt", "chacha20", "multiplexing", "retry", "resumption", "zerortt", "http3", "blackhole", "keyupdate", "ecn", "amplificationlimit", "handshakeloss", "transferloss", "handshakecorruption", "transfercorruption", "ipv6", "v2", "rebind-port", "rebind-addr", "connectionmigration", "goodput"];

describe("the test-case table", () => {
  it("holds every case of the issue once", () => {
    expect(TEST_CASES.map((c) => c.name).sort()).toEqual([...ISSUE_CASES].sort());
  });

  it("keeps the runner's facts", () => {
    expect(findCase("handshakeloss")).toMatchObject({ testcase: { client: "multiconnect" }, timeoutSeconds: 300, files: [{ count: 50, size: 1024 }] });
    expect(findCase("multiplexing")?.files).toEqual([{ count: 1999, size: 32 }]);
    expect(findCase("zerortt")?.files).toEqual([{ count: 40, size: 32, nameLength: 250 }]);
    expect(findCase("amplificationlimit")).toMatchObject({ certChain: 9, scenario: expect.stringContaining("--drops_to_server=2,3,4,5,6,7") });
    expect(findCase("keyupdate")?.testcase).toEqual({ client: "keyupdate", server: "transfer" });
    expect(findCase("connectionmigration")?.testcase).toEqual({ client: "transfer", server: "connectionmigration" });
    expect(findCase("http3")?.protocol).toBe("h3");
    expect(TEST_CASES.filter((c) => c.protocol === "h3").map((c) => c.name)).toEqual(["http3"]);
  });

  it("gives every case files, checks and a reason for leaving the relay", () => {
    for (const testCase of TEST_CASES) {
      expect(testCase.files.length, testCase.name).toBeGreaterThan(0);
      expect(testCase.checks.length, testCase.name).toBeGreaterThan(0);
      if (testCase.path.kind === "direct") expect(testCase.path.reason.length, testCase.name).toBeGreaterThan(20);
    }
  });

  it("checks the downloads in every case", () => {
    for (const testCase of TEST_CASES) expect(testCase.checks.some((check) => check.kind === "files"), testCase.name).toBe(true);
  });
});
