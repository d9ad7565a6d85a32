import type { Provider, Signer } from "ethers";
import { authorityCalls } from "./authority-calls";
import { certificateCalls } from "./certificate-calls";
import type { ChainHead } from "./chain-head";
import type { Deployment } from "./deployment";
import { eventCalls } from "./event-calls";
import type { LedgerCallsHost } from "./ledger-calls-host";
import { LedgerConnection } from "./ledger-connection";
import type { LedgerClientOptions } from "./ledger-inputs";
import type { NonceSigner } from "./nonce-signer";
import { partyCalls } from "./party-calls";

export type * from "./ledger-inputs";
export { REGISTRY_EVENTS } from "./ledger-inputs";

/** A module's calls as the client offers them (the `this` they run on is the client). */
type Calls<T> = {
  [K in keyof T]: T[K] extends (this: LedgerCallsHost, ...args: infer A) => infer R ? (...args: A) => R : never;
};

// The client's calls, one file per module of the contract: certificate-calls.ts (certificates and batches),
// authority-calls.ts (authorities and signing keys), party-calls.ts (parties, nodes, recognition, consortium) and
// event-calls.ts (event queries). What they run on — reads, typed writes, logs — is ledger-connection.ts.
// The merging is safe: the last line of this file installs every one of these calls on the class's prototype.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface LedgerClient
  extends Calls<typeof certificateCalls>, Calls<typeof authorityCalls>, Calls<typeof partyCalls>, Calls<typeof eventCalls> {}

/** The CertLedger chain client: typed reads, confirmed writes with decoded errors, and event queries. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class LedgerClient implements LedgerCallsHost {
  /** What every call goes through (provider, retries, writes, logs). */
  readonly connection: LedgerConnection;

  private constructor(connection: LedgerConnection) {
    this.connection = connection;
  }

  /** A client of the ledger of `options.deployment` on `options.provider`; with a signer it can write. */
  static connect(options: LedgerClientOptions): LedgerClient {
    return new LedgerClient(new LedgerConnection(options));
  }

  /** The same client writing as `signer` (sharing this one's chain head). */
  withSigner(signer: Signer): LedgerClient {
    return new LedgerClient(this.connection.withSigner(signer));
  }

  get deployment(): Deployment {
    return this.connection.deployment;
  }

  get provider(): Provider {
    return this.connection.provider;
  }

  /** The ledger's address. */
  get address(): string {
    return this.connection.address;
  }

  /** The signer writes go through, when there is one. */
  get signer(): NonceSigner | undefined {
    return this.connection.signer;
  }

  /** The chain's head block, shared with every client made from this one by {@link withSigner}; writes update it. */
  get head(): ChainHead {
    return this.connection.head;
  }

  /** The chain's id. */
  chainId(): Promise<number> {
    return this.connection.chainId();
  }

  /** The latest block's number. */
  blockNumber(): Promise<number> {
    return this.connection.blockNumber();
  }

  /** The chain's time now (see {@link LedgerConnection.now}): what the ledger compares with its own clock. */
  now(): Promise<bigint> {
    return this.connection.now();
  }

  /** Checks that the provider's chain is the deployment's and that the ledger's code is there (CHAIN_MISMATCH if not). */
  assertDeployment(): Promise<void> {
    return this.connection.assertDeployment();
  }
}

Object.assign(LedgerClient.prototype, certificateCalls, authorityCalls, partyCalls, eventCalls);
