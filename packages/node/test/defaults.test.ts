import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { nobleProvider } from "@zquic/crypto";
import { generateSelfSigned } from "@zquic/tls";
import { connect, listen } from "@zquic/node";

const dir = mkdtempSync(join(tmpdir(), "zquic-node-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const now = Date.now();
const cert = generateSelfSigned({ keyType: "p256", hosts: ["localhost", "127.0.0.1"], notBefore: now - 60_000, notAfter: now + 86_400_000, provider: nobleProvider, random: nobleProvider.random });
writeFileSync(join(dir, "cert.pem"), cert.certificatePem);
writeFileSync(join(dir, "priv.key"), cert.privateKeyPem);

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}

describe("Node defaults", () => {
  it("reads certificate, key and CA files, and writes SSLKEYLOGFILE and qlog files", async () => {
    const keyLogFile = join(dir, "keys.log");
    const qlogDir = join(dir, "qlog");
    const saved = process.env.SSLKEYLOGFILE;
    process.env.SSLKEYLOGFILE = keyLogFile;
    try {
      let accepted = 0;
      const server = await listen({ host: "127.0.0.1", port: 0, alpn: ["node-test"], certFile: join(dir, "cert.pem"), keyFile: join(dir, "priv.key"), qlogDir }, () => accepted++);
      const connection = connect(`https://127.0.0.1:${server.address.port}/`, { alpn: ["node-test"], caFile: join(dir, "cert.pem"), sessionStore: null });
      await connection.ready;
      await until(() => accepted === 1);
      connection.close();
      await server.close();
      // Both sides logged: every secret line appears twice (client and server), same values.
      const lines = readFileSync(keyLogFile, "utf8").trim().split("\n");
      expect(lines.length).toBeGreaterThanOrEqual(8);
      expect(lines.every((line) => /^[A-Z_0-9]+ [0-9a-f]{64} [0-9a-f]+$/.test(line))).toBe(true);
      expect(lines.filter((line) => line.startsWith("CLIENT_TRAFFIC_SECRET_0"))).toHaveLength(2);
      // The server traced its connection under the client's original DCID.
      await until(() => readdirSync(qlogDir).length === 1);
      const [file] = readdirSync(qlogDir);
      expect(file).toMatch(/^[0-9a-f]{16,40}_server\.sqlog$/);
      await until(() => readFileSync(join(qlogDir, file!), "utf8").includes("connection_closed"));
      const records = readFileSync(join(qlogDir, file!), "utf8").split("\u001e").filter(Boolean);
      expect(records.length).toBeGreaterThan(3);
      for (const record of records) expect(() => JSON.parse(record)).not.toThrow();
    } finally {
      if (saved === undefined) delete process.env.SSLKEYLOGFILE;
      else process.env.SSLKEYLOGFILE = saved;
    }
  });

  it("refuses conflicting or missing certificate options", async () => {
    await expect(listen({ port: 0, alpn: ["x"], certFile: join(dir, "cert.pem") })).rejects.toMatchObject({ code: "BAD_OPTION" });
    await expect(listen({ port: 0, alpn: ["x"], certFile: join(dir, "cert.pem"), certificate: cert.certificatePem, keyFile: join(dir, "priv.key") })).rejects.toMatchObject({ code: "BAD_OPTION" });
    expect(() => connect("https://127.0.0.1:1/", { alpn: ["x"], caFile: join(dir, "cert.pem"), trustAnchors: cert.certificatePem })).toThrow(expect.objectContaining({ code: "BAD_OPTION" }));
  });
});
