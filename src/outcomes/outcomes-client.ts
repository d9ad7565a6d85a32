/**
 * The client of the importing side's contract (CertificateOutcomes), deployed beside the ledger: it writes through the
 * ledger client's connection (same chain, head, signer and nonce order, reverts decoded to the same typed errors) and
 * reads its views and events.
 */
import { ZeroHash, type Interface, type Log, type Signer } from "ethers";
import { ICertificateOutcomes__factory, type ICertificateOutcomes } from "../../typechain-types";
import type { LedgerClient, WriteResult } from "../chain/ledger-client";
import { bytes2ToPartyCode, partyCodeToBytes2, type PartyCode } from "../chain/party-code";
import { address, bytes32, smallUint } from "../chain/values";
import { CertLedgerError } from "../errors";
import { unitFromBytes4, unitToBytes4 } from "./quantities";

/**
 * One anchoring of a certificate, as the outcomes contract names it: `certHash` anchored by `authorityId` directly
 * (`root` zero) or in its batch `root` (the ledger's status events name anchorings the same way).
 */
export interface Anchoring {
  certHash: string;
  authorityId: number;
  root: string;
}

/** A border agency as the contract records it. */
export interface AgencyRecord {
  id: number;
  party: PartyCode;
  status: "Active" | "Suspended";
  name: string;
  accounts: string[];
}

/** An item's record: totals and use in thousandths of `unit`, the issuing party, and how many items there are. */
export interface ItemState {
  item: number;
  total: bigint;
  used: bigint;
  unit: string;
  issuingParty: PartyCode;
  itemCount: number;
}

/** The importing side's events about one certificate hash, each with where and when it was recorded. */
export type OutcomesEvent = {
  certHash: string;
  blockNumber: number;
  logIndex: number;
  txHash: string;
  timestamp: bigint;
  party: PartyCode;
} & (
  | {
      event: "OutcomeRecorded";
      agencyId: number;
      authorityId: number;
      root: string;
      outcome: number;
      reason: number;
      detailsDigest: string;
    }
  | {
      event: "ItemsDeclared";
      agencyId: number;
      authorityId: number;
      root: string;
      issuingParty: PartyCode;
      items: { total: bigint; unit: string }[];
    }
  | {
      event: "ItemUsed";
      agencyId: number;
      authorityId: number;
      root: string;
      declarationHash: string;
      item: number;
      quantity: bigint;
      used: bigint;
    }
);

const AGENCY_STATUS = ["None", "Active", "Suspended"] as const;
const outcomesInterface = ICertificateOutcomes__factory.createInterface();
/** The contract's state-changing functions. */
type OutcomesWrite =
  | "registerAgency"
  | "addAgencyAccount"
  | "removeAgencyAccount"
  | "suspendAgency"
  | "reactivateAgency"
  | "recordOutcome"
  | "declareItems"
  | "correctItems"
  | "recordUtilisation";
/** The topics of the events about certificates: outcomes, declared items, write-offs. */
const CERTIFICATE_TOPICS = (["OutcomeRecorded", "ItemsDeclared", "ItemUsed"] as const).map(
  (name) => outcomesInterface.getEvent(name).topicHash,
);
const ITEM_USED_TOPIC = outcomesInterface.getEvent("ItemUsed").topicHash;

/** Reads and writes the outcomes contract of `ledger`'s deployment. */
export class OutcomesClient {
  readonly ledger: LedgerClient;
  readonly address: string;
  readonly #contract: ICertificateOutcomes;
  readonly #deploymentBlock: number;

  private constructor(ledger: LedgerClient) {
    const outcomes = ledger.deployment.outcomes;
    if (!outcomes) {
      throw new CertLedgerError(
        "OUTCOMES_NOT_DEPLOYED",
        "this deployment has no outcomes contract: start the embedded node once (it adds it), or deploy it beside the ledger",
      );
    }
    this.ledger = ledger;
    this.address = outcomes.address;
    this.#deploymentBlock = outcomes.deploymentBlock;
    this.#contract = ICertificateOutcomes__factory.connect(outcomes.address, ledger.provider);
  }

  /** The outcomes client of `ledger`'s deployment (OUTCOMES_NOT_DEPLOYED when the deployment has none). */
  static of(ledger: LedgerClient): OutcomesClient {
    return new OutcomesClient(ledger);
  }

  /** The same client writing as `signer`. */
  withSigner(signer: Signer): OutcomesClient {
    return new OutcomesClient(this.ledger.withSigner(signer));
  }

  // ---------------------------------------------------------------- agencies

