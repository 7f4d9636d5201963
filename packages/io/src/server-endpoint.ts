/**
 * The transport side of a server, shared by `listen()` and the DoQ server:
 * options checked, certificate and key parsed, session tickets and 0-RTT set
 * up, the socket bound.
 *
 * @module
 */
import { loadProvider } from "@zquic/crypto";
import { Endpoint, type Connection, type RetryPolicy, type SocketAddress } from "@zquic/quic";
import { AntiReplay, TicketKeys, parseCertificatesPem, parsePrivateKey } from "@zquic/tls";
import { ZquicError } from "@zquic/wire";
import { EndpointDriver, type ConnectionListener } from "./driver.js";
import { checkCommonOptions, checkCount, endpointSettings, tlsChoices, type ListenOptions } from "./options.js";
import type { Runtime } from "./socket.js";

/**
 * Binds a server endpoint on `options.host`:`options.port`; `onAccepted`
 * makes what hears each connection the endpoint admits. Throws `ZquicError`
 * for bad options before anything is bound.
 */
export async function openServerEndpoint(
  runtime: Runtime,
  options: ListenOptions,
  onAccepted: (transport: Connection, driver: EndpointDriver) => ConnectionListener,
): Promise<EndpointDriver> {
  checkCommonOptions(options);
  for (const name of ["maxConnections", "maxHandshakes"] as const) checkCount(name, options[name]);
  const port = options.port ?? 443;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ZquicError("BAD_OPTION", `port must be 0 to 65535 (0: any free port), got ${port}`);
  const certificateChain = parseCertificatesPem(options.certificate).map((certificate) => certificate.der);
  if (certificateChain.length === 0) throw new ZquicError("TLS_CERTIFICATE", "certificate holds no CERTIFICATE block; pass the chain in PEM, leaf first");
  const privateKey = parsePrivateKey(options.privateKey);
  const alsoOn = preferredAddresses(options.preferredAddress);
  options.signal?.throwIfAborted();
  const provider = await loadProvider(options.crypto);
  const sessionTickets = options.sessionTickets ?? true;
  const earlyData = options.earlyData === true;
  if (earlyData && !sessionTickets) throw new ZquicError("BAD_OPTION", "earlyData needs sessionTickets: 0-RTT rides on a resumed session");
  // Ticket keys live in this process only, so no ticket (and no 0-RTT) from before a restart is accepted:
  // the replay cache needs no startup quiet period (RFC 8446 §8.2).
  const ticketKeys = sessionTickets ? new TicketKeys({ provider, random: provider.random }) : undefined;
  return EndpointDriver.open(
    runtime,
    { address: options.host ?? "0.0.0.0", port },
    (socket) =>
      new Endpoint({
        ...endpointSettings(provider, options, socket.ecn),
        server: {
          tls: {
            alpn: options.alpn,
            certificateChain,
            privateKey,
            now: () => Date.now(),
            ...(ticketKeys !== undefined ? { ticketKeys } : {}),
            ...(earlyData ? { earlyData, antiReplay: new AntiReplay() } : {}),
            ...(options.keyLog !== undefined ? { keyLog: options.keyLog } : {}),
            ...tlsChoices(options),
          },
          ...(options.preferredAddress !== undefined ? { preferredAddress: options.preferredAddress } : {}),
          retry: retryPolicy(options.retry),
          maxConnections: options.maxConnections ?? 10_000,
          maxHandshakes: options.maxHandshakes ?? 1_000,
        },
      }),
    { onAccepted },
    alsoOn,
  );
}

/** The preferred addresses to bind beside the listening one (RFC 9000 §9.6); each needs a fixed port. */
function preferredAddresses(preferred: ListenOptions["preferredAddress"]): SocketAddress[] {
  const addresses = [preferred?.ipv4, preferred?.ipv6].filter((address) => address !== undefined);
  for (const { address, port } of addresses) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ZquicError("BAD_OPTION", `preferredAddress ${address} needs a port from 1 to 65535, got ${port}`);
  }
  return addresses;
}

function retryPolicy(retry: ListenOptions["retry"]): RetryPolicy {
  if (retry === undefined || retry === false) return "never";
  return retry === true ? "always" : retry;
}
