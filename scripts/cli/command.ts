import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./errors";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** One `certledger` command: its name, help text, options, and what it does. */
export interface Command<O extends Options = Options> {
  name: string;
  /** The full `certledger <name> --help` text, after the usage line. */
  help: string;
  /** e.g. "<files or folders…> --api URL [--wait]" */
  usage: string;
  options: O;
  /** Runs the command; resolves to the exit code. */
  run(input: CommandInput<O>, out: Output): Promise<number>;
}

/** What a command is run with: its parsed options and positional arguments. */
export interface CommandInput<O extends Options> {
  values: ParsedValues<O>;
  positionals: string[];
}

type ParsedValues<O extends Options> = {
  [K in keyof O]?: O[K] extends { type: "boolean"; multiple: true }
    ? boolean[]
    : O[K] extends { type: "boolean" }
      ? boolean
      : O[K] extends { multiple: true }
        ? string[]
        : string;
};

/** Declares a command with its options typed (every command also takes --help and --json). */
export function defineCommand<O extends Options>(command: Command<O>): Command<O> {
  return command;
}

/** The options every command takes. */
export const COMMON_OPTIONS = {
  help: { type: "boolean", short: "h" },
  json: { type: "boolean" },
} as const;

/** Parses `argv` for `command` (strictly: an unknown option or a missing value is a UsageError naming it). */
export function parseCommand<O extends Options>(command: Command<O>, argv: string[]): CommandInput<O> & { help: boolean; json: boolean } {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...command.options, ...COMMON_OPTIONS }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message.split("\n")[0]);
  }
  const values = parsed.values as ParsedValues<O> & { help?: boolean; json?: boolean };
  return { values, positionals: parsed.positionals, help: values.help === true, json: values.json === true };
}

/** Where a command writes: its result on stdout (as text, or as JSON with --json), notes and progress on stderr. */
export class Output {
  constructor(readonly json: boolean) {}

  /** Prints the command's result: `value` as JSON with --json, else the text lines. */
  result(value: unknown, text: string | string[]): void {
    if (this.json) process.stdout.write(JSON.stringify(value, jsonReplacer, 2) + "\n");
    else process.stdout.write((Array.isArray(text) ? text.join("\n") : text) + "\n");
  }

  /** A note for the person at the terminal (stderr, so that stdout stays the result). */
  note(text: string): void {
    process.stderr.write(text + "\n");
  }
}

/** bigint → decimal string, so that results with chain values serialise. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

/** The option's value, or a UsageError naming it when it is missing. */
export function required(value: string | undefined, option: string, why = ""): string {
  if (value === undefined || value === "") throw new UsageError(`--${option} is required${why ? `: ${why}` : ""}`);
  return value;
}

/** Exactly `count` positional arguments (named in the message), or a UsageError. */
export function positionals(values: string[], names: string[]): string[] {
  if (values.length < names.length) throw new UsageError(`missing ${names.slice(values.length).join(" and ")}`);
  if (values.length > names.length) throw new UsageError(`unexpected argument ${JSON.stringify(values[names.length])}`);
  return values;
}
