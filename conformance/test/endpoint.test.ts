import { describe, expect, it } from "vitest";
import { readEnvironment, type EndpointEnvironment } from "../interop-endpoint/environment.js";
import { SUPPORTED, serveFiles } from "../interop-endpoint/support.js";

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
    const env = readEnvironment({ ROLE: "client", TESTCASE: "http3", REQUESTS: "https://a:1/x  https://a:1/y", SSLKEYLOGFILE: "/k", QLOGDIR: "/q" });
    expect(env).toMatchObject({ requests: ["https://a:1/x", "https://a:1/y"], alpn: "h3", keyLogFile: "/k", qlogDir: "/q" });
  });

  it("says what is wrong", () => {
    expect(readEnvironment({ TESTCASE: "handshake" })).toMatchObject({ problem: expect.stringMatching(/ROLE/) });
    expect(readEnvironment({ ROLE: "client", TESTCASE: "handshake" })).toMatchObject({ problem: expect.stringMatching(/REQUESTS/) });
    expect(readEnvironment({ ROLE: "server", TESTCASE: "handshake", PORT: "99999" })).toMatchObject({ problem: expect.stringMatching(/PORT/) });
  });

  it("supports no case yet, so every case exits 127", () => {
    expect(Object.keys(SUPPORTED.server)).toEqual([]);
    expect(Object.keys(SUPPORTED.client)).toEqual([]);
  });

  it("builds the zquic server command line a supported case will run", () => {
    const env = readEnvironment({ ROLE: "server", TESTCASE: "retry", PORT: "4433", LISTEN: "::1", CERTS: "/c", WWW: "/w" }) as EndpointEnvironment;
    expect(serveFiles(env)).toEqual(["server", "--listen", "[::1]:4433", "--cert", "/c/cert.pem", "--key", "/c/priv.key", "--root", "/w", "--alpn", "hq-interop", "--retry"]);
  });
});
