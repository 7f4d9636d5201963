/**
 * `zquic dns query`: asks a DoQ server one question and prints the answer in
 * dig's layout.
 *
 * @module
 */
import { stat } from "node:fs/promises";
import { ExitStatus, UsageError, flag, integer, optional, type Command } from "../command.js";
import { FileSessionStore } from "../file-session-store.js";
import { parseHostPort } from "../host-port.js";

/** Where the query goes unless `--server` says otherwise: DoQ's port on this host (RFC 9250 §4.1.1). */
const DEFAULT_SERVER = "127.0.0.1:853";
/** NXDOMAIN's exit status is its RCODE (RFC 1035 §4.1.1), so scripts can tell "no such name" from failure. */
const NXDOMAIN_STATUS = 3;

/** `zquic dns query NAME [TYPE]`. */
export const dnsQueryCommand: Command = {
  name: "query",
  summary: "ask a DoQ server one question and print the answer like dig",
  help: `Usage: zquic dns query [--server HOST:PORT] [--ca FILE | --insecure] [options] NAME [TYPE]

Asks the DNS over QUIC server (RFC 9250) for the TYPE records (default A) of
NAME and prints the response in dig's layout: header and flags, the OPT
pseudosection, the QUESTION, ANSWER, AUTHORITY and ADDITIONAL sections, and
the query time.

Options:
  --server HOST:PORT  the DoQ server (default ${DEFAULT_SERVER})
  --ca FILE           trust the CA certificates in FILE (PEM)
  --insecure          accept any server certificate (testing only)
  --timeout MS        give up after MS milliseconds, connection included (default 5000)
  --resume FILE       keep session tickets in FILE: later runs resume, and send the
                      query in 0-RTT data (RFC 9250 §4.5)
  -h, --help          show this help

Exit status: 0 when the response is NOERROR (with or without records), 3 when
it is NXDOMAIN (the name does not exist; 3 is its RCODE), 1 for any other
RCODE (SERVFAIL, REFUSED …) and when no response came (timeout, failed
connection, a query the server reset), 2 for bad arguments.

Environment: SSLKEYLOGFILE appends TLS secrets for Wireshark.`,
  options: {
    server: { type: "string" },
    ca: { type: "string" },
    insecure: { type: "boolean" },
    timeout: { type: "string" },
    resume: { type: "string" },
  },
  positionals: true,
  async run(args, terminal) {
    const [name, type = "A", ...extra] = args.positionals;
    if (name === undefined || extra.length > 0) throw new UsageError("give NAME and at most one TYPE");
    const serverText = optional(args, "server") ?? DEFAULT_SERVER;
    const server = parseHostPort(serverText);
    const ca = optional(args, "ca");
    const insecure = flag(args, "insecure");
    if ((ca === undefined) === !insecure) throw new UsageError("give exactly one of --ca FILE or --insecure");
    if (ca !== undefined && (await stat(ca).catch(() => undefined))?.isFile() !== true) throw new UsageError(`--ca ${ca} is not a file`);
    const timeoutMs = integer(args, "timeout", 5000);
    const { Name, rrTypes, Rcode } = await import("@zquic/doq");
    if (rrTypes.codeOf(type) === undefined) throw new UsageError(`"${type}" is no RR type (A, AAAA, TXT, HTTPS, TYPE65 …)`);
    try {
      Name.parse(name);
    } catch (error) {
      throw new UsageError(`"${name}" is no domain name: ${(error as Error).message}`);
    }
    const resume = optional(args, "resume");
    const { doqClient } = await import("@zquic/node");
    const { formatDig } = await import("../dns/dig-format.js");
    const store = resume !== undefined ? new FileSessionStore(resume) : null;
    const client = doqClient({ ...(ca !== undefined ? { caFile: ca } : { insecure: true }), sessionStore: store, timeoutMs });
    const started = performance.now();
    try {
      const response = await client.ask(server, name, type);
      const queryTimeMs = performance.now() - started;
      const transport = response.earlyDataAccepted === true ? "DoQ, 0-RTT" : response.resumed ? "DoQ, resumed" : "DoQ";
      const context = { arguments: `@${serverText} ${name} ${type}`, server: `${server.host}#${server.port}`, queryTimeMs, when: new Date(), size: response.bytes.length, transport };
      for (const line of formatDig(response.message, context)) terminal.out(line);
      if (store !== null) await store.ticketWithin(TICKET_GRACE_MS);
      const rcode = response.message.rcode;
      return rcode === Rcode.NOERROR ? ExitStatus.ok : rcode === Rcode.NXDOMAIN ? NXDOMAIN_STATUS : ExitStatus.failed;
    } finally {
      await client.close();
    }
  },
};

/** How long `--resume` waits after the answer for a session ticket not yet there. */
const TICKET_GRACE_MS = 1000;
