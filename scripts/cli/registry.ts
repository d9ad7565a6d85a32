import { parseDuration } from "../../server/duration";
import { CERTIFICATE_TYPES, certificateTypeName, typeSet } from "../../src/documents/certificate-types";
import type { LedgerClient, WriteResult } from "../../src/chain/ledger-client";
import { connectLedger, signerOf } from "./chain";
import type { Output } from "./command";
import { UsageError } from "./errors";
import { EXIT } from "./exit-codes";

/** What the governance and registry commands share: connecting, signing, and reading their arguments. */

/** Runs `work` with a client of the ledger (writing as --keystore / --from when `write`), and closes it after. */
export async function withLedger<T>(
  values: { rpc?: string; deployment?: string; keystore?: string; from?: string },
  write: boolean,
  work: (client: LedgerClient) => Promise<T>,
): Promise<T> {
  const connection = await connectLedger(values);
  try {
    const client = write ? connection.client.withSigner(await signerOf(values, connection.provider)) : connection.client;
    return await work(client);
  } finally {
    connection.close();
  }
}

/** Prints a confirmed write and returns exit code 0. */
export function written<R extends WriteResult>(out: Output, what: string, result: R): number {
  out.result(result, `${what} (transaction ${result.txHash}, block ${result.blockNumber})`);
  return EXIT.OK;
}

/** The subcommand (first positional) among `actions`, and the positionals after it. */
export function action<A extends string>(positionals: string[], actions: readonly A[]): [A, string[]] {
  const [name, ...rest] = positionals;
  if (name === undefined || !(actions as readonly string[]).includes(name)) {
    throw new UsageError(`give one of ${actions.join(", ")}${name === undefined ? "" : `, not ${JSON.stringify(name)}`}`);
  }
  return [name as A, rest];
}

/** A whole-number id argument. */
export function idArgument(text: string | undefined, what: string): number {
  if (text === undefined || !/^[1-9]\d{0,9}$/.test(text))
    throw new UsageError(`${what} ${text ?? "(missing)"} is not a positive whole number`);
  return Number(text);
}

/** A party code argument. */
export function partyArgument(text: string | undefined, what: string): string {
  if (text === undefined || !/^[A-Z]{2}$/.test(text))
    throw new UsageError(`${what} ${text ?? "(missing)"} is not a party code (two capital letters)`);
  return text;
}

/** A time argument in Unix seconds: an ISO date-time, Unix seconds, "now", or a duration from now ("365d"). */
export function timeArgument(text: string | undefined, option: string, fallback?: bigint): bigint {
  if (text === undefined) {
    if (fallback !== undefined) return fallback;
    throw new UsageError(`--${option} is required (an ISO date-time, Unix seconds, or a duration from now such as 365d)`);
  }
  const now = BigInt(Math.floor(Date.now() / 1000));
  if (text === "now") return now;
  if (/^\d{9,12}$/.test(text)) return BigInt(text);
  const duration = parseDuration(text);
  if (duration !== undefined) return now + BigInt(duration);
  const ms = Date.parse(text);
  if (/^\d{4}-\d{2}-\d{2}/.test(text) && !Number.isNaN(ms)) return BigInt(Math.floor(ms / 1000));
  throw new UsageError(`--${option} ${text} is not an ISO date-time, Unix seconds or a duration (365d)`);
}

/** "conformityCertificate,testReport" or "1,2" → the bit set of those types. */
export function typesArgument(text: string | undefined, option: string): bigint {
  if (!text)
    throw new UsageError(
      `--${option} is required: certificate types (${Object.keys(CERTIFICATE_TYPES).join(", ")} or 1..63), comma-separated`,
    );
  const numbers = text.split(",").map((part) => {
    const name = part.trim();
    if (Object.hasOwn(CERTIFICATE_TYPES, name)) return CERTIFICATE_TYPES[name as keyof typeof CERTIFICATE_TYPES];
    if (/^[1-9]\d?$/.test(name) && Number(name) <= 63) return Number(name);
    throw new UsageError(`--${option}: ${JSON.stringify(name)} is not a certificate type`);
  });
  return typeSet(...numbers);
}

/** A type bit set as names ("conformityCertificate, testReport"). */
export function typeNames(set: bigint): string {
  const names: string[] = [];
  for (let t = 1; t < 64; t++) if ((set >> BigInt(t)) & 1n) names.push(certificateTypeName(t) ?? String(t));
  return names.join(", ") || "(none)";
}

/** Seconds as an ISO date-time. */
export function iso(seconds: bigint): string {
  return new Date(Number(seconds) * 1000).toISOString();
}

export const WRITE_OPTIONS_HELP = "(signed with --keystore FILE or --from ADDRESS; --rpc URL and --deployment FILE say where)";
