/**
 * `@zquic/cli`: the `zquic` command. `main(argv)` runs one subcommand and
 * resolves with the process exit status: 0 success, 1 failure, 2 bad arguments.
 * Commands load the protocol stack when they run, so help and argument
 * errors answer at once.
 *
 * @packageDocumentation
 */
import { ExitStatus, UsageError, parseCommandArgs, type Command, type CommandGroup, type Terminal } from "./command.js";
import { certCommand } from "./commands/cert.js";
import { demoCommand } from "./commands/demo.js";
import { dnsCommands } from "./commands/dns.js";
import { getCommand } from "./commands/get.js";
import { serverCommand } from "./commands/server.js";

export { ExitStatus, UsageError, type Command, type CommandGroup, type Terminal } from "./command.js";

const commands: readonly (Command | CommandGroup)[] = [serverCommand, getCommand, certCommand, dnsCommands, demoCommand];

/** The help of a command table reached by `prefix` (`zquic`, `zquic dns`). */
function overview(table: readonly (Command | CommandGroup)[], prefix: string): string {
  return `Usage: ${prefix} <command> [options]

Commands:
${table.map((command) => `  ${command.name.padEnd(8)} ${command.summary}`).join("\n")}

Run "${prefix} <command> --help" for a command's options.`;
}

/** The process's terminal: stdout, stderr, and progress only when stderr is a TTY. */
function processTerminal(): Terminal {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    progress: process.stderr.isTTY ? (text) => process.stderr.write(text) : undefined,
  };
}

const helpFlags = new Set(["--help", "-h"]);

/** Runs `zquic` with `argv` (without the program name); resolves with the exit status. */
export async function main(argv: string[], terminal: Terminal = processTerminal()): Promise<number> {
  return dispatch(commands, "zquic", argv, terminal);
}

/** Finds the command `argv` names in `table` (descending into groups) and runs it. */
async function dispatch(table: readonly (Command | CommandGroup)[], prefix: string, argv: string[], terminal: Terminal): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || helpFlags.has(name)) {
    (name === undefined ? terminal.err : terminal.out)(overview(table, prefix));
    return name === undefined ? ExitStatus.usage : ExitStatus.ok;
  }
  const command = table.find((c) => c.name === name);
  if (command === undefined) {
    terminal.err(`${prefix}: unknown command "${name}" (commands: ${table.map((c) => c.name).join(", ")})`);
    return ExitStatus.usage;
  }
  const path = `${prefix} ${command.name}`;
  if ("commands" in command) return dispatch(command.commands, path, rest, terminal);
  if (rest.some((arg) => helpFlags.has(arg))) {
    terminal.out(command.help);
    return ExitStatus.ok;
  }
  try {
    return await command.run(parseCommandArgs(command, rest), terminal);
  } catch (error) {
    const usage = error instanceof UsageError;
    terminal.err(`${path}: ${(error as Error).message}${usage ? ` (see ${path} --help)` : ""}`);
    return usage ? ExitStatus.usage : ExitStatus.failed;
  }
}
