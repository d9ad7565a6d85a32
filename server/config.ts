import { isIP } from "node:net";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { TRANSACTION_TYPES, type TransactionFees } from "../src/chain/transaction-fees";
import { CertLedgerError } from "../src/errors";
import { parseDuration } from "./duration";

/**
 * The server's configuration, read once from the environment at start-up. Every variable is documented in
 * `.env.example`; an empty value counts as unset. A bad value stops the server with INVALID_CONFIG naming the variable.
 */

const MIB = 1024 * 1024;

const integer = (min: number, max: number, fallback: number) =>
  z
    .string()
    .default(String(fallback))
    .pipe(z.string().regex(/^\d+$/, `must be a whole number from ${min} to ${max}`))
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const url = (protocols: RegExp) =>
  z.url({ protocol: protocols, error: `must be a URL (${protocols.source.replace(/[\^$]/g, "")})` }).optional();

const envSchema = z.object({
  PORT: integer(0, 65535, 8080),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATA_DIR: z.string().min(1).default("./.certledger"),
  RPC_URL: url(/^(https?|wss?)$/),
  CHAIN_PORT: integer(1, 65535, 8545),
  KEYRING_PASSWORD: z.string().min(8, "must have at least 8 characters").optional(),
  LEDGER_DEPLOYMENT: z.string().min(1).optional(),
  IPFS_API_URL: url(/^https?$/),
  IPFS_LISTEN: z
    .string()
    .regex(/^\/(ip4|ip6|dns4|dns6|dns)\/[^/]+\/tcp\/\d{1,5}$/, "must be a TCP multiaddr such as /ip4/0.0.0.0/tcp/4001")
    .default("/ip4/127.0.0.1/tcp/0"),
  IPFS_ANNOUNCE: z.enum(["0", "1"], { error: "must be 1 or 0" }).default("0"),
  CONFIRMATIONS: integer(1, 1000, 1),
  TX_TYPE: z.enum(TRANSACTION_TYPES, { error: `must be ${TRANSACTION_TYPES.join(", ")}` }).default("auto"),
  GAS_PRICE_WEI: z
    .string()
    .regex(/^\d{1,30}$/, "must be a whole number of wei (0 on a zero-gas-price chain)")
    .transform(BigInt)
    .optional(),
  BATCH_MAX_SIZE: integer(1, 1_000_000, 1000),
  BATCH_MAX_WAIT_MS: integer(0, 3_600_000, 200),
  MAX_FILE_BYTES: integer(1, 1024 * MIB, 20 * MIB),
  MAX_BATCH_REQUEST: integer(1, 10_000, 100),
  PDF_WORKERS: integer(0, 1024, os.availableParallelism()),
  VERIFY_PROCESSES: integer(0, 64, 0),
  RATE_LIMIT_PER_MINUTE: integer(1, 1_000_000, 120),
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const trust = trustProxy(value);
      if (trust === undefined) {
        ctx.addIssue({
          code: "custom",
          message:
            "must be the number of reverse proxies in front of the server (1-10), or a comma-separated list of their " +
            "addresses or CIDR ranges (or loopback, linklocal, uniquelocal); never true, which would trust any client's X-Forwarded-For",
        });
        return z.NEVER;
      }
      return trust;
    }),
  JWT_ISSUER: z.string().min(1).default("certledger"),
  JWT_TTL: z
    .string()
    .default("1d")
    .transform((value, ctx) => {
      const seconds = parseDuration(value);
      if (seconds === undefined) {
        ctx.addIssue({ code: "custom", message: 'must be a duration such as "3600", "90m", "12h" or "30d"' });
        return z.NEVER;
      }
      return seconds;
    }),
  PUBLIC_URL: url(/^https?$/),
  CERTLEDGER_DEMO: z.enum(["0", "1"], { error: "must be 1 or 0" }).default("1"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

/** The validated configuration, with defaults applied and derived values resolved. */
export interface ServerConfig {
  port: number;
  host: string;
  /** Absolute path of the data folder. */
  dataDir: string;
  /** The JSON-RPC endpoint; undefined means the embedded anvil chain. */
  rpcUrl: string | undefined;
  /** The embedded anvil chain's port. */
  chainPort: number;
  /** Unlocks the keyring (authority signing keys, account keystores); required with RPC_URL. */
  keyringPassword: string | undefined;
  /** Absolute path of the deployment file (default: `deployment.json` in the data folder). */
  deploymentFile: string;
  /** The Kubo RPC API; undefined means the embedded Helia node. */
  ipfsApiUrl: string | undefined;
  /** Where the embedded Helia node listens for the other parties' nodes (a TCP multiaddr; port 0: any free port). */
  ipfsListen: string;
  /** Register the embedded node (and the party's encryption key) on the ledger, as each party this server administers. */
  ipfsAnnounce: boolean;
  confirmations: number;
  /** How the server prices its transactions (TX_TYPE, GAS_PRICE_WEI). */
  fees: TransactionFees;
  batchMaxSize: number;
  batchMaxWaitMs: number;
  maxFileBytes: number;
  maxBatchRequest: number;
  /** Worker threads stamping PDFs and sealing credentials (default: one per core); 0 does both on the main thread. */
  pdfWorkers: number;
  /**
   * Processes beside the node's own that share its public port and answer anonymous verifications by hash
   * (server/verification-process.ts); 0: the node answers everything on its one thread.
   */
  verifyProcesses: number;
  rateLimitPerMinute: number;
  /**
   * Which reverse proxies' X-Forwarded-For the server believes (Express's "trust proxy"): false (none: the client is
   * the TCP peer), a number of hops, or the proxies' addresses. The rate limit keys on the client address it gives.
   */
  trustProxy: TrustProxy;
  jwtIssuer: string;
  /** Default lifetime of a minted token, in seconds. */
  jwtTtlSeconds: number;
  /** Where clients reach this server, without a trailing slash: the base of every link it hands out. */
  publicUrl: string;
  demo: boolean;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
}

/**
 * How stale the head block a verification reads at may be: a change made through another node (a revocation) shows
 * here at most this long after its block reached our node; one made through this node shows at once (ChainHead).
 * A quarter of a second is well under a block interval of a QBFT chain, and costs the chain's node at most 4 requests a
 * second from this node, and as many from each verification process (VERIFY_PROCESSES), which keeps a head of its own.
 */
export const HEAD_MAX_AGE_MS = 250;

/** The environment variables the server reads. */
export const CONFIG_VARIABLES = Object.keys(envSchema.shape) as (keyof typeof envSchema.shape)[];

/** Reads and validates the configuration from `env`; throws INVALID_CONFIG naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const raw: Record<string, string | undefined> = {};
  for (const name of CONFIG_VARIABLES) raw[name] = env[name] === "" ? undefined : env[name]?.trim();
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new CertLedgerError("INVALID_CONFIG", `invalid environment variable ${problems.join("; ")}`, {
      details: { variables: parsed.error.issues.map((issue) => issue.path.join(".")) },
    });
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    rpcUrl: e.RPC_URL,
    chainPort: e.CHAIN_PORT,
    keyringPassword: e.KEYRING_PASSWORD,
    deploymentFile: e.LEDGER_DEPLOYMENT === undefined ? path.join(dataDir, "deployment.json") : path.resolve(e.LEDGER_DEPLOYMENT),
    ipfsApiUrl: e.IPFS_API_URL,
    ipfsListen: e.IPFS_LISTEN,
    ipfsAnnounce: e.IPFS_ANNOUNCE === "1",
    confirmations: e.CONFIRMATIONS,
    fees: transactionFees(e.TX_TYPE, e.GAS_PRICE_WEI),
    batchMaxSize: e.BATCH_MAX_SIZE,
    batchMaxWaitMs: e.BATCH_MAX_WAIT_MS,
    maxFileBytes: e.MAX_FILE_BYTES,
    maxBatchRequest: e.MAX_BATCH_REQUEST,
    pdfWorkers: e.PDF_WORKERS,
    verifyProcesses: e.VERIFY_PROCESSES,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    trustProxy: e.TRUST_PROXY,
    jwtIssuer: e.JWT_ISSUER,
    jwtTtlSeconds: e.JWT_TTL,
    publicUrl: (e.PUBLIC_URL ?? `http://${urlHost(e.HOST)}:${e.PORT}`).replace(/\/+$/, ""),
    demo: e.CERTLEDGER_DEMO === "1",
    logLevel: e.LOG_LEVEL,
  };
}

/** What TRUST_PROXY says: no proxy, a number of proxies, or the proxies' addresses and ranges. */
export type TrustProxy = false | number | string[];

const PROXY_NAMES = new Set(["loopback", "linklocal", "uniquelocal"]);

/** TRUST_PROXY read, or undefined when it is not a value the server accepts. */
function trustProxy(value: string | undefined): TrustProxy | undefined {
  if (value === undefined || value === "0" || value === "false") return false;
  if (/^\d{1,2}$/.test(value)) {
    const hops = Number(value);
    return hops >= 1 && hops <= 10 ? hops : undefined;
  }
  const entries = value.split(",").map((entry) => entry.trim());
  const valid = entries.every((entry) => {
    if (PROXY_NAMES.has(entry)) return true;
    const [address, bits, ...rest] = entry.split("/");
    const family = isIP(address);
    if (family === 0 || rest.length > 0) return false;
    if (bits === undefined) return true;
    return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
  });
  return valid && entries.length > 0 ? entries : undefined;
}

/** TX_TYPE and GAS_PRICE_WEI as fees; a price without a type (auto) has nothing to apply to, so it is refused. */
function transactionFees(type: (typeof TRANSACTION_TYPES)[number], gasPrice: bigint | undefined): TransactionFees {
  if (type === "auto") {
    if (gasPrice === undefined) return { type };
    throw new CertLedgerError("INVALID_CONFIG", "invalid environment variable GAS_PRICE_WEI: needs TX_TYPE=legacy or TX_TYPE=eip1559", {
      details: { variables: ["GAS_PRICE_WEI"] },
    });
  }
  return { type, gasPrice };
}

/** A host as it appears in a URL (an IPv6 address in brackets). */
function urlHost(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}
