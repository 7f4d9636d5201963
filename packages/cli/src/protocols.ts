/**
 * The application protocols `zquic` speaks, by ALPN.
 *
 * @module
 */
import { UsageError } from "./command.js";
import { h3 } from "./h3.js";
import { hqInterop } from "./hq-interop.js";
import type { Protocol } from "./protocol.js";

const protocols: ReadonlyMap<string, Protocol> = new Map([h3, hqInterop].map((protocol) => [protocol.alpn, protocol]));

/** The protocol for `alpn`; a `UsageError` naming the known ones otherwise. */
export function protocolFor(alpn: string): Protocol {
  const protocol = protocols.get(alpn);
  if (protocol === undefined) throw new UsageError(`no handler for ALPN "${alpn}" (available: ${[...protocols.keys()].join(", ")})`);
  return protocol;
}

/** The protocols `--alpn` names, repeated or comma-separated (`--alpn h3,hq-interop`), in preference order. */
export function protocolsFor(alpns: readonly string[]): Protocol[] {
  const names = alpns.flatMap((alpn) => alpn.split(",")).map((alpn) => alpn.trim());
  if (names.some((name) => name === "")) throw new UsageError(`--alpn ${alpns.join(",")} names an empty protocol`);
  return [...new Set(names)].map(protocolFor);
}
