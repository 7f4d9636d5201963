/**
 * HTTP/3 on Node.js: `fetch()` and `serve()` of `@zquic/io` with Node
 * conveniences — certificate, key and CA files, the system's CA certificates
 * by default, `SSLKEYLOGFILE` and `QLOGDIR` from the environment.
 *
 * @module
 */
import { rootCertificates } from "node:tls";
import * as io from "@zquic/io";
import { environmentDefaults, nodeListenOptions, readCaFile, type NodeCommonOptions } from "./defaults.js";
import { nodeRuntime } from "./runtime.js";

/** `Http3Client` options, plus a CA file and a qlog directory. */
export interface NodeHttp3ClientOptions extends io.Http3ClientOptions, NodeCommonOptions {
  /** A PEM file of CA certificates (read into `trustAnchors`). */
  readonly caFile?: string;
}

/** `fetch()`'s `init`, plus the client (and so the pool and trust) to use, as Deno's `client` option. */
export interface NodeFetchInit extends RequestInit {
  /** Default: one shared client that trusts the system's CA certificates. */
  readonly client?: io.Http3Client;
}

/** `serve()` options, where the certificate and key may come from files. */
export interface NodeServeOptions extends Omit<io.ServeOptions, "cert" | "key">, NodeCommonOptions {
  readonly cert?: string;
  readonly key?: string;
  /** A PEM file with the certificate chain, leaf first. */
  readonly certFile?: string;
  /** A PEM file with the private key. */
  readonly keyFile?: string;
}

/**
 * An HTTP/3 client (see `Http3Client` in `@zquic/io`). `caFile` is read; with
 * no way to check servers given, it trusts the system's CA certificates
 * (`node:tls` `rootCertificates`).
 */
export function createHttp3Client(options: NodeHttp3ClientOptions = {}): io.Http3Client {
  const withCa = readCaFile(options);
  const trustGiven = withCa.trustAnchors !== undefined || withCa.verifier !== undefined || withCa.insecure === true;
  return new io.Http3Client(nodeRuntime, environmentDefaults(trustGiven ? withCa : { ...withCa, trustAnchors: rootCertificates.join("\n") }));
}

let sharedClient: io.Http3Client | undefined;

/** Fetches over HTTP/3 (see `Http3Client.fetch`), with `init.client` or a shared default client. */
export function fetch(input: string | URL | Request, init: NodeFetchInit = {}): Promise<Response> {
  const { client, ...rest } = init;
  return (client ?? (sharedClient ??= createHttp3Client())).fetch(input, rest);
}

/** Starts an HTTP/3 server (see `serve` in `@zquic/io`); `certFile` and `keyFile` are read. */
export async function serve(options: NodeServeOptions, handler: io.Http3Handler): Promise<io.Http3Server> {
  const { cert, key, certFile, keyFile, ...rest } = options;
  const pem = await nodeListenOptions({ alpn: [io.H3_ALPN], certificate: cert, privateKey: key, certFile, keyFile });
  return io.serve(nodeRuntime, environmentDefaults({ ...rest, cert: pem.certificate, key: pem.privateKey }), handler);
}
