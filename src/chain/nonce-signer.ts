import {
  AbstractSigner,
  BaseWallet,
  Transaction,
  type BlockTag,
  type Provider,
  type Signer,
  type TransactionLike,
  type TransactionRequest,
  type TransactionResponse,
  type TypedDataDomain,
  type TypedDataField,
} from "ethers";
import { CertLedgerError } from "../errors";
import { messagesOf } from "./errors";
import { KeystoreSigner } from "./keystore";
import { withRetry, type RetryOptions } from "./retry";

/**
 * A signer that lets many transactions from one account be in flight at once without nonce collisions.
 *
 * Why not ethers' `NonceManager`: it hands out nonces in call order but submits in whatever order the
 * concurrent `populateTransaction` calls finish, which a node that cannot queue (Hardhat's automining node,
 * or any node with a small future-nonce pool) refuses as "nonce too high"; and a send that fails still
 * consumes its nonce, so every later transaction waits forever behind the gap.
 *
 * Here everything but the nonce (gas, fees, chain id) is filled in concurrently; then, one at a time and in the
 * order they arrive, each transaction takes the next nonce and is submitted, and the next one waits until the
 * node has it. A failed submission makes the next one ask the node for its pending nonce again, so a nonce that
 * never reached the node is reused and one that did is not. So does the first transaction of every burst, so
 * that other writers of the account (or a chain reset) are noticed.
 */
export class NonceSigner extends AbstractSigner {
  readonly signer: Signer;
  readonly #retry: RetryOptions;
  /** The nonce the next transaction takes; undefined means "ask the node". */
  #next: number | undefined;
  /** Submissions queued or in progress, to know when a burst starts. */
  #queued = 0;
  #tail: Promise<unknown> = Promise.resolve();

  /** Manages the nonces of `signer`, which must be connected to a provider. */
  constructor(signer: Signer, options: { retry?: RetryOptions } = {}) {
    super(signer.provider);
    if (!signer.provider) throw new CertLedgerError("NO_SIGNER", "the signer is not connected to a provider");
    this.signer = signer;
    this.#retry = options.retry ?? {};
  }

  /** The account's address. */
  getAddress(): Promise<string> {
    return this.signer.getAddress();
  }

  /** A new NonceSigner (with nonces of its own) for the same account on `provider`. */
  connect(provider: Provider | null): NonceSigner {
    return new NonceSigner(this.signer.connect(provider), { retry: this.#retry });
  }

  /** The next nonce this signer will use, when it knows it; else the node's. */
  override async getNonce(blockTag?: BlockTag): Promise<number> {
    if (blockTag === "pending" && this.#next !== undefined) return this.#next;
    return this.signer.getNonce(blockTag);
  }

  /** Signs with the wrapped signer (the caller chooses the nonce). */
  signTransaction(tx: TransactionRequest): Promise<string> {
    return this.signer.signTransaction(tx);
  }

  /** Signs an EIP-191 message with the wrapped signer. */
  signMessage(message: string | Uint8Array): Promise<string> {
    return this.signer.signMessage(message);
  }

  /** Signs EIP-712 typed data with the wrapped signer. */
  signTypedData(domain: TypedDataDomain, types: Record<string, TypedDataField[]>, value: Record<string, unknown>): Promise<string> {
    return this.signer.signTypedData(domain, types, value);
  }

  /** Sends `tx` with the next nonce, in order with every other transaction sent through this signer. */
  override async sendTransaction(tx: TransactionRequest): Promise<TransactionResponse> {
    const populated = await this.#populateAllButNonce(tx);
    const burstStarts = this.#queued === 0;
    this.#queued++;
    const submitted = this.#tail.then(() => this.#submitInOrder(populated, burstStarts));
    this.#tail = submitted.catch(() => undefined);
    try {
      return await submitted;
    } finally {
      this.#queued--;
    }
  }

  async #populateAllButNonce(tx: TransactionRequest): Promise<TransactionLike<string>> {
    const request: TransactionRequest = { ...tx, from: await this.getAddress() };
    if (request.gasLimit == null) request.gasLimit = await withRetry(() => this.signer.estimateGas(request), this.#retry);
    // A placeholder nonce stops populateTransaction from asking the node; the real one is set in order below.
    const populated = await withRetry(() => this.signer.populateTransaction({ ...request, nonce: 0 }), this.#retry);
    return { ...populated, nonce: undefined };
  }

  async #submitInOrder(populated: TransactionLike<string>, resync: boolean): Promise<TransactionResponse> {
    for (let attempt = 1; ; attempt++) {
      if (resync || this.#next === undefined) {
        const address = await this.getAddress();
        this.#next = await withRetry(() => this.provider!.getTransactionCount(address, "pending"), this.#retry);
      }
      const nonce = this.#next;
      try {
        const response = await this.#submit({ ...populated, nonce });
        this.#next = nonce + 1;
        return response;
      } catch (error) {
        // Whether it reached the node or not, the node's pending nonce now says which nonce is free.
        this.#next = undefined;
        // The node refused the nonce itself (someone else used it, or the chain was reset): it took nothing, so
        // trying once more with a fresh nonce is safe.
        if (attempt === 1 && isNonceRefusal(error)) {
          resync = true;
          continue;
        }
        throw error;
      }
    }
  }

  async #submit(tx: TransactionLike<string>): Promise<TransactionResponse> {
    if (!signsLocally(this.signer)) {
      // A node-side account (Hardhat's, a dev node's): one attempt, since the hash is not known before sending.
      return this.signer.sendTransaction(tx as TransactionRequest);
    }
    const signed = await this.signer.signTransaction({ ...tx, from: undefined } as TransactionRequest);
    const hash = Transaction.from(signed).hash!;
    const provider = this.provider!;
    let attempts = 0;
    try {
      // Rebroadcasting the same signed bytes cannot send the transaction twice, so transient failures are retried.
      return await withRetry(() => {
        attempts++;
        return provider.broadcastTransaction(signed);
      }, this.#retry);
    } catch (error) {
      // An earlier attempt may have reached the node although its answer was lost ("already known", "nonce too low").
      if (attempts > 1) {
        const known = await provider.getTransaction(hash).catch(() => null);
        if (known) return known;
      }
      throw error;
    }
  }
}

const managed = new WeakMap<Signer, NonceSigner>();

/**
 * The one NonceSigner of `signer` (created on first use), so that every client built on the same signer object
 * shares its nonces. `signer` itself is returned when it already is a NonceSigner.
 */
export function nonceSignerFor(signer: Signer, options: { retry?: RetryOptions } = {}): NonceSigner {
  if (signer instanceof NonceSigner) return signer;
  let nonceSigner = managed.get(signer);
  if (!nonceSigner) {
    nonceSigner = new NonceSigner(signer, options);
    managed.set(signer, nonceSigner);
  }
  return nonceSigner;
}

function signsLocally(signer: Signer): boolean {
  return signer instanceof BaseWallet || signer instanceof KeystoreSigner;
}

function isNonceRefusal(error: unknown): boolean {
  return messagesOf(error).some((message) => /nonce too (low|high)|nonce has already been used|invalid nonce/i.test(message));
}
