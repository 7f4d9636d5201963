/**
 * The runner's certificates, made as its `certs.sh` makes them: an RSA-2048
 * root, `length − 1` intermediates and a leaf for `server`, `server4`,
 * `server6`, `server46` (plus the loopback addresses used here), written as
 * `ca.pem` (the root), `cert.pem` (the chain, leaf first) and `priv.key`.
 * The amplificationlimit case uses a chain of 9 so the server's first flight
 * is large.
 *
 * @module
 */
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { run } from "../process.js";

const CA_EXTENSIONS = "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n";
const LEAF_EXTENSIONS = "subjectAltName=DNS:server,DNS:server4,DNS:server6,DNS:server46,DNS:localhost,IP:127.0.0.1,IP:::1\n";

async function openssl(args: readonly string[]): Promise<void> {
  const finished = await run({ command: "openssl", args }, 30_000);
  if (finished.code !== 0) throw new Error(`openssl ${args[0]} failed (exit ${finished.code})`);
}

/** Writes a chain of `length` certificates (leaf included) into `directory`. */
export async function makeCertificates(directory: string, length: number): Promise<void> {
  if (!(Number.isInteger(length) && length >= 1)) throw new RangeError(`chain length must be ≥ 1, got ${length}`);
  await mkdir(directory, { recursive: true });
  const file = (name: string) => join(directory, name);
  await writeFile(file("ca.ext"), CA_EXTENSIONS);
  await writeFile(file("leaf.ext"), LEAF_EXTENSIONS);
  await openssl([
    "req", "-x509", "-sha256", "-nodes", "-days", "365", "-newkey", "rsa:2048",
    "-keyout", file("key-0.pem"), "-out", file("cert-0.pem"),
    "-subj", "/O=interop runner Root Certificate Authority/",
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  for (let i = 1; i <= length; i++) {
    const leaf = i === length;
    await openssl([
      "req", "-new", "-nodes", "-newkey", "rsa:2048", "-keyout", file(`key-${i}.pem`), "-out", file("request.csr"),
      "-subj", `/O=${leaf ? "interop runner leaf" : `interop runner intermediate ${i}`}/`,
    ]);
    await openssl([
      "x509", "-req", "-sha256", "-days", "365", "-in", file("request.csr"), "-out", file(`cert-${i}.pem`),
      "-CA", file(`cert-${i - 1}.pem`), "-CAkey", file(`key-${i - 1}.pem`), "-CAcreateserial",
      "-extfile", file(leaf ? "leaf.ext" : "ca.ext"),
    ]);
  }
  const chain: string[] = [];
  for (let i = length; i >= 1; i--) chain.push(await readFile(file(`cert-${i}.pem`), "utf8"));
  await writeFile(file("cert.pem"), chain.join(""));
  await writeFile(file("priv.key"), await readFile(file(`key-${length}.pem`)));
  await writeFile(file("ca.pem"), await readFile(file("cert-0.pem")));
  for (let i = 0; i <= length; i++) await rm(file(`cert-${i}.pem`)).then(() => rm(file(`key-${i}.pem`)));
  for (const name of ["ca.ext", "leaf.ext", "request.csr", "cert-0.srl"]) await rm(file(name), { force: true });
}

/** Chains made once per run and length. */
export class CertificateCache {
  private readonly made = new Map<number, Promise<string>>();

  constructor(private readonly root: string) {}

  /** The directory holding a chain of `length`. */
  get(length: number): Promise<string> {
    let directory = this.made.get(length);
    if (directory === undefined) {
      const path = join(this.root, `certs-${length}`);
      directory = makeCertificates(path, length).then(() => path);
      this.made.set(length, directory);
    }
    return directory;
  }
}