  /** Registers a border agency of `party` (the signer must be one of its admins); returns its id. */
  async registerAgency(input: { party: PartyCode; name: string; accounts: string[] }): Promise<WriteResult & { agencyId: number }> {
    const { receipt, ...result } = await this.#send("registerAgency", [
      partyCodeToBytes2(input.party),
      input.name,
      input.accounts.map((account, i) => address(account, `accounts[${i}]`)),
    ]);
    for (const log of receipt.logs) {
      if (log.address.toLowerCase() !== this.address.toLowerCase()) continue;
      const parsed = outcomesInterface.parseLog(log);
      if (parsed?.name === "AgencyRegistered") return { ...result, agencyId: Number(parsed.args.agencyId) };
    }
    throw new CertLedgerError("TX_FAILED", `transaction ${receipt.hash} emitted no AgencyRegistered event`);
  }

  async addAgencyAccount(agencyId: number, account: string): Promise<WriteResult> {
    return this.#write("addAgencyAccount", [smallUint(agencyId, 32, "agencyId"), address(account, "account")]);
  }

  async removeAgencyAccount(agencyId: number, account: string): Promise<WriteResult> {
    return this.#write("removeAgencyAccount", [smallUint(agencyId, 32, "agencyId"), address(account, "account")]);
  }

  async suspendAgency(agencyId: number): Promise<WriteResult> {
    return this.#write("suspendAgency", [smallUint(agencyId, 32, "agencyId")]);
  }

  async reactivateAgency(agencyId: number): Promise<WriteResult> {
    return this.#write("reactivateAgency", [smallUint(agencyId, 32, "agencyId")]);
  }

  /** Agency `agencyId` (with its name and accounts), or undefined. */
  async getAgency(agencyId: number): Promise<AgencyRecord | undefined> {
    const agency = await this.agencyStanding(agencyId);
    if (!agency) return undefined;
    const id = smallUint(agencyId, 32, "agencyId");
    const [name, accounts] = await Promise.all([
      this.#read("agencyName", () => this.#contract.agencyName(id)),
      this.#read("agencyAccounts", () => this.#contract.agencyAccounts(id)),
    ]);
    return { ...agency, name, accounts: [...accounts] };
  }

  /** Agency `agencyId`'s party and status (one read, for what a write needs to know), or undefined. */
  async agencyStanding(agencyId: number): Promise<Pick<AgencyRecord, "id" | "party" | "status"> | undefined> {
    const agency = await this.#read("getAgency", () => this.#contract.getAgency(smallUint(agencyId, 32, "agencyId")));
    const status = AGENCY_STATUS[Number(agency.status)];
    if (status === "None" || status === undefined) return undefined;
    return { id: agencyId, party: bytes2ToPartyCode(agency.party), status };
  }

  /** The agency `account` writes for, or undefined. */
  async agencyOfAccount(account: string): Promise<number | undefined> {
    const id = Number(await this.#read("agencyOfAccount", () => this.#contract.agencyOfAccount(address(account, "account"))));
    return id === 0 ? undefined : id;
  }

  // ---------------------------------------------------------------- outcomes and utilisation

  /** Records the signer's agency's `outcome` (the contract's number) for `anchoring`. */
  async recordOutcome(input: { anchoring: Anchoring; outcome: number; reason: number; detailsDigest?: string }): Promise<WriteResult> {
    return this.#write("recordOutcome", [
      ...anchoringArgs(input.anchoring),
      smallUint(input.outcome, 8, "outcome"),
      smallUint(input.reason, 8, "reason"),
      input.detailsDigest === undefined ? ZeroHash : bytes32(input.detailsDigest, "detailsDigest"),
    ]);
  }

  /** Declares the items of `anchoring` (totals in thousandths). */
  async declareItems(input: { anchoring: Anchoring; items: { total: bigint; unit: string }[] }): Promise<WriteResult> {
    return this.#write("declareItems", [
      ...anchoringArgs(input.anchoring),
      input.items.map((item) => ({ total: item.total, unit: unitToBytes4(item.unit) })),
    ]);
  }

  /** The issuer's correction of the items of `anchoring` (the signer: an account of its authority, or an admin of its party). */
  async correctItems(input: { anchoring: Anchoring; items: { total: bigint; unit: string }[] }): Promise<WriteResult> {
    return this.#write("correctItems", [
      ...anchoringArgs(input.anchoring),
      input.items.map((item) => ({ total: item.total, unit: unitToBytes4(item.unit) })),
    ]);
  }

  /** Writes `uses` off (items from 0, quantities in thousandths, each against the use its caller read). */
  async recordUtilisation(input: {
    anchoring: Anchoring;
    declarationHash: string;
    uses: { item: number; quantity: bigint; usedBefore: bigint }[];
  }): Promise<WriteResult> {
    return this.#write("recordUtilisation", [
      ...anchoringArgs(input.anchoring),
      bytes32(input.declarationHash, "declarationHash"),
      input.uses.map((use) => ({ item: smallUint(use.item, 8, "item"), quantity: use.quantity, usedBefore: use.usedBefore })),
    ]);
  }

  /** The items of `anchoring` (an empty list when none were declared). */
  async items(anchoring: Anchoring): Promise<ItemState[]> {
    const first = await this.item(anchoring, 0);
    if (!first) return [];
    const rest = await Promise.all(Array.from({ length: first.itemCount - 1 }, (_, i) => this.item(anchoring, i + 1)));
    return [first, ...rest.filter((item): item is ItemState => item !== undefined)];
  }

  /** Item `item` (from 0) of `anchoring`, or undefined when not declared. */
  async item(anchoring: Anchoring, item: number): Promise<ItemState | undefined> {
    const record = await this.#read("getItem", () =>
      this.#contract.getItem(anchoring.certHash, anchoring.authorityId, anchoring.root, smallUint(item, 8, "item")),
    );
    if (Number(record.itemCount) === 0) return undefined;
    return {
      item,
      total: record.total,
      used: record.used,
      unit: unitFromBytes4(record.unit),
      issuingParty: bytes2ToPartyCode(record.issuingParty),
      itemCount: Number(record.itemCount),
    };
  }

  /** Every event of the importing side about `certHash`, in chain order (optionally only `party`'s, or one declaration's). */
  async events(certHash: string, filter: { party?: PartyCode; declarationHash?: string } = {}): Promise<OutcomesEvent[]> {
    const party = filter.party === undefined ? null : partyTopic(filter.party);
    const hash = bytes32(certHash, "certHash").toLowerCase();
    return this.#events(
      filter.declarationHash === undefined
        ? [CERTIFICATE_TOPICS, hash, party]
        : [ITEM_USED_TOPIC, hash, party, bytes32(filter.declarationHash, "declarationHash").toLowerCase()],
      {},
    );
  }

  /** Every event about certificates (outcomes, declared items, write-offs) in blocks `fromBlock`..`toBlock`, in chain order. */
  async allEvents(range: { fromBlock?: number; toBlock?: number } = {}): Promise<OutcomesEvent[]> {
    return this.#events([CERTIFICATE_TOPICS], range);
  }

  async #events(topics: (string | string[] | null)[], range: { fromBlock?: number; toBlock?: number }): Promise<OutcomesEvent[]> {
    const logs = await this.ledger.connection.logs(topics, range, { address: this.address, deploymentBlock: this.#deploymentBlock });
    return this.ledger.connection.parse(logs, parseEvent);
  }

  async #write(method: OutcomesWrite, args: readonly unknown[]): Promise<WriteResult> {
    const { txHash, blockNumber } = await this.#send(method, args);
    return { txHash, blockNumber };
  }

  #send(method: OutcomesWrite, args: readonly unknown[]) {
    let data: string;
    try {
      data = (outcomesInterface as Interface).encodeFunctionData(method, args);
    } catch (error) {
      throw new CertLedgerError("INVALID_CHAIN_ARGUMENT", `${method}: ${(error as Error).message}`, { cause: error });
    }
    return this.ledger.connection.sendData(this.address, data, method);
  }

  #read<T>(action: string, operation: () => Promise<T>): Promise<T> {
    return this.ledger.connection.read(action, operation);
  }
}

