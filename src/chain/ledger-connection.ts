import type { Interface, Log, LogDescription, Provider, Signer, TransactionReceipt } from "ethers";
import { ICertificateLedger__factory, type ICertificateLedger } from "../../typechain-types";
import { CertLedgerError } from "../errors";
import { ChainHead } from "./chain-head";
import { waitForConfirmations } from "./confirmations";
import type { Deployment } from "./deployment";
import { toCertLedgerError } from "./errors";
import type { EventQueryOptions, LedgerClientOptions, ReadOptions, WriteResult } from "./ledger-inputs";
import {
  LedgerViews,
  type LedgerViewArgs,
  type LedgerViewName,
  type LedgerViewResult,
  type LedgerWriteArgs,
  type LedgerWriteName,
} from "./ledger-views";
import { nonceSignerFor, type NonceSigner } from "./nonce-signer";
import { withRetry, type RetryOptions } from "./retry";
import { feeFields, type TransactionFees } from "./transaction-fees";

const DEFAULT_POLL_MS = 500;
const DEFAULT_CONFIRMATION_TIMEOUT_MS = 5 * 60_000;
const DEFAULT_LOG_CHUNK = 10_000;
const LOG_QUERIES_AT_ONCE = 4;
const TIMESTAMP_CACHE_SIZE = 10_000;
/** Head room over the gas estimate: state can change between estimating and mining (e.g. a batch materialised). */
const GAS_MARGIN_PERCENT = 120n;

/**
 * What every call of the ledger client goes through: the provider and the ledger's address, the shared chain head,
 * reads retried and pinned to a block, writes estimated, sent in nonce order and confirmed with their reverts decoded,
 * and event queries in chunks. The calls themselves, one file per module of the contract, are LedgerClient's.
 */
export class LedgerConnection {
  readonly deployment: Deployment;
  readonly provider: Provider;
  /** The ledger's address. */
  readonly address: string;
  /** The signer writes go through, when there is one. */
  readonly signer: NonceSigner | undefined;
  /** The chain's head block, shared with every client made from this one by {@link LedgerConnection.withSigner}; writes update it. */
  readonly head: ChainHead;
  readonly #ledger: ICertificateLedger;
  readonly #views: LedgerViews;
  readonly #confirmations: number;
  readonly #retry: RetryOptions;
  readonly #pollIntervalMs: number;
  readonly #confirmationTimeoutMs: number;
  readonly #logChunkSize: number;
  readonly #fees: TransactionFees | undefined;
  readonly #timestamps = new Map<string, bigint>();

