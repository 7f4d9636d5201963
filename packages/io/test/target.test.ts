import { describe, expect, it } from "vitest";
import { parseTarget } from "@zquic/io";

describe("parseTarget", () => {
  it("reads URLs, with 443 as the default port", () => {
    expect(parseTarget("https://example.com/")).toEqual({ host: "example.com", port: 443 });
    expect(parseTarget("https://example.com:4433/a/b")).toEqual({ host: "example.com", port: 4433 });
    expect(parseTarget("quic://[::1]:853")).toEqual({ host: "::1", port: 853 });
    expect(parseTarget("https://127.0.0.1:1/")).toEqual({ host: "127.0.0.1", port: 1 });
  });

  it("reads host and port objects, IPv6 with or without brackets", () => {
    expect(parseTarget({ host: "::1", port: 8443 })).toEqual({ host: "::1", port: 8443 });
    expect(parseTarget({ host: "[::1]" })).toEqual({ host: "::1", port: 443 });
  });

  it("refuses what is not a target with BAD_TARGET", () => {
    for (const bad of ["example.com", "", "https://:443/"]) expect(() => parseTarget(bad)).toThrow(expect.objectContaining({ code: "BAD_TARGET" }));
    for (const port of [0, -1, 65536, 1.5]) expect(() => parseTarget({ host: "a", port })).toThrow(expect.objectContaining({ code: "BAD_TARGET" }));
    expect(() => parseTarget({ host: "" })).toThrow(expect.objectContaining({ code: "BAD_TARGET" }));
  });
});
