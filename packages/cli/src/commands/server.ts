/**
 * `zquic server`: serves a directory over QUIC.
 *
 * @module
 */
import { stat } from "node:fs/promises";
import { ExitStatus, UsageError, flag, list, optional, required, type Command } from "../command.js";
import { parseHostPort } from "../host-port.js";
import { protocolsFor } from "../protocols.js";

export const serverCommand: Command = {
  name: "server",
  summary: "serve the files under a directory (HTTP/3 and hq-interop)",
  help: `Usage: zquic server --listen HOST:PORT --cert FILE --key FILE --root DIR [options]

Serves the files under DIR over QUIC until interrupted (SIGINT or SIGTERM).

Options:
  --listen HOST:PORT  address to listen on, e.g. 0.0.0.0:443 or [::1]:4433 (port 0: any free port)
  --cert FILE         certificate chain in PEM, leaf first
  --key FILE          private key in PEM
  --root DIR          directory to serve; requests cannot leave it
  --alpn LIST         application protocols to offer, in preference order, comma-separated
                      or repeated (default h3,hq-interop); over h3, GET and HEAD get the
                      file with its content-length, 404 when missing, 403 outside DIR
  --retry             validate client addresses with a Retry first
  --qlog-dir DIR      write a qlog trace per connection into DIR
  -h, --help          show this help

Environment: SSLKEYLOGFILE appends TLS secrets for Wireshark; QLOGDIR is the default --qlog-dir.`,
  options: {
    listen: { type: "string" },
    cert: { type: "string" },
    key: { type: "string" },
    root: { type: "string" },
    alpn: { type: "string", multiple: true },
    retry: { type: "boolean" },
    "qlog-dir": { type: "string" },
  },
  positionals: false,
  async run(args, terminal) {
    const { host, port } = parseHostPort(required(args, "listen"));
    const root = required(args, "root");
    const protocols = protocolsFor(list(args, "alpn", ["h3", "hq-interop"]));
    const rootInfo = await stat(root).catch(() => undefined);
    if (rootInfo?.isDirectory() !== true) throw new UsageError(`--root ${root} is not a directory`);
    const certFile = required(args, "cert");
    const keyFile = required(args, "key");
    for (const [option, file] of [["cert", certFile], ["key", keyFile]]) {
      if ((await stat(file!).catch(() => undefined))?.isFile() !== true) throw new UsageError(`--${option} ${file} is not a file`);
    }
    const qlogDir = optional(args, "qlog-dir");
    const context = { root, log: terminal.err };
    const sides = new Map(await Promise.all(protocols.map(async (protocol) => [protocol.alpn, await protocol.server(context)] as const)));
    const { listen } = await import("@zquic/node");
    const server = await listen(
      {
        host,
        port,
        alpn: protocols.map((protocol) => protocol.alpn),
        // Protocols that own their connections' streams (h3) get them from the start.
        applications: Object.fromEntries([...sides].flatMap(([alpn, side]) => ("application" in side ? [[alpn, side.application]] : []))),
        certFile,
        keyFile,
        retry: flag(args, "retry"),
        ...(qlogDir !== undefined ? { qlogDir } : {}),
      },
      (connection) => {
        const side = sides.get(connection.protocol);
        if (side !== undefined && "serve" in side) side.serve(connection).catch((error: unknown) => terminal.err(`connection failed: ${(error as Error).message}`));
      },
    );
    const address = server.address;
    terminal.out(`listening on ${address.address.includes(":") ? `[${address.address}]` : address.address}:${address.port} (${protocols.map((p) => p.alpn).join(", ")})`);
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    await server.close();
    return ExitStatus.ok;
  },
};
