/**
 * `connect()`: a client connection on its own socket and endpoint.
 *
 * @module
 */
import { clientApplication } from "./application.js";
import { QuicConnection } from "./connection.js";
import { DEFAULT_INCOMING_DATAGRAMS } from "./datagrams.js";
import { openClientTransport, planClient } from "./client-transport.js";
import { LiveConnection } from "./live-connection.js";
import type { ConnectOptions } from "./options.js";
import type { Runtime } from "./socket.js";
import type { QuicTarget } from "./target.js";

/**
 * Connects to a QUIC server. Returns at once; `ready` resolves when the
 * handshake completes. Bad options throw a `ZquicError` here; failures on
 * the way (name resolution, the handshake) reject `ready` and `closed`.
 */
export function connect(runtime: Runtime, target: string | QuicTarget, options: ConnectOptions): QuicConnection {
  const plan = planClient(target, options);
  const { store, storeKey } = plan;
  const signal = options.signal;

  const connection = new QuicConnection(
    (observer) => openClientTransport(runtime, plan, options, (transport, driver) => new LiveConnection(transport, driver, observer, clientApplication(options.application))),
    {
      earlyData: options.earlyData === true && plan.ticket !== undefined,
      incomingDatagrams: options.incomingDatagrams ?? DEFAULT_INCOMING_DATAGRAMS,
      ...(store !== undefined
        ? { onSessionTicket: (value: Uint8Array) => store.put(storeKey, "ticket", value), onNewToken: (value: Uint8Array) => store.put(storeKey, "token", value) }
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
