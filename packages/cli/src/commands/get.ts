/**
 * `zquic get`: downloads URLs of one origin over one connection, in parallel streams.
 *
 * @module
 */
import { createWriteStream } from "node:fs";
import { mkdir, rm, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { Writable } from "node:stream";
import { ExitStatus, UsageError, flag, list, optional, type Command, type Terminal } from "../command.js";
import { FileSessionStore } from "../file-session-store.js";
import { Progress } from "../progress.js";
import { protocolFor } from "../protocols.js";
import type { ProtocolClient } from "../protocol.js";

export const getCommand: Command = {
  name: "get",
  summary: "download URLs of one origin over one connection",
  help: `Usage: zquic get [--ca FILE | --insecure] [options] URL...

Downloads every URL over one QUIC connection, in parallel streams, into the
output directory (each file under the last segment of its path). All URLs must
share scheme, host and port. Exits 0 only when every download completed
(over h3, a response other than 2xx fails its download).

Options:
  --ca FILE       trust the CA certificates in FILE (PEM)
  --insecure      accept any server certificate (testing only)
  --alpn NAME     application protocol: h3 (default) or hq-interop
  --output DIR    where to write the files (default: the current directory)
  --resume FILE   keep session tickets in FILE and resume with them
  --0rtt          send the requests as 0-RTT data when a ticket allows it
  -h, --help      show this help

Environment: SSLKEYLOGFILE appends TLS secrets for Wireshark.`,
  options: {
    ca: { type: "string" },
    insecure: { type: "boolean" },
    alpn: { type: "string", multiple: true },
    output: { type: "string" },
    resume: { type: "string" },
    "0rtt": { type: "boolean" },
  },
  positionals: true,
  async run(args, terminal) {
    const urls = parseUrls(args.positionals);
    const ca = optional(args, "ca");
    const insecure = flag(args, "insecure");
    if ((ca === undefined) === !insecure) throw new UsageError("give exactly one of --ca FILE or --insecure");
    const alpns = list(args, "alpn", ["h3"]);
    if (alpns.length !== 1) throw new UsageError("get speaks one protocol per run: give --alpn once");
    const protocol = protocolFor(alpns[0]!);
    const output = optional(args, "output") ?? ".";
    const resume = optional(args, "resume");
    if (flag(args, "0rtt") && resume === undefined) throw new UsageError("--0rtt needs --resume FILE: 0-RTT uses a ticket from an earlier run");
    if (ca !== undefined && (await stat(ca).catch(() => undefined))?.isFile() !== true) throw new UsageError(`--ca ${ca} is not a file`);
    await mkdir(output, { recursive: true });
    const sessionStore = resume !== undefined ? new FileSessionStore(resume) : null;
    const client = await protocol.client(urls[0]!, { caFile: ca, sessionStore, earlyData: flag(args, "0rtt") });
    const progress = new Progress(urls.length, terminal.progress);
    const results = await Promise.all(urls.map((url) => download(client, url, output, progress, terminal)));
    progress.finish();
    // Session tickets follow the handshake (RFC 8446 §4.6.1): keep the connection until one is stored, briefly.
    if (sessionStore !== null && results.some(Boolean)) await sessionStore.ticketWithin(TICKET_GRACE_MS);
    await client.close();
    return results.every(Boolean) ? ExitStatus.ok : ExitStatus.failed;
  },
};

function parseUrls(texts: readonly string[]): URL[] {
  if (texts.length === 0) throw new UsageError("give at least one URL");
  const urls = texts.map((text) => {
    try {
      return new URL(text);
    } catch {
      throw new UsageError(`"${text}" is not a URL`);
    }
  });
  for (const url of urls) {
    if (url.protocol !== "https:") throw new UsageError(`${url.href}: only https URLs are fetched over QUIC`);
    if (url.origin !== urls[0]!.origin) throw new UsageError(`${url.href} is not on ${urls[0]!.origin}: one connection serves one origin`);
  }
  return urls;
}

/** The file a URL's body goes to: the last path segment, never a directory name. */
function outputName(url: URL): string {
  const name = basename(decodeURIComponent(url.pathname));
  return name === "" || name === "." || name === ".." ? "index" : name;
}

/** Downloads one URL into `output`; true when it completed. */
async function download(client: ProtocolClient, url: URL, output: string, progress: Progress, terminal: Terminal): Promise<boolean> {
  const path = join(output, outputName(url));
  try {
    const body = await client.fetch(url);
    const counted = body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          progress.add(chunk.length);
          controller.enqueue(chunk);
        },
      }),
    );
    await counted.pipeTo(Writable.toWeb(createWriteStream(path)));
    progress.fileDone();
    return true;
  } catch (error) {
    terminal.err(`${url.href}: ${(error as Error).message}`);
    await rm(path, { force: true });
    return false;
  }
}

/** How long to wait, after the downloads, for a session ticket the server has not sent yet. */
const TICKET_GRACE_MS = 1000;

