import { describe, expect, it } from "vitest";
import { findCase, type TestCase } from "../cases.js";
import { ngtcp2 } from "../peers/ngtcp2.js";
import type { ClientContext, ServerContext } from "../peers/peer.js";
import type { Launch } from "../process.js";

function testCase(name: string): TestCase {
  const found = findCase(name);
  if (found === undefined) throw new Error(`no case ${name}`);
  return found;
}

function server(name: string, extra: Partial<ServerContext> = {}) {
  return ngtcp2.server({ testCase: testCase(name), protocol: "h3", logDir: "/l", certs: "/c", www: "/w", listen: { address: "127.0.0.1", port: 4433 }, ...extra });
}

function client(name: string, requests = ["https://127.0.0.1:4443/a", "https://127.0.0.1:4443/b"]) {
  const context: ClientContext = { testCase: testCase(name), protocol: "h3", logDir: "/l", certs: "/c", downloads: "/d", connect: { address: "127.0.0.1", port: 4443 }, requests };
  return ngtcp2.client(context);
}

function runs(plan: ReturnType<typeof client>): readonly Launch[] {
  if (!plan.supported) throw new Error(plan.reason);
  return plan.run;
}

describe("ngtcp2 command lines", () => {
  it("serves the case's files with one datagram per send and GnuTLS's key log", () => {
    const plan = server("handshake");
    expect(plan.supported && plan.run).toMatchObject({ command: "gtlsserver", env: { SSLKEYLOGFILE: "/l/keys-server.log" } });
    expect(plan.supported && plan.run.args).toEqual(expect.arrayContaining(["--max-gso-dgrams=1", "--htdocs=/w", "127.0.0.1", "4433", "/c/priv.key", "/c/cert.pem"]));
    expect(plan.supported && plan.run.args).not.toContain("--validate-addr");
  });

  it("maps Retry, ChaCha20 and the preferred address to server options", () => {
    const retry = server("retry");
    expect(retry.supported && retry.run.args).toContain("--validate-addr");
    const chacha = server("chacha20");
    expect(chacha.supported && chacha.run.args).toContain("--ciphers=NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+CHACHA20-POLY1305");
    const migration = server("connectionmigration", { preferredAddress: { address: "127.0.0.1", port: 4434 } });
    expect(migration.supported && migration.run.args).toContain("--preferred-ipv4-addr=127.0.0.1:4434");
  });

  it("fetches everything over one connection, or one connection per file for multiconnect", () => {
    expect(runs(client("transfer"))).toHaveLength(1);
    expect(runs(client("transfer"))[0]!.args.slice(-4)).toEqual(["127.0.0.1", "4443", "https://127.0.0.1:4443/a", "https://127.0.0.1:4443/b"]);
    expect(runs(client("handshakeloss")).map((run) => run.args.slice(-1)[0])).toEqual(["https://127.0.0.1:4443/a", "https://127.0.0.1:4443/b"]);
  });

  it("resumes in a second run: with 0-RTT for zerortt, without for resumption", () => {
    const [first, second] = runs(client("resumption"));
    expect(first!.args).toContain("--session-file=/l/session.pem");
    expect(second!.args).toEqual(expect.arrayContaining(["--session-file=/l/session.pem", "--tp-file=/l/transport-parameters.pem", "--disable-early-data"]));
    const [, early] = runs(client("zerortt"));
    expect(early!.args).not.toContain("--disable-early-data");
    expect(early!.args).toContain("--no-pmtud");
    expect(first!.env?.SSLKEYLOGFILE).not.toBe(second!.env?.SSLKEYLOGFILE);
  });

  it("updates keys for keyupdate", () => {
    expect(runs(client("keyupdate"))[0]!.args).toContain("--key-update=100ms");
  });

  it("says it cannot do RFC 9369 QUIC v2", () => {
    expect(client("v2")).toMatchObject({ supported: false, reason: expect.stringMatching(/v2 draft/) });
    expect(server("v2")).toMatchObject({ supported: false });
  });
});
