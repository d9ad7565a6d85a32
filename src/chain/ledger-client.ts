import type { BlockTag, Interface, Log, LogDescription, Provider, Signer, TransactionReceipt } from "ethers";
import { ICertificateLedger__factory, type ICertificateLedger } from "../../typechain-types";
import { CertLedgerError } from "../errors";
import type { BatchMember } from "../merkle/batch";
import { ChainHead } from "./chain-head";
import { waitForConfirmations } from "./confirmations";
import type { Deployment } from "./deployment";
import { toCertLedgerError } from "./errors";
import {
  CERTIFICATE_EVENT_TOPICS,
  EVENT_TOPICS,
  parseBatchAnchored,
  parseCertificateEvent,
  type BatchAnchoredEvent,
  type CertificateAnchoredEvent,
  type CertificateEvent,
  type NumberHashEvent,
} from "./ledger-events";
import {
  PROPOSAL_KINDS,
  toAuthorityRecord,
  toBatchRecord,
  toCertificateRecord,
  toCertificateState,
  toPartyRecord,
  toProposalRecord,
  toSigningKeyRecord,
  type AuthorityRecord,
  type BatchRecord,
  type CertificateRecord,
  type CertificateStateName,
  type PartyNode,
  type PartyRecord,
  type ProposalKindName,
  type ProposalRecord,
  type SigningKeyRecord,
} from "./ledger-records";
import { nonceSignerFor, type NonceSigner } from "./nonce-signer";
import { bytes2ToPartyCode, partyCodeToBytes2, type PartyCode } from "./party-code";
import { LedgerViews, type LedgerViewArgs, type LedgerViewName, type LedgerViewResult } from "./ledger-views";
import { withRetry, type RetryOptions } from "./retry";
import { feeFields, type TransactionFees } from "./transaction-fees";
import { address, algBytes16, bytes32, cidBytes, nonZero, optionalBytes32, smallUint, uint64 } from "./values";

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

const REGISTRY_TOPICS = REGISTRY_EVENTS.map((name) => ICertificateLedger__factory.createInterface().getEvent(name).topicHash);

const DEFAULT_POLL_MS = 500;
const DEFAULT_CONFIRMATION_TIMEOUT_MS = 5 * 60_000;
const DEFAULT_LOG_CHUNK = 10_000;
const LOG_QUERIES_AT_ONCE = 4;
const TIMESTAMP_CACHE_SIZE = 10_000;
/** Head room over the gas estimate: state can change between estimating and mining (e.g. a batch materialised). */
const GAS_MARGIN_PERCENT = 120n;

/** The CertLedger chain client: typed reads, confirmed writes with decoded errors, and event queries. */
export class LedgerClient {
  readonly deployment: Deployment;
  readonly provider: Provider;
  /** The ledger's address. */
  readonly address: string;
  /** The signer writes go through, when there is one. */
  readonly signer: NonceSigner | undefined;
  /** The chain's head block, shared with every client made from this one by {@link withSigner}; writes update it. */
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

  private constructor(options: LedgerClientOptions, head?: ChainHead) {
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

  /** A client of the ledger of `options.deployment` on `options.provider`; with a signer it can write. */
  static connect(options: LedgerClientOptions): LedgerClient {
    return new LedgerClient(options);
  }

  /** The same client writing as `signer`. */
  withSigner(signer: Signer): LedgerClient {
    return new LedgerClient(
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
    const network = await this.#read("chainId", () => this.provider.getNetwork());
    return Number(network.chainId);
  }

  /** The latest block's number. */
  async blockNumber(): Promise<number> {
    return this.#read("blockNumber", () => this.provider.getBlockNumber());
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
    const code = await this.#read("getCode", () => this.provider.getCode(this.address));
    if (code === "0x") throw new CertLedgerError("CHAIN_MISMATCH", `chain ${chainId} has no contract at ${this.address}`);
  }

  // ---------------------------------------------------------------- certificates: writes

  /** Anchors one certificate. */
  async anchorCertificate(input: AnchorCertificateInput): Promise<WriteResult> {
    return this.#write("anchorCertificate", [
      bytes32(input.certHash, "certHash"),
      smallUint(input.certType, 8, "certType"),
      uint64(input.validUntil, "validUntil"),
      bytes32(input.numberHash, "numberHash"),
      cidBytes(input.payloadCid, "payloadCid"),
    ]);
  }

