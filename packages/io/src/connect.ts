/**
 * `connect()`: a client connection on its own socket and endpoint.
 *
 * @module
 */
import { loadProvider, type CryptoProvider } from "@zquic/crypto";
import { Endpoint } from "@zquic/quic";
import { chainVerifier, insecureVerifier, type CertificateVerifier } from "@zquic/tls";
import { ZquicError } from "@zquic/wire";
import { QuicConnection } from "./connection.js";
import { DEFAULT_INCOMING_DATAGRAMS } from "./datagrams.js";
import { EndpointDriver } from "./driver.js";
import { LiveConnection } from "./live-connection.js";
import { checkAlpn, checkCount, endpointSettings, trustOf, type ConnectOptions, type Trust } from "./options.js";
import { defaultSessionStore } from "./session-store.js";
import type { Runtime } from "./socket.js";
import { isIpLiteral, parseTarget, wildcardFor, type QuicTarget } from "./target.js";

/**
 * Connects to a QUIC server. Returns at once; `ready` resolves when the
 * handshake completes. Bad options throw a `ZquicError` here; failures on
 * the way (name resolution, the handshake) reject `ready` and `closed`.
 */
export function connect(runtime: Runtime, target: string | QuicTarget, options: ConnectOptions): QuicConnection {
  const { host, port } = parseTarget(target);
  checkAlpn(options.alpn);
  checkCount("incomingDatagrams", options.incomingDatagrams);
  const trust = trustOf(options);
  const store = options.sessionStore === null ? undefined : options.sessionStore ?? defaultSessionStore;
  const server = `${host}:${port} ${options.alpn.join(",")}`;
  const ticket = store?.take(server, "ticket");
  const token = store?.take(server, "token");
  const signal = options.signal;

  const connection = new QuicConnection(
    async (observer) => {
      signal?.throwIfAborted();
      const [provider, address] = await Promise.all([loadProvider(options.crypto), resolve(runtime, host)]);
      signal?.throwIfAborted();
      const local = { address: options.localAddress ?? wildcardFor(address), port: 0 };
      const driver = await EndpointDriver.open(runtime, local, (socket) => new Endpoint(endpointSettings(provider, options, socket.ecn)));
      try {
        let live!: LiveConnection;
        driver.connect(
          {
            remote: { address, port },
            tls: {
              alpn: options.alpn,
              serverName: options.serverName ?? host,
              verifier: verifierOf(trust, provider),
              now: () => Date.now(),
              earlyData: options.earlyData === true,
              ...(options.keyLog !== undefined ? { keyLog: options.keyLog } : {}),
            },
            ...(ticket !== undefined ? { resumption: ticket } : {}),
            ...(token !== undefined ? { token } : {}),
          },
          (transport) => (live = new LiveConnection(transport, driver, observer)),
        );
        return live;
      } finally {
        // The socket and timer go when the connection is over.
        void driver.closeWhenIdle();
      }
    },
    {
      earlyData: options.earlyData === true && ticket !== undefined,
      incomingDatagrams: options.incomingDatagrams ?? DEFAULT_INCOMING_DATAGRAMS,
      ...(store !== undefined
        ? { onSessionTicket: (value: Uint8Array) => store.put(server, "ticket", value), onNewToken: (value: Uint8Array) => store.put(server, "token", value) }
        : {}),
    },
  );
  if (signal !== undefined) {
    const abort = () => connection.close({ reason: "aborted" });
    signal.addEventListener("abort", abort, { once: true });
    const forget = () => signal.removeEventListener("abort", abort);
    connection.closed.then(forget, forget);
  }
  return connection;
}

async function resolve(runtime: Runtime, host: string): Promise<string> {
  if (isIpLiteral(host)) return host;
  const address = await runtime.lookup(host);
  if (!isIpLiteral(address)) throw new ZquicError("LOOKUP_FAILED", `resolving ${host} gave "${address}", not an IP address`);
  return address;
}

function verifierOf(trust: Trust, provider: CryptoProvider): CertificateVerifier {
  if ("verifier" in trust) return trust.verifier;
  if ("insecure" in trust) return insecureVerifier();
  return chainVerifier({ trustAnchors: trust.anchors, provider });
}