function anchoringArgs(anchoring: Anchoring): [string, number, string] {
  return [bytes32(anchoring.certHash, "certHash"), smallUint(anchoring.authorityId, 32, "authorityId"), bytes32(anchoring.root, "root")];
}

/** An indexed bytes2 as its topic: left-aligned in 32 bytes. */
function partyTopic(party: PartyCode): string {
  return partyCodeToBytes2(party).padEnd(66, "0");
}

function parseEvent(log: Log, timestamp: bigint): OutcomesEvent | undefined {
  const parsed = outcomesInterface.parseLog(log);
  if (!parsed) return undefined;
  const a = parsed.args;
  const where = {
    certHash: String(a.certHash).toLowerCase(),
    blockNumber: log.blockNumber,
    logIndex: log.index,
    txHash: log.transactionHash,
    timestamp,
    party: bytes2ToPartyCode(a.party),
  };
  switch (parsed.name) {
    case "OutcomeRecorded":
      return {
        ...where,
        event: "OutcomeRecorded",
        agencyId: Number(a.agencyId),
        authorityId: Number(a.authorityId),
        root: a.root,
        outcome: Number(a.outcome),
        reason: Number(a.reason),
        detailsDigest: a.detailsDigest,
      };
    case "ItemsDeclared":
      return {
        ...where,
        event: "ItemsDeclared",
        agencyId: Number(a.agencyId),
        authorityId: Number(a.authorityId),
        root: a.root,
        issuingParty: bytes2ToPartyCode(a.issuingParty),
        items: (a.items as { total: bigint; unit: string }[]).map((item) => ({ total: item.total, unit: unitFromBytes4(item.unit) })),
      };
    case "ItemUsed":
      return {
        ...where,
        event: "ItemUsed",
        agencyId: Number(a.agencyId),
        authorityId: Number(a.authorityId),
        root: a.root,
        declarationHash: a.declarationHash,
        item: Number(a.item),
        quantity: a.quantity,
        used: a.used,
      };
    default:
      return undefined;
  }
}
