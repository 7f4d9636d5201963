/**
 * A peer: an implementation the conformance runner can put on either side
 * of a case. A peer turns a case's requirements into the processes to run
 * (as data) or says, with a reason, that it cannot do what the case needs.
 *
 * @module
 */
import type { Protocol, TestCase } from "../cases.js";
import type { Launch } from "../process.js";
import type { SocketAddress } from "../relay/address.js";

/** What both roles are given. */
export interface EndpointContext {
  readonly testCase: TestCase;
  /** The application protocol of this run. */
  readonly protocol: Protocol;
  /** This role's directory for logs, key logs and qlogs. */
  readonly logDir: string;
  /** The certificate directory: `cert.pem` (chain, leaf first), `priv.key`, `ca.pem` (the root). */
  readonly certs: string;
}

/** What a server is given. */
export interface ServerContext extends EndpointContext {
  /** The directory to serve. */
  readonly www: string;
  /** Where to listen. */
  readonly listen: SocketAddress;
  /** Where to offer a preferred address, when the case asks for one. */
  readonly preferredAddress?: SocketAddress;
}

/** What a client is given. */
export interface ClientContext extends EndpointContext {
  /** Where downloaded files go (named after the request paths). */
  readonly downloads: string;
  /** Where to send datagrams: the relay, or the server itself. */
  readonly connect: SocketAddress;
  /** The URLs to fetch, in the case's order. */
  readonly requests: readonly string[];
}

/** A plan: what to run, or why the peer cannot take part. */
export type Plan<T> = { readonly supported: true; readonly run: T } | { readonly supported: false; readonly reason: string };

/** A supported plan. */
export function planned<T>(run: T): Plan<T> {
  return { supported: true, run };
}

/** An unsupported plan and its reason. */
export function unsupported<T>(reason: string): Plan<T> {
  return { supported: false, reason };
}

/** An implementation under test. */
export interface Peer {
  readonly name: string;
  /** Application protocols it speaks, preferred first. */
  readonly protocols: readonly Protocol[];
  /** A version string for reports (resolves to "unknown" rather than failing). */
  version(): Promise<string>;
  /** The server process for a case. */
  server(context: ServerContext): Plan<Launch>;
  /** The client processes for a case, run one after another. */
  client(context: ClientContext): Plan<readonly Launch[]>;
  /** Known ways this peer fails a case's checks in a role (reported beside the matrix). */
  readonly deviations?: readonly PeerDeviation[];
}

/** A check a peer is known to fail in one role, and why. */
export interface PeerDeviation {
  readonly case: string;
  readonly role: "client" | "server";
  readonly note: string;
}

/** The protocol two peers use for `testCase`: the case's own when both speak it, else the first they share. */
export function protocolFor(testCase: TestCase, client: Peer, server: Peer): Protocol | undefined {
  const shared = client.protocols.filter((protocol) => server.protocols.includes(protocol));
  return shared.includes(testCase.protocol) ? testCase.protocol : shared[0];
}
