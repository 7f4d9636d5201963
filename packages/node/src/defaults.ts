/**
 * Node.js conveniences over the runtime-neutral options: certificates from
 * files, and the environment variables tools agree on (`SSLKEYLOGFILE`,
 * `QLOGDIR`).
 *
 * @module
 */
import { appendFileSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type { CommonOptions, ConnectOptions, ListenOptions } from "@zquic/io";
import { ZquicError } from "@zquic/wire";
import { qlogDirectory } from "./qlog-files.js";

/** Options both Node entry points add. */
export interface NodeCommonOptions {
  /** Write a qlog trace per connection into this directory (default: the QLOGDIR environment variable). */
  readonly qlogDir?: string;
}

/** `connect()` options, plus a CA file. */
export interface NodeConnectOptions extends ConnectOptions, NodeCommonOptions {
  /** A PEM file of CA certificates (read into `trustAnchors`). */
  readonly caFile?: string;
}

/** `listen()` options, where the certificate and key may come from files. */
export interface NodeListenOptions extends Omit<ListenOptions, "certificate" | "privateKey">, NodeCommonOptions {
  readonly certificate?: string;
  readonly privateKey?: string;
  /** A PEM file with the certificate chain, leaf first. */
  readonly certFile?: string;
  /** A PEM file with the private key. */
  readonly keyFile?: string;
}

/** Writes key log lines to the file `SSLKEYLOGFILE` names, as Wireshark reads them. */
function keyLogFromEnvironment(): ((line: string) => void) | undefined {
  const file = process.env.SSLKEYLOGFILE;
  if (file === undefined || file === "") return undefined;
  return (line) => appendFileSync(file, `${line}\n`, { mode: 0o600 });
}

/** The environment's defaults under the caller's options, and `qlogDir` as a qlog factory. */
export function environmentDefaults<T extends Omit<CommonOptions, "alpn">>(options: T & NodeCommonOptions): T {
  const { qlogDir, ...rest } = options;
  if (qlogDir !== undefined && options.qlog !== undefined) throw new ZquicError("BAD_OPTION", "give qlog or qlogDir, not both");
  const directory = options.qlog === undefined ? (qlogDir ?? process.env.QLOGDIR) : undefined;
  const keyLog = options.keyLog ?? keyLogFromEnvironment();
  return { ...rest, ...(keyLog !== undefined ? { keyLog } : {}), ...(directory ? { qlog: qlogDirectory(directory) } : {}) } as T;
}

function onlyOne(what: string, inline: string | undefined, file: string | undefined): void {
  if (inline !== undefined && file !== undefined) throw new ZquicError("BAD_OPTION", `give ${what} inline or as a file, not both`);
}

/** Options with `caFile` read into `trustAnchors`. */
export function readCaFile<T extends { readonly trustAnchors?: string }>(options: T & { readonly caFile?: string }): T {
  onlyOne("trustAnchors", options.trustAnchors, options.caFile);
  const { caFile, ...rest } = options;
  return (caFile === undefined ? rest : { ...rest, trustAnchors: readFileSync(caFile, "utf8") }) as T;
}

/** Client options with files read and environment defaults applied. */
export function nodeConnectOptions(options: NodeConnectOptions): ConnectOptions {
  return environmentDefaults(readCaFile(options));
}

/** Server options with files read and environment defaults applied. */
export async function nodeListenOptions(options: NodeListenOptions): Promise<ListenOptions> {
  onlyOne("certificate", options.certificate, options.certFile);
  onlyOne("privateKey", options.privateKey, options.keyFile);
  const { certFile, keyFile, ...rest } = options;
  const certificate = certFile !== undefined ? await readFile(certFile, "utf8") : options.certificate;
  const privateKey = keyFile !== undefined ? await readFile(keyFile, "utf8") : options.privateKey;
  if (certificate === undefined || privateKey === undefined) {
    throw new ZquicError("BAD_OPTION", "a server needs a certificate and a private key: give certificate/privateKey (PEM) or certFile/keyFile");
  }
  return environmentDefaults({ ...rest, certificate, privateKey });
}
