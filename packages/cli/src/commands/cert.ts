/**
 * `zquic cert`: a self-signed certificate for tests and local servers.
 *
 * @module
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ExitStatus, list, required, type Command } from "../command.js";

/** How long generated certificates are valid. */
const VALIDITY_DAYS = 365;
const DAY_MS = 86_400_000;

export const certCommand: Command = {
  name: "cert",
  summary: "write a self-signed ECDSA P-256 certificate and key",
  help: `Usage: zquic cert --out DIR [--host NAME ...]

Writes DIR/cert.pem (a self-signed ECDSA P-256 certificate, valid ${VALIDITY_DAYS} days)
and DIR/priv.key (its PKCS#8 private key, readable by the owner only).

Options:
  --out DIR     directory to write to (created if missing)
  --host NAME   DNS name or IP address the certificate is for (repeatable;
                default: localhost, 127.0.0.1, ::1)
  -h, --help    show this help`,
  options: { out: { type: "string" }, host: { type: "string", multiple: true } },
  positionals: false,
  async run(args, terminal) {
    const out = required(args, "out");
    const hosts = list(args, "host", ["localhost", "127.0.0.1", "::1"]);
    const written = await writeCertificate(out, hosts);
    terminal.out(`wrote ${written.certFile} and ${written.keyFile} for ${hosts.join(", ")}`);
    return ExitStatus.ok;
  },
};

/** Writes a self-signed P-256 `cert.pem` and `priv.key` (owner-only) for `hosts` into `out`. */
export async function writeCertificate(out: string, hosts: readonly string[]): Promise<{ certFile: string; keyFile: string }> {
  const [{ loadProvider }, { generateSelfSigned }] = await Promise.all([import("@zquic/crypto"), import("@zquic/tls")]);
  const provider = await loadProvider();
  const now = Date.now();
  const generated = generateSelfSigned({ keyType: "p256", hosts, notBefore: now - DAY_MS, notAfter: now + VALIDITY_DAYS * DAY_MS, provider, random: provider.random });
  await mkdir(out, { recursive: true });
  const certFile = join(out, "cert.pem");
  const keyFile = join(out, "priv.key");
  await writeFile(certFile, generated.certificatePem);
  await writeFile(keyFile, generated.privateKeyPem, { mode: 0o600 });
  return { certFile, keyFile };
}
