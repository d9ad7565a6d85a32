import { getAddress, isAddress } from "ethers";
import { z } from "zod";
import { CertLedgerError } from "../../src/errors";

/**
 * What the network kit is generated from: the parties, the accounts of the party registry (who may send transactions),
 * the chain's parameters, and optionally the public keys each party made itself. Validated here, once, with messages
 * that name the bad field.
 */

const REGION_NAMES = new Intl.DisplayNames(["en"], { type: "region", fallback: "none" });

/** The English name of ISO 3166-1 alpha-2 region `code`, or undefined for a code that names no region. */
export function regionName(code: string): string | undefined {
  // ICU knows every ISO 3166-1 alpha-2 region; "ZZ" is its "Unknown Region", not a country.
  return /^[A-Z]{2}$/.test(code) && code !== "ZZ" ? REGION_NAMES.of(code) : undefined;
}

const address = z
  .string()
  .refine((value) => isAddress(value), "must be an 0x-prefixed 20-byte address")
  .transform((value) => getAddress(value));

const hostName = z
  .string()
  .regex(
    /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/,
    "must be a DNS name or an IPv4 address",
  );

/** One party's entry in the registry file. */
export const registryPartySchema = z.strictObject({
  /** Where the other parties reach this party's Besu (p2p) and Kubo (swarm) nodes. */
  host: hostName.optional(),
  /** Where clients reach this party's API server (the PUBLIC_URL of its links). */
  publicUrl: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
  admins: z.array(address).min(1, "a party has at least one admin account"),
  authorityAccounts: z.array(address).default([]),
});

/** The registry file: the deployer and every party's accounts. */
export const registrySchema = z.strictObject({
  deployer: address,
  parties: z.record(z.string(), registryPartySchema),
});

/** One party's public keys, made by the party itself (`certledger kit keys`). */
export const publicKeysSchema = z.strictObject({
  /** The Besu node's secp256k1 public key: 64 bytes (or 65 with the 04 prefix), 0x hex. */
  nodePublicKey: z.string().regex(/^0x(04)?[0-9a-fA-F]{128}$/, "must be a 64-byte uncompressed secp256k1 public key, 0x hex"),
  /** The Kubo node's libp2p peer ID (Ed25519: 12D3KooW…). */
  kuboPeerId: z.string().regex(/^12D3KooW[1-9A-HJ-NP-Za-km-z]{44}$/, "must be an Ed25519 libp2p peer ID (12D3KooW…)"),
});

/** Every party's public keys, by party code. */
export const publicKeysFileSchema = z.record(z.string(), publicKeysSchema);

/** The chain's parameters. */
export const chainOptionsSchema = z.strictObject({
  chainId: z
    .number()
    .int()
    .min(1)
    .max(2 ** 53 - 1),
  blockPeriodSeconds: z.number().int().min(1).max(3600),
  requestTimeoutSeconds: z.number().int().min(1).max(3600),
  epochLength: z.number().int().min(1).max(1_000_000_000),
  /** EIP-170's 24 KiB unless raised; the ledger is 22.3 KB. */
  contractSizeLimit: z
    .number()
    .int()
    .min(24_576)
    .max(2 ** 31 - 1),
  gasLimit: z
    .number()
    .int()
    .min(5_000_000)
    .max(2 ** 53 - 1),
});

export type Registry = z.output<typeof registrySchema>;
export type RegistryParty = z.output<typeof registryPartySchema>;
export type PublicKeys = z.output<typeof publicKeysSchema>;
export type ChainOptions = z.output<typeof chainOptionsSchema>;

export const DEFAULT_CHAIN_OPTIONS: ChainOptions = {
  chainId: 7373,
  blockPeriodSeconds: 2,
  requestTimeoutSeconds: 4,
  epochLength: 30_000,
  contractSizeLimit: 24_576,
  gasLimit: 30_000_000,
};

/** Parses `--parties KG,KZ,UZ`: at least one, each a known ISO 3166-1 alpha-2 code, none twice. */
export function parsePartyList(value: string): string[] {
  const codes = value
    .split(",")
    .map((code) => code.trim())
    .filter((code) => code !== "");
  if (codes.length === 0) throw kitError("--parties names no party: give at least one, e.g. KG,KZ,UZ");
  for (const code of codes) {
    if (!/^[A-Z]{2}$/.test(code)) throw kitError(`party code ${JSON.stringify(code)} is not two upper-case letters (ISO 3166-1 alpha-2)`);
    if (regionName(code) === undefined) throw kitError(`unknown party code ${code}: not an ISO 3166-1 alpha-2 country code`);
  }
  const twice = codes.find((code, i) => codes.indexOf(code) !== i);
  if (twice) throw kitError(`party ${twice} appears twice in --parties`);
  return codes;
}

/** Validates `input` against `schema`; INVALID_NETWORK_KIT naming `what` and the first bad field. */
export function parseWith<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw kitError(`${what}: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  return parsed.data;
}

/** Checks that `byParty` has an entry for each of `parties` and for no other; `what` names the file. */
export function expectSameParties(parties: string[], byParty: Record<string, unknown>, what: string): void {
  for (const code of Object.keys(byParty)) {
    if (!parties.includes(code)) throw kitError(`${what} names party ${code}, which is not in --parties (${parties.join(",")})`);
  }
  const missing = parties.filter((code) => !Object.hasOwn(byParty, code));
  if (missing.length > 0) throw kitError(`${what} has no entry for ${missing.join(", ")}`);
}

/** An INVALID_NETWORK_KIT error. */
export function kitError(message: string): CertLedgerError {
  return new CertLedgerError("INVALID_NETWORK_KIT", message);
}
