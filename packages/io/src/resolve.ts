/**
 * `resolve()`: one DNS question over DoQ, answered with the parsed response.
 *
 * @module
 */
import type { DnsMessage, Name } from "@zquic/doq";
import type { CertificateVerifier } from "@zquic/tls";
import { DoqClient, type DoqQueryOptions } from "./doq-client.js";
import type { QuestionOptions } from "./dns-question.js";
import type { Runtime } from "./socket.js";
import type { QuicTarget } from "./target.js";

/** Where and how {@link resolve} asks. Give `client`, or exactly one of `trustAnchors`, `verifier`, `insecure`. */
export interface ResolveOptions extends DoqQueryOptions, QuestionOptions {
  /** The DoQ server: `host`, `host:port`, `[v6]:port` or `doq://host:port` (port 853 by default). */
  readonly server: string | QuicTarget;
  /** The client whose connections to use; without it, a client shared by every call with the same trust. */
  readonly client?: DoqClient;
  /** CA certificates in PEM the server's chain must lead to. */
  readonly trustAnchors?: string;
  /** A custom check of the server's certificate chain. */
  readonly verifier?: CertificateVerifier;
  /** Accept any certificate (tests only). */
  readonly insecure?: boolean;
}

/** Clients shared by calls without `client`, per runtime and trust. */
const sharedClients = new WeakMap<Runtime, Map<unknown, DoqClient>>();
const INSECURE = Symbol("insecure");

/**
 * Asks `server` over DoQ for the records of `type` (a mnemonic such as
 * `"AAAA"`, or a code) at `name`, and resolves with the response, whatever
 * its RCODE (NXDOMAIN is an answer). Connections are reused between calls
 * and close after the client's idle timeout. Rejects as {@link DoqClient.ask} does.
 */
export async function resolve(runtime: Runtime, name: string | Name, type: string | number, options: ResolveOptions): Promise<DnsMessage> {
  const client = options.client ?? sharedClient(runtime, options);
  return (await client.ask(options.server, name, type, options)).message;
}

function sharedClient(runtime: Runtime, options: ResolveOptions): DoqClient {
  const { trustAnchors, verifier, insecure } = options;
  const trust = verifier ?? trustAnchors ?? (insecure === true ? INSECURE : undefined);
  let clients = sharedClients.get(runtime);
  if (clients === undefined) sharedClients.set(runtime, (clients = new Map()));
  let client = clients.get(trust);
  if (client === undefined) {
    client = new DoqClient(runtime, { ...(trustAnchors !== undefined ? { trustAnchors } : {}), ...(verifier !== undefined ? { verifier } : {}), ...(insecure !== undefined ? { insecure } : {}) });
    clients.set(trust, client);
  }
  return client;
}
