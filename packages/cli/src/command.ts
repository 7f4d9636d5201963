/**
 * The shape every `zquic` command has, and argument parsing that turns
 * mistakes into a {@link UsageError} (one line, exit status 2).
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";

/** Exit statuses: success, failure of the work, bad arguments. */
export const ExitStatus = { ok: 0, failed: 1, usage: 2 } as const;

/** Bad arguments: printed as one line, exit status 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Where a command writes. */
export interface Terminal {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Progress output (stderr); `undefined` when stderr is not a terminal. */
  readonly progress: ((text: string) => void) | undefined;
}

/** Options as `node:util` `parseArgs` describes them. */
export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

/** Parsed arguments. */
export interface Arguments {
  readonly values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  readonly positionals: string[];
}

/** A subcommand of `zquic`. */
export interface Command {
  readonly name: string;
  /** One line for `zquic --help`. */
  readonly summary: string;
  /** The full `--help` text. */
  readonly help: string;
  readonly options: OptionSpec;
  readonly positionals: boolean;
  /** Runs with parsed arguments; resolves with the exit status. Throws `UsageError` for bad arguments. */
  run(args: Arguments, terminal: Terminal): Promise<number>;
}

/** Commands under one name, e.g. `zquic dns serve` and `zquic dns query`. */
export interface CommandGroup {
  readonly name: string;
  /** One line for the parent's `--help`. */
  readonly summary: string;
  readonly commands: readonly Command[];
}

/** Parses `argv` for `command`; bad arguments become a `UsageError`. */
export function parseCommandArgs(command: Command, argv: string[]): Arguments {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: command.options, allowPositionals: command.positionals, strict: true });
    return { values: values as Arguments["values"], positionals };
  } catch (error) {
    throw new UsageError(firstSentence((error as Error).message));
  }
}

function firstSentence(message: string): string {
  const end = message.search(/\.\s/);
  return end < 0 ? message : message.slice(0, end);
}

/** A required string option. */
export function required(args: Arguments, name: string): string {
  const value = args.values[name];
  if (typeof value !== "string" || value === "") throw new UsageError(`--${name} is required`);
  return value;
}

/** An optional string option. */
export function optional(args: Arguments, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === "string" ? value : undefined;
}

/** A repeatable string option, with a default when absent. */
export function list(args: Arguments, name: string, fallback: readonly string[]): readonly string[] {
  const value = args.values[name];
  return Array.isArray(value) && value.length > 0 ? (value as string[]) : fallback;
}

/** An integer option of at least `min`, with a default when absent. */
export function integer(args: Arguments, name: string, fallback: number, min = 1): number {
  const value = args.values[name];
  if (typeof value !== "string") return fallback;
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed) || parsed < min) throw new UsageError(`--${name} must be an integer of at least ${min}, not "${value}"`);
  return parsed;
}

/** A boolean flag. */
export function flag(args: Arguments, name: string): boolean {
  return args.values[name] === true;
}
