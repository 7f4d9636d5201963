/**
 * Debian's ngtcp2 examples (`gtlsserver`, `gtlsclient`, 0.12.1, GnuTLS) as a
 * peer. They speak HTTP/3 only. The command lines are the ones
 * `conformance/README.md` documents; each case's requirements map to options
 * here, and what 0.12.1 cannot do is reported as unsupported with the reason.
 *
 * @module
 */
import { join } from "node:path";
import { QUIC_V2 } from "../capture/checks.js";
import { connectionRuns } from "../cases.js";
import { output, type Launch } from "../process.js";
import { formatAddress } from "../relay/address.js";
import { planned, unsupported, type ClientContext, type Peer, type Plan, type ServerContext } from "./peer.js";

/** GnuTLS priority-string names of the TLS 1.3 cipher suites (RFC 8446 §B.4). */
const GNUTLS_CIPHERS: Readonly<Record<string, string>> = {
  "0x1301": "AES-128-GCM",
  "0x1302": "AES-256-GCM",
  "0x1303": "CHACHA20-POLY1305",
  "0x1304": "AES-128-CCM",
};

/** When the client updates keys: soon after the handshake, well within the first MB at 10 Mbit/s. */
const KEY_UPDATE_AFTER = "100ms";

/** Small initial flow-control windows for `transfer`, which ngtcp2 grows by auto-tuning. */
const SMALL_WINDOWS = ["--max-data=512K", "--max-stream-data-bidi-local=256K"];

const V2_UNSUPPORTED = "ngtcp2 0.12.1 implements only the QUIC v2 draft (0x709a50c4), not RFC 9369's 0x6b3343cf";

/** `--ciphers=` limiting TLS 1.3 to `suites`, or nothing when any suite will do. */
function cipherOption(suites: readonly string[] | undefined): string[] {
  if (suites === undefined) return [];
  const names = suites.map((suite) => GNUTLS_CIPHERS[suite] ?? suite);
  return [`--ciphers=NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:${names.map((name) => `+${name}`).join(":")}`];
}

/** The environment of an ngtcp2 process: GnuTLS writes the NSS key log named by SSLKEYLOGFILE. */
function keylogEnv(logDir: string, name: string): Record<string, string> {
  return { SSLKEYLOGFILE: join(logDir, `keys-${name}.log`) };
}

/**
 * The case's timeout bounds the whole run; ngtcp2's own 10 s handshake
 * timeout would abandon handshakes the runner still allows (30 % loss in bursts
 * of up to 4 can back the PTO off past 10 s).
 */
function handshakeTimeout(testCase: { readonly timeoutSeconds: number }): string {
  return `--handshake-timeout=${testCase.timeoutSeconds}s`;
}

/** The server's command line for `context`. */
function serverLaunch(context: ServerContext): Launch {
  const { testCase, listen, preferredAddress } = context;
  return {
    command: "gtlsserver",
    args: [
      "-q",
      handshakeTimeout(testCase),
      // One datagram per sendmsg: GSO super-datagrams on loopback would reach the capture unsegmented.
      "--max-gso-dgrams=1",
      `--htdocs=${context.www}`,
      `--qlog-dir=${join(context.logDir, "qlog")}`,
      ...cipherOption(testCase.server.cipherSuites),
      ...(testCase.server.retry === true ? ["--validate-addr"] : []),
      ...(preferredAddress === undefined ? [] : [`--preferred-ipv${listen.address.includes(":") ? 6 : 4}-addr=${formatAddress(preferredAddress)}`]),
      listen.address,
      String(listen.port),
      join(context.certs, "priv.key"),
      join(context.certs, "cert.pem"),
    ],
    env: keylogEnv(context.logDir, "server"),
    log: join(context.logDir, "server.log"),
  };
}

/** Options of client run `index` (0 first) for the context's case. */
function clientOptions(context: ClientContext, index: number): string[] {
  const { testCase, logDir } = context;
  const behaviour = testCase.client;
  const resuming = behaviour.connections === "first-then-rest";
  return [
    "-q",
    handshakeTimeout(testCase),
    "--exit-on-all-streams-close",
    `--download=${context.downloads}`,
    `--qlog-dir=${join(logDir, "qlog")}`,
    ...cipherOption(behaviour.cipherSuites),
    ...(behaviour.keyUpdate === true ? [`--key-update=${KEY_UPDATE_AFTER}`] : []),
    ...(behaviour.smallFlowControl === true ? SMALL_WINDOWS : []),
    // The first connection stores the ticket and transport parameters; the second reads them.
    ...(resuming ? [`--session-file=${join(logDir, "session.pem")}`, `--tp-file=${join(logDir, "transport-parameters.pem")}`] : []),
    ...(resuming && index > 0 && behaviour.resume === "session" ? ["--disable-early-data"] : []),
    // zerortt counts every 1-RTT byte the client sends; PMTUD probes (1.4 kB of PADDING each) are not what it measures.
    ...(behaviour.resume === "early-data" ? ["--no-pmtud"] : []),
  ];
}

function clientPlan(context: ClientContext): Plan<readonly Launch[]> {
  const { testCase } = context;
  if (testCase.client.versions?.other.includes(QUIC_V2) === true) return unsupported(V2_UNSUPPORTED);
  const host = context.connect.address;
  return planned(
    connectionRuns(testCase.client.connections, context.requests).map((requests, index) => ({
      command: "gtlsclient",
      args: [...clientOptions(context, index), host, String(context.connect.port), ...requests],
      env: keylogEnv(context.logDir, `client-${index}`),
      log: join(context.logDir, `client-${index}.log`),
    })),
  );
}

function serverPlan(context: ServerContext): Plan<Launch> {
  return context.testCase.server.preferVersion === QUIC_V2 ? unsupported(V2_UNSUPPORTED) : planned(serverLaunch(context));
}

/** The installed ngtcp2 example programs' package version, e.g. `0.12.1+dfsg-1+deb12u1`. */
async function installedVersion(): Promise<string> {
  const { finished, text } = await output({ command: "dpkg-query", args: ["-W", "-f", "${Version}", "ngtcp2-client"] });
  return finished.code === 0 && text.trim() !== "" ? `ngtcp2 ${text.trim()} (GnuTLS)` : "ngtcp2 (version unknown)";
}

/** ngtcp2's `gtlsclient`/`gtlsserver`. */
export const ngtcp2: Peer = {
  name: "ngtcp2",
  protocols: ["h3"],
  version: installedVersion,
  server: serverPlan,
  client: clientPlan,
  deviations: [
    {
      case: "connectionmigration",
      role: "server",
      note:
        "gtlsserver 0.12.1 answers the client's probe of its preferred address with PATH_RESPONSE alone and sends its own PATH_CHALLENGE a datagram later, so the runner's rule (the server's first datagram on a new path carries PATH_CHALLENGE, RFC 9000 §9.6.2) fails; ngtcp2 → ngtcp2 fails it the same way",
    },
  ],
};
