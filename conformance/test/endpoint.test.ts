import { describe, expect, it } from "vitest";
import { TEST_CASES } from "../cases.js";
import { readEnvironment } from "../interop-endpoint/environment.js";
import { CLIENT_CASES, SERVER_CASES } from "../interop-endpoint/support.js";

describe("the interop endpoint's environment", () => {
  it("applies the runner's defaults", () => {
    expect(readEnvironment({ ROLE: "server", TESTCASE: "handshake" })).toEqual({
      role: "server",
      testcase: "handshake",
      requests: [],
      www: "/www",
      downloads: "/downloads",
      certs: "/certs",
      port: 443,
      listen: "::",
      alpn: "hq-interop",
    });
  });

  it("reads the client's requests and picks h3 for http3", () => {
    const env = readEnvironment({ ROLE: "client", TESTCASE: "http3", REQUESTS: "https://a:1/x  https://a:1/y", ALPN: "h3" });
    expect(env).toMatchObject({ requests: ["https://a:1/x", "https://a:1/y"], alpn: "h3" });
  });

  it("says what is wrong", () => {
    expect(readEnvironment({ TESTCASE: "handshake" })).toMatchObject({ problem: expect.stringMatching(/ROLE/) });
    expect(readEnvironment({ ROLE: "client", TESTCASE: "handshake" })).toMatchObject({ problem: expect.stringMatching(/REQUESTS/) });
    expect(readEnvironment({ ROLE: "server", TESTCASE: "handshake", PORT: "99999" })).toMatchObject({ problem: expect.stringMatching(/PORT/) });
  });

  it("knows every TESTCASE the runner sends, and says why it cannot do a case", () => {
    for (const testCase of TEST_CASES) {
      expect(CLIENT_CASES[testCase.testcase.client], `client ${testCase.testcase.client}`).toBeDefined();
      expect(SERVER_CASES[testCase.testcase.server], `server ${testCase.testcase.server}`).toBeDefined();
    }
    for (const support of [...Object.values(CLIENT_CASES), ...Object.values(SERVER_CASES)]) {
      if ("unsupported" in support) expect(support.unsupported.length).toBeGreaterThan(20);
    }
  });

  it("asks for what each client case needs", () => {
    expect(CLIENT_CASES.multiconnect).toEqual({ plan: { connections: "per-file" } });
    expect(CLIENT_CASES.zerortt).toMatchObject({ plan: { connections: "first-then-rest", earlyData: true, transport: { maxDatagramSize: 1200 } } });
    expect(CLIENT_CASES.resumption).toEqual({ plan: { connections: "first-then-rest" } });
    expect(CLIENT_CASES.keyupdate).toMatchObject({ plan: { transport: { keyUpdateInterval: expect.any(Number) } } });
    expect(SERVER_CASES.retry).toEqual({ plan: { retry: true } });
  });
});
