/**
 * The transport side of a client connection, shared by `connect()` and the
 * DoQ client: options checked and resumption state taken before anything
 * starts, then the name lookup, the socket, the endpoint and the connection.
 *
 * @module
 */
import { loadProvider, type CryptoProvider } from "@zquic/crypto";
import { Endpoint, type Connection } from "@zquic/quic";
import { chainVerifier, insecureVerifier, type CertificateVerifier } from "@zquic/tls";
import { ZquicError } from "@zquic/wire";
import { EndpointDriver, type ConnectionListener } from "./driver.js";
import { checkCommonOptions, endpointSettings, tlsChoices, trustOf, type ConnectOptions, type Trust } from "./options.js";
import { defaultSessionStore, type SessionStore } from "./session-store.js";
import type { Runtime } from "./socket.js";
import { isIpLiteral, parseTarget, wildcardFor, type QuicTarget } from "./target.js";

/** A client connection decided but not started: where it goes, how it checks the server, what it resumes. */
export interface ClientPlan {
  readonly host: string;
  readonly port: number;
  readonly trust: Trust;
  /** Where tickets and tokens for this server go; `undefined` when resumption is off. */
  readonly store: SessionStore | undefined;
  /** The server as the store knows it: host, port and ALPN. */
  readonly storeKey: string;
  /** A session ticket to resume with, taken from the store (RFC 8446 §C.4: each is used once). */
  readonly ticket: Uint8Array | undefined;
  /** An address validation token to present, taken from the store (RFC 9000 §8.1.3). */
  readonly token: Uint8Array | undefined;
}

/** Checks `options` and takes what the session store holds for the server. Throws `ZquicError` for bad options. */
export function planClient(target: string | QuicTarget, options: ConnectOptions): ClientPlan {
  const { host, port } = parseTarget(target);
  checkCommonOptions(options);
  const trust = trustOf(options);
  const store = options.sessionStore === null ? undefined : (options.sessionStore ?? defaultSessionStore);
  const storeKey = `${host}:${port} ${options.alpn.join(",")}`;
  return { host, port, trust, store, storeKey, ticket: store?.take(storeKey, "ticket"), token: store?.take(storeKey, "token") };
}

/**
 * Resolves the host, binds a socket and starts the connection `plan`
 * describes; `listenerFor` makes what hears the connection's events. The
 * socket is released once the connection is over.
 */
export async function openClientTransport<L extends ConnectionListener>(
  runtime: Runtime,
  plan: ClientPlan,
  options: ConnectOptions,
  listenerFor: (transport: Connection, driver: EndpointDriver) => L,
): Promise<L> {
  const signal = options.signal;
  signal?.throwIfAborted();
  const [provider, address] = await Promise.all([loadProvider(options.crypto), resolveHost(runtime, plan.host)]);
  signal?.throwIfAborted();
  const local = { address: options.localAddress ?? wildcardFor(address), port: 0 };
  const driver = await EndpointDriver.open(runtime, local, (socket) => new Endpoint(endpointSettings(provider, options, socket.ecn)));
  try {
    let listener!: L;
    driver.connect(
      {
        remote: { address, port: plan.port },
        tls: {
          alpn: options.alpn,
          serverName: options.serverName ?? plan.host,
          verifier: verifierOf(plan.trust, provider),
          now: () => Date.now(),
          earlyData: options.earlyData === true,
          ...(options.grease !== undefined ? { grease: options.grease } : {}),
          ...(options.keyLog !== undefined ? { keyLog: options.keyLog } : {}),
          ...tlsChoices(options),
        },
        ...(plan.ticket !== undefined ? { resumption: plan.ticket } : {}),
        ...(plan.token !== undefined ? { token: plan.token } : {}),
      },
      (transport) => (listener = listenerFor(transport, driver)),
    );
    return listener;
  } finally {
    // The socket and timer go when the connection is over.
    void driver.closeWhenIdle();
  }
}

async function resolveHost(runtime: Runtime, host: string): Promise<string> {
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