  /** Anchors the Merkle root of a batch. */
  async anchorBatch(input: AnchorBatchInput): Promise<WriteResult> {
    return this.#write("anchorBatch", [
      bytes32(input.root, "root"),
      smallUint(input.certType, 8, "certType"),
      smallUint(input.leafCount, 32, "leafCount"),
      cidBytes(input.manifestCid, "manifestCid"),
    ]);
  }

  /** Suspends a certificate anchored on its own. */
  async suspendCertificate(certHash: string): Promise<WriteResult> {
    return this.#write("suspendCertificate", [bytes32(certHash, "certHash")]);
  }

  /** Reinstates a suspended certificate. */
  async reinstateCertificate(certHash: string): Promise<WriteResult> {
    return this.#write("reinstateCertificate", [bytes32(certHash, "certHash")]);
  }

  /** Revokes a certificate for good. */
  async revokeCertificate(input: RevocationInput & { certHash: string }): Promise<WriteResult> {
    return this.#write("revokeCertificate", [bytes32(input.certHash, "certHash"), ...revocationArgs(input)]);
  }

  /** Suspends a certificate of a batch, proven by `member`. */
  async suspendBatchedCertificate(member: BatchMember): Promise<WriteResult> {
    return this.#write("suspendBatchedCertificate", [memberStruct(member)]);
  }

  /** Reinstates a suspended certificate of a batch, proven by `member`. */
  async reinstateBatchedCertificate(member: BatchMember): Promise<WriteResult> {
    return this.#write("reinstateBatchedCertificate", [memberStruct(member)]);
  }

  /** Revokes a certificate of a batch, proven by `member`. */
  async revokeBatchedCertificate(member: BatchMember, revocation: RevocationInput): Promise<WriteResult> {
    return this.#write("revokeBatchedCertificate", [memberStruct(member), ...revocationArgs(revocation)]);
  }

  // ---------------------------------------------------------------- certificates: reads

  /** The record of the direct anchoring of `certHash`, or undefined when it was not anchored on its own. */
  async getCertificate(certHash: string, options: ReadOptions = {}): Promise<CertificateRecord | undefined> {
    const hash = bytes32(certHash, "certHash");
    return toCertificateRecord(hash, await this.#view("getCertificate", [hash], options));
  }

  /** What `certHash` is at `time` (seconds). */
  async certificateStateAt(certHash: string, time: bigint, options: ReadOptions = {}): Promise<CertificateStateName> {
    const args = [bytes32(certHash, "certHash"), uint64(time, "time")] as const;
    return toCertificateState(await this.#view("certificateStateAt", args, options));
  }

  /** What a batched certificate is at `time`; Unknown when its proof fails. */
  async batchedCertificateStateAt(member: BatchMember, time: bigint, options: ReadOptions = {}): Promise<CertificateStateName> {
    const args = [memberStruct(member), uint64(time, "time")] as const;
    return toCertificateState(await this.#view("batchedCertificateStateAt", args, options));
  }

  /**
   * The record of a batched certificate (its own once its status changed, else its batch's), or undefined when the
   * proof does not place it in the batch of `member.root` and `member.authorityId`.
   */
  async getBatchedCertificate(member: BatchMember, options: ReadOptions = {}): Promise<CertificateRecord | undefined> {
    return toCertificateRecord(member.certHash, await this.#view("getBatchedCertificate", [memberStruct(member)], options));
  }

  /** Whether `member.proof` places the certificate under an anchored batch. */
  async isBatchMember(member: BatchMember, options: ReadOptions = {}): Promise<boolean> {
    const struct = memberStruct(member);
    return this.#view("isBatchMember", [struct], options);
  }

  /** The batch anchored with `root` by `authorityId`, or undefined. */
  async getBatch(root: string, authorityId: number, options: ReadOptions = {}): Promise<BatchRecord | undefined> {
    const hash = bytes32(root, "root");
    return toBatchRecord(hash, await this.#view("getBatch", [hash, smallUint(authorityId, 32, "authorityId")], options));
  }

  /** The replacement named when the direct anchoring of `certHash` was revoked, or undefined. */
  async replacementOf(certHash: string, options: ReadOptions = {}): Promise<string | undefined> {
    const hash = bytes32(certHash, "certHash");
    return nonZero(await this.#view("replacementOf", [hash], options));
  }

  // ---------------------------------------------------------------- authorities and keys

  /** Registers an issuing authority of `party`; returns its new id. */
  async registerAuthority(input: RegisterAuthorityInput): Promise<WriteResult & { authorityId: number }> {
    const { receipt, ...result } = await this.#send("registerAuthority", [
      partyCodeToBytes2(input.party),
      input.name,
      input.accounts.map((account, i) => address(account, `accounts[${i}]`)),
      uint64(input.scope, "scope"),
      uint64(input.validFrom, "validFrom"),
      uint64(input.validUntil, "validUntil"),
    ]);
    const event = this.#eventIn(receipt, "AuthorityRegistered");
    return { ...result, authorityId: Number(event.args.getValue("authorityId")) };
  }

  /** Changes an authority's scope and validity. */
  async updateAuthority(input: { authorityId: number; scope: bigint; validFrom: bigint; validUntil: bigint }): Promise<WriteResult> {
    return this.#write("updateAuthority", [
      smallUint(input.authorityId, 32, "authorityId"),
      uint64(input.scope, "scope"),
      uint64(input.validFrom, "validFrom"),
      uint64(input.validUntil, "validUntil"),
    ]);
  }

  /** Suspends an authority. */
  async suspendAuthority(authorityId: number): Promise<WriteResult> {
    return this.#write("suspendAuthority", [smallUint(authorityId, 32, "authorityId")]);
  }

  /** Reactivates a suspended authority. */
  async reactivateAuthority(authorityId: number): Promise<WriteResult> {
    return this.#write("reactivateAuthority", [smallUint(authorityId, 32, "authorityId")]);
  }

  /** Lets `account` write for `authorityId`. */
  async addAuthorityAccount(authorityId: number, account: string): Promise<WriteResult> {
    return this.#write("addAuthorityAccount", [smallUint(authorityId, 32, "authorityId"), address(account, "account")]);
  }

  /** Stops `account` writing for `authorityId`. */
  async removeAuthorityAccount(authorityId: number, account: string): Promise<WriteResult> {
    return this.#write("removeAuthorityAccount", [smallUint(authorityId, 32, "authorityId"), address(account, "account")]);
  }

  /** Registers a signing key of an authority. */
  async addSigningKey(input: AddSigningKeyInput): Promise<WriteResult> {
    return this.#write("addSigningKey", [
      smallUint(input.authorityId, 32, "authorityId"),
      bytes32(input.thumbprint, "thumbprint"),
      algBytes16(input.alg),
      uint64(input.validFrom, "validFrom"),
      uint64(input.validUntil, "validUntil"),
    ]);
  }

  /** Retires a key now in favour of a new one. */
  async rotateSigningKey(input: RotateSigningKeyInput): Promise<WriteResult> {
    return this.#write("rotateSigningKey", [
      smallUint(input.authorityId, 32, "authorityId"),
      bytes32(input.oldThumbprint, "oldThumbprint"),
      bytes32(input.newThumbprint, "newThumbprint"),
      algBytes16(input.alg),
      uint64(input.validUntil, "validUntil"),
    ]);
  }

  /** Marks authority `authorityId`'s key `thumbprint` compromised since `compromisedAt` (seconds; not in the future). */
  async compromiseSigningKey(authorityId: number, thumbprint: string, compromisedAt: bigint): Promise<WriteResult> {
    return this.#write("compromiseSigningKey", [
      smallUint(authorityId, 32, "authorityId"),
      bytes32(thumbprint, "thumbprint"),
      uint64(compromisedAt, "compromisedAt"),
    ]);
  }

  /** Authority `id` with its name, or undefined. */
  async getAuthority(id: number, options: ReadOptions = {}): Promise<AuthorityRecord | undefined> {
    const authorityId = smallUint(id, 32, "authorityId");
    const [record, name] = await Promise.all([
      this.#view("getAuthority", [authorityId], options),
      this.#view("authorityName", [authorityId], options),
    ]);
    return toAuthorityRecord(authorityId, record, name);
  }

  /** The accounts that write for authority `id`. */
  async authorityAccounts(id: number, options: ReadOptions = {}): Promise<string[]> {
    const authorityId = smallUint(id, 32, "authorityId");
    return this.#view("authorityAccounts", [authorityId], options);
  }

  /** The authority `account` writes for, or undefined. */
  async authorityOfAccount(account: string, options: ReadOptions = {}): Promise<number | undefined> {
    const who = address(account, "account");
    const id = Number(await this.#view("authorityOfAccount", [who], options));
    return id === 0 ? undefined : id;
  }

  /** Authority `authorityId`'s key `thumbprint`, or undefined when that authority registered no such key. */
  async getSigningKey(authorityId: number, thumbprint: string, options: ReadOptions = {}): Promise<SigningKeyRecord | undefined> {
    const key = bytes32(thumbprint, "thumbprint");
    return toSigningKeyRecord(key, await this.#view("getSigningKey", [smallUint(authorityId, 32, "authorityId"), key], options));
  }

  /** Whether a signature for authority `authorityId` made with `thumbprint` at `time` is valid. */
  async isKeyValidAt(authorityId: number, thumbprint: string, time: bigint, options: ReadOptions = {}): Promise<boolean> {
    const args = [smallUint(authorityId, 32, "authorityId"), bytes32(thumbprint, "thumbprint"), uint64(time, "time")] as const;
    return this.#view("isKeyValidAt", args, options);
  }

  // ---------------------------------------------------------------- parties and recognition

  /** Party `code` ("KG"), or undefined. */
  async getParty(code: PartyCode, options: ReadOptions = {}): Promise<PartyRecord | undefined> {
    const party = partyCodeToBytes2(code);
    return toPartyRecord(code, await this.#view("getParty", [party], options));
  }

  /** Every party ever admitted, in order of admission. */
  async partyCodes(options: ReadOptions = {}): Promise<PartyCode[]> {
    return (await this.#view("partyCodes", [], options)).map(bytes2ToPartyCode);
  }

  /** The party `account` administers, or undefined. */
  async partyOfAdmin(account: string, options: ReadOptions = {}): Promise<PartyCode | undefined> {
    const who = address(account, "account");
    const party = await this.#view("partyOfAdmin", [who], options);
    return party === "0x0000" ? undefined : bytes2ToPartyCode(party);
  }

  /** The binary IPFS CID of party `code`'s encryption key (JWK), or undefined when none was set. */
  async partyEncryptionKeyCid(code: PartyCode, options: ReadOptions = {}): Promise<Uint8Array | undefined> {
    const party = partyCodeToBytes2(code);
    const cid = await this.#view("partyEncryptionKeyCid", [party], options);
    return cid === "0x" ? undefined : Buffer.from(cid.slice(2), "hex");
  }

  /** Records `party`'s encryption key: its RFC 7638 thumbprint and the binary CID of the JWK. */
  async setPartyEncryptionKey(input: { party: PartyCode; thumbprint: string; cid: Uint8Array | string }): Promise<WriteResult> {
    return this.#write("setPartyEncryptionKey", [
      partyCodeToBytes2(input.party),
      bytes32(input.thumbprint, "thumbprint"),
      cidBytes(input.cid, "cid"),
    ]);
  }

  /** Party `code`'s registered IPFS node (libp2p peer id and multiaddr), or undefined when it registered none. */
  async partyNode(code: PartyCode, options: ReadOptions = {}): Promise<PartyNode | undefined> {
    const [peerId, multiaddr] = await this.#view("partyNode", [partyCodeToBytes2(code)], options);
    return peerId === "" ? undefined : { peerId, multiaddr };
  }

  /** Records `party`'s IPFS node, which the other parties' nodes then accept; empty strings withdraw it. */
  async setPartyNode(input: { party: PartyCode } & PartyNode): Promise<WriteResult> {
    return this.#write("setPartyNode", [
      partyCodeToBytes2(input.party),
      nodeField(input.peerId, "peerId"),
      nodeField(input.multiaddr, "multiaddr"),
    ]);
  }

  /** Adds an admin of `party`. */
  async addPartyAdmin(party: PartyCode, account: string): Promise<WriteResult> {
    return this.#write("addPartyAdmin", [partyCodeToBytes2(party), address(account, "account")]);
  }

  /** Removes an admin of `party`. */
  async removePartyAdmin(party: PartyCode, account: string): Promise<WriteResult> {
    return this.#write("removePartyAdmin", [partyCodeToBytes2(party), address(account, "account")]);
  }

  /** Records that `importer` recognises `types` (a bit set) from every authority of `issuer`. */
  async setPartyRecognition(input: { importer: PartyCode; issuer: PartyCode; types: bigint }): Promise<WriteResult> {
    return this.#write("setPartyRecognition", [
      partyCodeToBytes2(input.importer),
      partyCodeToBytes2(input.issuer),
      uint64(input.types, "types"),
    ]);
  }

  /** Records that `importer` recognises `types` (a bit set) from authority `authorityId`. */
  async setAuthorityRecognition(input: { importer: PartyCode; authorityId: number; types: bigint }): Promise<WriteResult> {
    return this.#write("setAuthorityRecognition", [
      partyCodeToBytes2(input.importer),
      smallUint(input.authorityId, 32, "authorityId"),
      uint64(input.types, "types"),
    ]);
  }

  /** Whether `party` recognises certificates of `certType` issued by `authorityId`. */
  async recognises(party: PartyCode, authorityId: number, certType: number, options: ReadOptions = {}): Promise<boolean> {
    const args = [partyCodeToBytes2(party), smallUint(authorityId, 32, "authorityId"), smallUint(certType, 8, "certType")] as const;
    return this.#view("recognises", args, options);
  }

  // ---------------------------------------------------------------- consortium

  /** Proposes a consortium decision (the caller's party approves it at once); returns the proposal's id. */
  async propose(input: ProposeInput): Promise<WriteResult & { proposalId: bigint }> {
    const kind = PROPOSAL_KINDS.indexOf(input.kind);
    if (kind < 0) throw new CertLedgerError("INVALID_CHAIN_ARGUMENT", `kind: not one of ${PROPOSAL_KINDS.join(", ")}`);
    const { receipt, ...result } = await this.#send("propose", [
      kind,
      input.party === undefined ? "0x0000" : partyCodeToBytes2(input.party),
      input.admin === undefined ? "0x0000000000000000000000000000000000000000" : address(input.admin, "admin"),
      smallUint(input.threshold ?? 0, 8, "threshold"),
    ]);
    const event = this.#eventIn(receipt, "ProposalCreated");
    return { ...result, proposalId: BigInt(event.args.getValue("proposalId")) };
  }

  /** Approves proposal `proposalId` for the caller's party. */
  async approve(proposalId: bigint): Promise<WriteResult> {
    return this.#write("approve", [proposalId]);
  }

  /** Executes proposal `proposalId`. */
  async execute(proposalId: bigint): Promise<WriteResult> {
    return this.#write("execute", [proposalId]);
  }

  /** Proposal `proposalId`, or undefined. */
  async getProposal(proposalId: bigint, options: ReadOptions = {}): Promise<ProposalRecord | undefined> {
    return toProposalRecord(proposalId, await this.#view("getProposal", [proposalId], options));
  }

  // ---------------------------------------------------------------- events

  /** Every event of `certHash`, in chain order: anchored or materialised, suspended, reinstated, revoked. */
  async certificateHistory(certHash: string, options: EventQueryOptions = {}): Promise<CertificateEvent[]> {
    const logs = await this.#logs([CERTIFICATE_EVENT_TOPICS, bytes32(certHash, "certHash")], options);
    return this.#parse(logs, parseCertificateEvent);
  }

  /** The events that put certificate number `numberHash` on the ledger: direct anchors and materialised batch members. */
  async anchorsByNumberHash(numberHash: string, options: EventQueryOptions = {}): Promise<NumberHashEvent[]> {
    const hash = bytes32(numberHash, "numberHash");
    // numberHash is the second indexed field of CertificateAnchored and the third of BatchedCertificateMaterialised.
    const [anchored, materialised] = await Promise.all([
      this.#logs([EVENT_TOPICS.CertificateAnchored, null, hash], options),
      this.#logs([EVENT_TOPICS.BatchedCertificateMaterialised, null, null, hash], options),
    ]);
    const events = await this.#parse(sortLogs([...anchored, ...materialised]), parseCertificateEvent);
    return events.filter((e): e is NumberHashEvent => e.event === "CertificateAnchored" || e.event === "BatchedCertificateMaterialised");
  }

  /** The CertificateAnchored event of `certHash`, or undefined when it was not anchored on its own. */
  async anchorEvent(certHash: string, options: EventQueryOptions = {}): Promise<CertificateAnchoredEvent | undefined> {
    const logs = await this.#logs([EVENT_TOPICS.CertificateAnchored, bytes32(certHash, "certHash")], options);
    const events = await this.#parse(logs, parseCertificateEvent);
    return events.find((e): e is CertificateAnchoredEvent => e.event === "CertificateAnchored");
  }

  /** Every batch anchored from `fromBlock` (default: the ledger's deployment block) on, in chain order. */
  async batchAnchors(fromBlock?: number, options: { toBlock?: number } = {}): Promise<BatchAnchoredEvent[]> {
    const logs = await this.#logs([EVENT_TOPICS.BatchAnchored], { fromBlock, toBlock: options.toBlock });
    return this.#parse(logs, parseBatchAnchored);
  }

  /**
   * The consortium registry's events (parties admitted, suspended or reinstated, party nodes set) in a block range, in
   * chain order: what a node's peer list follows.
   */
  async registryEvents(options: EventQueryOptions = {}): Promise<RegistryEvent[]> {
    const logs = await this.#logs([REGISTRY_TOPICS], options);
    return logs.map((log) => ({
      event: this.#ledger.interface.parseLog(log)!.name as RegistryEventName,
      blockNumber: log.blockNumber,
      txHash: log.transactionHash,
    }));
  }

  // ---------------------------------------------------------------- internals

  #view<M extends LedgerViewName>(method: M, args: LedgerViewArgs<M>, options: ReadOptions): Promise<LedgerViewResult<M>> {
    return this.#read(method, () => this.#views.call(method, args, options.blockTag));
  }

  #read<T>(action: string, operation: () => Promise<T>): Promise<T> {
    return withRetry(operation, this.#retry).catch((error: unknown) => {
      throw toCertLedgerError(error, action);
    });
  }

  async #write(method: LedgerWriteMethod, args: readonly unknown[]): Promise<WriteResult> {
    const { txHash, blockNumber } = await this.#send(method, args);
    return { txHash, blockNumber };
  }

  /** Estimates, sends in nonce order, waits for the confirmations and decodes any revert. */
  async #send(method: LedgerWriteMethod, args: readonly unknown[]): Promise<WriteResult & { receipt: TransactionReceipt }> {
    const signer = this.signer;
    if (!signer) throw new CertLedgerError("NO_SIGNER", `${method}: this client has no signer; connect one to write`);
    try {
      const data = (this.#ledger.interface as Interface).encodeFunctionData(method, args);
      const from = await signer.getAddress();
      const request = { to: this.address, from, data };
      // Estimating first means a refused write fails here, with the revert data, and spends no nonce.
      const estimate = await withRetry(() => this.provider.estimateGas(request), this.#retry);
      const gasLimit = (estimate * GAS_MARGIN_PERCENT) / 100n;
      const response = await signer.sendTransaction({ to: this.address, data, gasLimit, ...feeFields(this.#fees) });
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
      throw toCertLedgerError(error, method);
    }
  }

  /** A receipt says only "failed"; replaying the call on the block's state says why (and throws it). */
  async #explainFailure(request: { to: string; from: string; data: string }, receipt: TransactionReceipt): Promise<never> {
    await this.provider.call({ ...request, blockTag: receipt.blockNumber });
    throw new CertLedgerError("TX_FAILED", `transaction ${receipt.hash} failed on chain, and replaying it does not say why`, {
      details: { txHash: receipt.hash, blockNumber: receipt.blockNumber },
    });
  }

  #eventIn(receipt: TransactionReceipt, name: "AuthorityRegistered" | "ProposalCreated"): LogDescription {
    for (const log of receipt.logs) {
      if (log.address.toLowerCase() !== this.address.toLowerCase()) continue;
      const parsed = this.#ledger.interface.parseLog(log);
      if (parsed?.name === name) return parsed;
    }
    throw new CertLedgerError("TX_FAILED", `transaction ${receipt.hash} emitted no ${name} event`);
  }

  /** eth_getLogs of the ledger in chunks of `logChunkSize` blocks, a few chunks at a time, each retried. */
  async #logs(topics: (string | string[] | null)[], options: EventQueryOptions): Promise<Log[]> {
    const from = options.fromBlock ?? this.deployment.ledger.deploymentBlock;
    const to = options.toBlock ?? (await this.blockNumber());
    const ranges: [number, number][] = [];
    for (let start = from; start <= to; start += this.#logChunkSize) ranges.push([start, Math.min(to, start + this.#logChunkSize - 1)]);
    const logs: Log[] = [];
    for (let i = 0; i < ranges.length; i += LOG_QUERIES_AT_ONCE) {
      const batch = ranges
        .slice(i, i + LOG_QUERIES_AT_ONCE)
        .map(([fromBlock, toBlock]) =>
          this.#read("getLogs", () => this.provider.getLogs({ address: this.address, topics, fromBlock, toBlock })),
        );
      for (const chunk of await Promise.all(batch)) logs.push(...chunk);
    }
    return sortLogs(logs.filter((log) => !log.removed));
  }

  async #parse<T>(logs: Log[], parse: (log: Log, timestamp: bigint) => T | undefined): Promise<T[]> {
    const timestamps = await Promise.all(logs.map((log) => this.#timestamp(log.blockHash)));
    return logs.map((log, i) => parse(log, timestamps[i])).filter((event): event is T => event !== undefined);
  }

  /** Block timestamps by block hash (not number, so that a reorganisation cannot give a stale one). */
  async #timestamp(blockHash: string): Promise<bigint> {
    const cached = this.#timestamps.get(blockHash);
    if (cached !== undefined) return cached;
    const block = await this.#read("getBlock", () => this.provider.getBlock(blockHash));
    if (!block) throw new CertLedgerError("CHAIN_UNAVAILABLE", `block ${blockHash} is unknown to the node (reorganised away?)`);
    if (this.#timestamps.size >= TIMESTAMP_CACHE_SIZE) this.#timestamps.clear();
    this.#timestamps.set(blockHash, BigInt(block.timestamp));
    return BigInt(block.timestamp);
  }
}

/** The ledger functions the client sends transactions to. */
type LedgerWriteMethod =
  | "anchorCertificate"
  | "anchorBatch"
  | "suspendCertificate"
  | "reinstateCertificate"
  | "revokeCertificate"
  | "suspendBatchedCertificate"
  | "reinstateBatchedCertificate"
  | "revokeBatchedCertificate"
  | "registerAuthority"
  | "updateAuthority"
  | "suspendAuthority"
  | "reactivateAuthority"
  | "addAuthorityAccount"
  | "removeAuthorityAccount"
  | "addSigningKey"
  | "rotateSigningKey"
  | "compromiseSigningKey"
  | "setPartyEncryptionKey"
  | "setPartyNode"
  | "addPartyAdmin"
  | "removePartyAdmin"
  | "setPartyRecognition"
  | "setAuthorityRecognition"
  | "propose"
  | "approve"
  | "execute";

/** A party node's peer id or multiaddr: a string the ledger stores as it is (it checks only the lengths). */
function nodeField(value: string, name: string): string {
  if (typeof value !== "string") throw new CertLedgerError("INVALID_CHAIN_ARGUMENT", `${name}: expected a string, got ${typeof value}`);
  return value;
}

function memberStruct(member: BatchMember) {
  if (!member || !Array.isArray(member.proof))
    throw new CertLedgerError("INVALID_CHAIN_ARGUMENT", "member: a batch member with a proof array");
  return {
    root: bytes32(member.root, "member.root"),
    authorityId: smallUint(member.authorityId, 32, "member.authorityId"),
    certHash: bytes32(member.certHash, "member.certHash"),
    numberHash: bytes32(member.numberHash, "member.numberHash"),
    validUntil: uint64(member.validUntil, "member.validUntil"),
    proof: member.proof.map((node, i) => bytes32(node, `member.proof[${i}]`)),
  };
}

function revocationArgs(input: RevocationInput): [number, bigint, string] {
  return [
    smallUint(input.reason, 8, "reason"),
    uint64(input.effectiveAt, "effectiveAt"),
    optionalBytes32(input.replacement, "replacement"),
  ];
}

function sortLogs(logs: Log[]): Log[] {
  return logs.sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index);
}
