/** What the ledger client takes and gives: its options, what a write returns, and the inputs of its calls. */
import type { BlockTag, Provider, Signer } from "ethers";
import type { Deployment } from "./deployment";
import type { ProposalKindName } from "./ledger-records";
import type { PartyCode } from "./party-code";
import type { RetryOptions } from "./retry";
import type { TransactionFees } from "./transaction-fees";

/** How to reach the ledger. */
export interface LedgerClientOptions {
  /** Where the ledger is (the deployment file's content). */
  deployment: Deployment;
  /** A provider for the ledger's chain: `connectRpc(url, { chainId })` or Hardhat's `ethers.provider`. */
  provider: Provider;
  /** Who writes; reads need none. Its nonces are managed (see {@link NonceSigner}). */
  signer?: Signer;
  /** Blocks that must hold or follow a write's transaction before it resolves (default 1: mined). */
  confirmations?: number;
  /** Retrying of transient RPC failures (reads, gas estimates, receipts, log queries). */
  retry?: RetryOptions;
  /** How often to look for a write's receipt and new blocks (default 500 ms). */
  pollIntervalMs?: number;
  /** How long a write waits for its confirmations before TX_NOT_CONFIRMED (default 5 minutes). */
  confirmationTimeoutMs?: number;
  /** Blocks per eth_getLogs request (default 10,000, what most nodes allow). */
  logChunkSize?: number;
  /** How old {@link LedgerClient.head} may be when answered (default 0: fresh from the node each time). */
  headMaxAgeMs?: number;
  /** How writes are priced (default `auto`: what ethers picks); a zero-gas-price chain takes `{ type: "legacy", gasPrice: 0n }`. */
  fees?: TransactionFees;
}

/** What a write returns once it has its confirmations. */
export interface WriteResult {
  txHash: string;
  blockNumber: number;
}

/** Pin reads to one block, so that a verifier sees one consistent state. */
export interface ReadOptions {
  blockTag?: BlockTag;
}

/** The block range of an event query (default: from the ledger's deployment block to the latest block). */
export interface EventQueryOptions {
  fromBlock?: number;
  toBlock?: number;
}

/** A certificate to anchor on its own. */
export interface AnchorCertificateInput {
  certHash: string;
  certType: number;
  validUntil: bigint;
  numberHash: string;
  /** The binary CID of the encrypted payload, as bytes or 0x hex; empty when left out. */
  payloadCid?: Uint8Array | string;
}

/** A Merkle batch to anchor (see `buildBatch`). */
export interface AnchorBatchInput {
  root: string;
  certType: number;
  leafCount: number;
  /** The binary CID of the batch manifest, as bytes or 0x hex. */
  manifestCid: Uint8Array | string;
}

/** A revocation: RFC 5280 `reason` (0-5, 9, 10), effective at `effectiveAt` (seconds), optionally replaced. */
export interface RevocationInput {
  reason: number;
  effectiveAt: bigint;
  replacement?: string;
}

/** A new issuing authority. */
export interface RegisterAuthorityInput {
  party: PartyCode;
  name: string;
  accounts: string[];
  scope: bigint;
  validFrom: bigint;
  validUntil: bigint;
}

/** A new signing key. */
export interface AddSigningKeyInput {
  authorityId: number;
  thumbprint: string;
  alg: string;
  validFrom: bigint;
  validUntil: bigint;
}

/** A key rotation: the old key retires now, the new one is valid from now until `validUntil`. */
export interface RotateSigningKeyInput {
  authorityId: number;
  oldThumbprint: string;
  newThumbprint: string;
  alg: string;
  validUntil: bigint;
}

/** A consortium proposal. */
export interface ProposeInput {
  kind: ProposalKindName;
  party?: PartyCode;
  admin?: string;
  threshold?: number;
}

/** The registry events after which a party's node list may differ. */
export const REGISTRY_EVENTS = ["PartyAdmitted", "PartySuspended", "PartyReinstated", "PartyNodeSet"] as const;
export type RegistryEventName = (typeof REGISTRY_EVENTS)[number];

/** One registry event: which, and where. */
export interface RegistryEvent {
  event: RegistryEventName;
  blockNumber: number;
  txHash: string;
}
