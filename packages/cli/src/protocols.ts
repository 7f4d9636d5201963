/**
 * The application protocols `zquic` speaks, by ALPN.
 *
 * @module
 */
import { UsageError } from "./command.js";
import { hqInterop } from "./hq-interop.js";
import type { Protocol } from "./protocol.js";

const protocols: ReadonlyMap<string, Protocol> = new Map([[hqInterop.alpn, hqInterop]]);

/** The protocol for `alpn`; a `UsageError` naming the known ones otherwise. */
export function protocolFor(alpn: string): Protocol {
  const protocol = protocols.get(alpn);
  if (protocol === undefined) throw new UsageError(`no handler for ALPN "${alpn}" (available: ${[...protocols.keys()].join(", ")})`);
  return protocol;
}
