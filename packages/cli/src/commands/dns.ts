/**
 * `zquic dns`: DNS over QUIC (RFC 9250), a resolver service and a client.
 *
 * @module
 */
import type { CommandGroup } from "../command.js";
import { dnsQueryCommand } from "./dns-query.js";
import { dnsServeCommand } from "./dns-serve.js";

/** `zquic dns serve` and `zquic dns query`. */
export const dnsCommands: CommandGroup = {
  name: "dns",
  summary: "DNS over QUIC: a resolver service (serve) and a client (query)",
  commands: [dnsServeCommand, dnsQueryCommand],
};