  constructor(options: LedgerClientOptions, head?: ChainHead) {
    this.deployment = options.deployment;
    this.provider = options.provider;
    this.address = options.deployment.ledger.address;
    this.#retry = options.retry ?? {};
    this.#confirmations = options.confirmations ?? 1;
    this.#pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_MS;
    this.#confirmationTimeoutMs = options.confirmationTimeoutMs ?? DEFAULT_CONFIRMATION_TIMEOUT_MS;
    this.#logChunkSize = options.logChunkSize ?? DEFAULT_LOG_CHUNK;
    this.#fees = options.fees;
    feeFields(this.#fees); // a bad price fails here, at start-up, not at the first write
    if (!Number.isInteger(this.#confirmations) || this.#confirmations < 1) {
      throw new CertLedgerError("INVALID_CONFIG", `confirmations must be a positive integer, not ${this.#confirmations}`);
    }
    if (!Number.isInteger(this.#logChunkSize) || this.#logChunkSize < 1) {
      throw new CertLedgerError("INVALID_CONFIG", `logChunkSize must be a positive integer, not ${this.#logChunkSize}`);
    }
    this.#ledger = ICertificateLedger__factory.connect(this.address, this.provider);
    this.#views = new LedgerViews(this.#ledger.interface, this.provider, this.address);
    this.head = head ?? new ChainHead(this.provider, { maxAgeMs: options.headMaxAgeMs, retry: this.#retry });
    const signer = options.signer && !options.signer.provider ? options.signer.connect(this.provider) : options.signer;
    this.signer = signer ? nonceSignerFor(signer, { retry: this.#retry }) : undefined;
  }

  /** The same connection writing as `signer`, sharing this one's head. */
  withSigner(signer: Signer): LedgerConnection {
    return new LedgerConnection(
      {
        deployment: this.deployment,
        provider: this.provider,
        signer,
        confirmations: this.#confirmations,
        retry: this.#retry,
        pollIntervalMs: this.#pollIntervalMs,
        confirmationTimeoutMs: this.#confirmationTimeoutMs,
        logChunkSize: this.#logChunkSize,
        fees: this.#fees,
      },
      this.head,
    );
  }

  // ---------------------------------------------------------------- chain

  /** The chain's id. */
  async chainId(): Promise<number> {
    const network = await this.read("chainId", () => this.provider.getNetwork());
    return Number(network.chainId);
  }

  /** The latest block's number. */
  async blockNumber(): Promise<number> {
    return this.read("blockNumber", () => this.provider.getBlockNumber());
  }

  /**
   * The chain's time now: its head block's timestamp (from {@link head}, so at most `headMaxAgeMs` old), in seconds.
   * The one "now" for what the ledger compares with its own clock (a key's validFrom, a revocation's effective time):
   * the ledger refuses a time after its latest block, and this machine's clock may be ahead. CHAIN_UNAVAILABLE when the
   * node does not answer: there is no fallback to the wall clock, since a write needing it could not be sent anyway.
   */
  async now(): Promise<bigint> {
    return (await this.head.latest()).timestamp;
  }

  /** Checks that the provider's chain is the deployment's and that the ledger's code is there (CHAIN_MISMATCH if not). */
  async assertDeployment(): Promise<void> {
    const chainId = await this.chainId();
    if (chainId !== this.deployment.chainId) {
      throw new CertLedgerError("CHAIN_MISMATCH", `the deployment is for chain ${this.deployment.chainId}, the node is chain ${chainId}`);
    }
    const code = await this.read("getCode", () => this.provider.getCode(this.address));
    if (code === "0x") throw new CertLedgerError("CHAIN_MISMATCH", `chain ${chainId} has no contract at ${this.address}`);
  }

  // ---------------------------------------------------------------- what the calls use

  /** Calls view `method`, retried, at `options.blockTag`. */
  view<M extends LedgerViewName>(method: M, args: LedgerViewArgs<M>, options: ReadOptions): Promise<LedgerViewResult<M>> {
    return this.read(method, () => this.#views.call(method, args, options.blockTag));
  }

  /** `operation`, retried; its failure as a CertLedgerError naming `action`. */
  read<T>(action: string, operation: () => Promise<T>): Promise<T> {
    return withRetry(operation, this.#retry).catch((error: unknown) => {
      throw toCertLedgerError(error, action);
    });
  }

  /** Sends write `method` with `args` (typed as the contract's, by TypeChain) and resolves once confirmed. */
  async write<M extends LedgerWriteName>(method: M, args: LedgerWriteArgs<M>): Promise<WriteResult> {
    const { txHash, blockNumber } = await this.send(method, args);
    return { txHash, blockNumber };
  }

  /** Estimates, sends in nonce order, waits for the confirmations and decodes any revert. */
  async send<M extends LedgerWriteName>(method: M, args: LedgerWriteArgs<M>): Promise<WriteResult & { receipt: TransactionReceipt }> {
    let data: string;
    try {
      // The arguments were checked against the function's TypeChain types at the call; its overloads take no generic name.
      data = (this.#ledger.interface as Interface).encodeFunctionData(method, args as readonly unknown[]);
    } catch (error) {
      throw toCertLedgerError(error, method);
    }
    return this.sendData(this.address, data, method);
  }

  /**
   * Sends call `data` to the contract at `to` as {@link send} does (estimated, nonce order, confirmed, revert decoded);
   * `action` names it in errors. For the contracts deployed beside the ledger, which share its chain, head and signer.
   */
  async sendData(to: string, data: string, action: string): Promise<WriteResult & { receipt: TransactionReceipt }> {
    const signer = this.signer;
    if (!signer) throw new CertLedgerError("NO_SIGNER", `${action}: this client has no signer; connect one to write`);
    try {
      const from = await signer.getAddress();
      const request = { to, from, data };
      // Estimating first means a refused write fails here, with the revert data, and spends no nonce.
      const estimate = await withRetry(() => this.provider.estimateGas(request), this.#retry);
      const gasLimit = (estimate * GAS_MARGIN_PERCENT) / 100n;
      const response = await signer.sendTransaction({ to, data, gasLimit, ...feeFields(this.#fees) });
      const receipt = await waitForConfirmations(this.provider, response.hash, {
        confirmations: this.#confirmations,
        pollIntervalMs: this.#pollIntervalMs,
        timeoutMs: this.#confirmationTimeoutMs,
        retry: this.#retry,
      });
      if (receipt.status !== 1) await this.#explainFailure(request, receipt);
      this.head.observe(receipt.blockNumber);
      return { txHash: response.hash, blockNumber: receipt.blockNumber, receipt };
    } catch (error) {
      throw toCertLedgerError(error, action);
    }
  }

  /** A receipt says only "failed"; replaying the call on the block's state says why (and throws it). */
  async #explainFailure(request: { to: string; from: string; data: string }, receipt: TransactionReceipt): Promise<never> {
    await this.provider.call({ ...request, blockTag: receipt.blockNumber });
    throw new CertLedgerError("TX_FAILED", `transaction ${receipt.hash} failed on chain, and replaying it does not say why`, {
      details: { txHash: receipt.hash, blockNumber: receipt.blockNumber },
    });
  }

  /** The ledger's event `name` in `receipt` (TX_FAILED when it emitted none). */
  eventIn(receipt: TransactionReceipt, name: "AuthorityRegistered" | "ProposalCreated"): LogDescription {
    for (const log of receipt.logs) {
      if (log.address.toLowerCase() !== this.address.toLowerCase()) continue;
      const parsed = this.#ledger.interface.parseLog(log);
      if (parsed?.name === name) return parsed;
    }
    throw new CertLedgerError("TX_FAILED", `transaction ${receipt.hash} emitted no ${name} event`);
  }

  /**
   * eth_getLogs of the ledger (or of the contract at `contract.address`, deployed at `contract.deploymentBlock`) in
   * chunks of `logChunkSize` blocks, a few chunks at a time, each retried.
   */
  async logs(
    topics: (string | string[] | null)[],
    options: EventQueryOptions,
    contract: { address: string; deploymentBlock: number } = {
      address: this.address,
      deploymentBlock: this.deployment.ledger.deploymentBlock,
    },
  ): Promise<Log[]> {
    const from = options.fromBlock ?? contract.deploymentBlock;
    const to = options.toBlock ?? (await this.blockNumber());
    const ranges: [number, number][] = [];
    for (let start = from; start <= to; start += this.#logChunkSize) ranges.push([start, Math.min(to, start + this.#logChunkSize - 1)]);
    const logs: Log[] = [];
    for (let i = 0; i < ranges.length; i += LOG_QUERIES_AT_ONCE) {
      const batch = ranges
        .slice(i, i + LOG_QUERIES_AT_ONCE)
        .map(([fromBlock, toBlock]) =>
          this.read("getLogs", () => this.provider.getLogs({ address: contract.address, topics, fromBlock, toBlock })),
        );
      for (const chunk of await Promise.all(batch)) logs.push(...chunk);
    }
    return sortLogs(logs.filter((log) => !log.removed));
  }

  /** `logs` parsed with their blocks' timestamps; what `parse` gives undefined for is left out. */
  async parse<T>(logs: Log[], parse: (log: Log, timestamp: bigint) => T | undefined): Promise<T[]> {
    const timestamps = await Promise.all(logs.map((log) => this.#timestamp(log.blockHash)));
    return logs.map((log, i) => parse(log, timestamps[i])).filter((event): event is T => event !== undefined);
  }

  /** Block timestamps by block hash (not number, so that a reorganisation cannot give a stale one). */
  async #timestamp(blockHash: string): Promise<bigint> {
    const cached = this.#timestamps.get(blockHash);
    if (cached !== undefined) return cached;
    const block = await this.read("getBlock", () => this.provider.getBlock(blockHash));
    if (!block) throw new CertLedgerError("CHAIN_UNAVAILABLE", `block ${blockHash} is unknown to the node (reorganised away?)`);
    if (this.#timestamps.size >= TIMESTAMP_CACHE_SIZE) this.#timestamps.clear();
    this.#timestamps.set(blockHash, BigInt(block.timestamp));
    return BigInt(block.timestamp);
  }
}

/** Logs in chain order. */
export function sortLogs(logs: Log[]): Log[] {
  return logs.sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index);
}
