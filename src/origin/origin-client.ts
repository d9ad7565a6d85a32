/**
 * The client of the origin registry (OriginRegistry), deployed beside the ledger: it writes through the ledger
 * client's connection (same chain, signer and nonce order, reverts decoded to the same typed errors) and reads its
 * views at a block.
 */
import type { Interface, Signer } from "ethers";
import { IOriginRegistry__factory, type IOriginRegistry } from "../../typechain-types";
import type { LedgerClient, WriteResult } from "../chain/ledger-client";
import { bytes2ToPartyCode, partyCodeToBytes2, type PartyCode } from "../chain/party-code";
import { bytes32, smallUint, uint64 } from "../chain/values";
import { CertLedgerError } from "../errors";
import {
  REGISTRATION_STATUSES,
  TRADER_KINDS,
  proofNames,
  type ProofKind,
  type RegistrationStatusName,
  type TraderKindName,
} from "./vocabulary";

/** A trade agreement as the registry keeps it. */
export interface AgreementRecord {
  id: number;
  code: string;
  name: string;
  parties: PartyCode[];
  /** Withdrawn: by one of its parties before it came into force (its code free again). */
  status: "Proposed" | "InForce" | "Withdrawn";
  /** The parties that approved it so far. */
  approvedBy: PartyCode[];
}

/** A registered exporter or importer, as the registry keeps it (public details only with the trader's consent). */
export interface RegistrationRecord {
  id: number;
  number: string;
  party: PartyCode;
  authorityId: number;
  kind: TraderKindName;
  status: RegistrationStatusName;
  validFrom: bigint;
  validUntil: bigint;
  statusChangedAt: bigint;
  headings: number[];
  detailsDigest: string;
  /** The trader's details as published with its consent (JSON), or undefined. */
  publicDetails?: string;
}

/** A trader's signing key. */
export interface TraderKeyRecord {
  validFrom: bigint;
  validUntil: bigint;
  revokedAt?: bigint;
}

/** A declaration's record: by which registration, under which agreement, with whom on the other side, and when. */
export interface DeclarationRecord {
  registrationId: number;
  agreementId: number;
  counterpart: PartyCode;
  declaredAt: bigint;
}

/** Which proofs an importing party accepts from an issuing party under an agreement, and when. */
export interface AgreementRecognitionRecord {
  proofs: ProofKind[];
  validFrom: bigint;
  validUntil: bigint;
}

/** What registering a trader takes. */
export interface RegistrationInput {
  authorityId: number;
  kind: TraderKindName;
  number: string;
  headings: number[];
  validFrom: bigint;
  validUntil: bigint;
  detailsDigest: string;
  publicDetails?: string;
}

type Read = { blockTag?: number };
type OriginWrite =
  | "proposeAgreement"
  | "approveAgreement"
  | "withdrawAgreement"
  | "registerTrader"
  | "setRegistrationStatus"
  | "addTraderKey"
  | "revokeTraderKey"
  | "recordDeclaration"
  | "setAgreementRecognition";

const originInterface = IOriginRegistry__factory.createInterface();
const AGREEMENT_STATUS = ["None", "Proposed", "InForce", "Withdrawn"] as const;

/** Reads and writes the origin registry of `ledger`'s deployment. */
export class OriginClient {
  readonly ledger: LedgerClient;
  readonly address: string;
  readonly #contract: IOriginRegistry;

  private constructor(ledger: LedgerClient) {
    const origin = ledger.deployment.origin;
    if (!origin) {
      throw new CertLedgerError(
        "ORIGIN_NOT_DEPLOYED",
        "this deployment has no origin registry: start the embedded node once (it adds it), or deploy it beside the ledger",
      );
    }
    this.ledger = ledger;
    this.address = origin.address;
    this.#contract = IOriginRegistry__factory.connect(origin.address, ledger.provider);
  }

  /** The origin client of `ledger`'s deployment (ORIGIN_NOT_DEPLOYED when the deployment has none). */
  static of(ledger: LedgerClient): OriginClient {
    return new OriginClient(ledger);
  }

  /** The same client writing as `signer`. */
  withSigner(signer: Signer): OriginClient {
    return new OriginClient(this.ledger.withSigner(signer));
  }

  // ---------------------------------------------------------------- agreements

  /** Proposes an agreement as an admin of `proposer` (one of its parties, approving it at once); returns its id. */
  async proposeAgreement(input: {
    code: string;
    name: string;
    parties: PartyCode[];
    proposer: PartyCode;
  }): Promise<WriteResult & { agreementId: number }> {
    const { receipt, ...result } = await this.#send("proposeAgreement", [
      input.code,
      input.name,
      input.parties.map((p) => partyCodeToBytes2(p)),
      partyCodeToBytes2(input.proposer),
    ]);
    return { ...result, agreementId: Number(this.#eventArg(receipt.logs, "AgreementProposed", "agreementId")) };
  }

  /** Approves agreement `agreementId` as an admin of `party`. */
  async approveAgreement(agreementId: number, party: PartyCode): Promise<WriteResult> {
    return this.#write("approveAgreement", [smallUint(agreementId, 32, "agreementId"), partyCodeToBytes2(party)]);
  }

  /** Withdraws agreement `agreementId`, still proposed, as an admin of `party` (one of its parties). */
  async withdrawAgreement(agreementId: number, party: PartyCode): Promise<WriteResult> {
    return this.#write("withdrawAgreement", [smallUint(agreementId, 32, "agreementId"), partyCodeToBytes2(party)]);
  }

  /** Agreement `agreementId`, or undefined. */
  async getAgreement(agreementId: number, read: Read = {}): Promise<AgreementRecord | undefined> {
    const [code, name, parties, status, approvals] = await this.#read("getAgreement", () =>
      this.#contract.getAgreement(smallUint(agreementId, 32, "agreementId"), read),
    );
    const statusName = AGREEMENT_STATUS[Number(status)];
    if (statusName === "None" || statusName === undefined) return undefined;
    const codes = parties.map((p) => bytes2ToPartyCode(p));
    return {
      id: agreementId,
      code,
      name,
      parties: codes,
      status: statusName,
      approvedBy: codes.filter((_, i) => (Number(approvals) >> i) & 1),
    };
  }

  /** The agreement with `code`, or undefined. */
  async agreementByCode(code: string, read: Read = {}): Promise<AgreementRecord | undefined> {
    const id = Number(await this.#read("agreementIdOf", () => this.#contract.agreementIdOf(code, read)));
    return id === 0 ? undefined : this.getAgreement(id, read);
  }

  /** Every agreement, by id. */
  async agreements(): Promise<AgreementRecord[]> {
    const count = Number(await this.#read("agreementCount", () => this.#contract.agreementCount()));
    const all = await Promise.all(Array.from({ length: count }, (_, i) => this.getAgreement(i + 1)));
    return all.filter((a): a is AgreementRecord => a !== undefined);
  }

  // ---------------------------------------------------------------- registrations

  /** Registers a trader as an account of `input.authorityId`; returns its id. */
  async registerTrader(input: RegistrationInput): Promise<WriteResult & { registrationId: number }> {
    const { receipt, ...result } = await this.#send("registerTrader", [
      {
        authorityId: smallUint(input.authorityId, 32, "authorityId"),
        kind: TRADER_KINDS.indexOf(input.kind) + 1,
        number: input.number,
        headings: input.headings.map((h, i) => smallUint(h, 16, `headings[${i}]`)),
        validFrom: uint64(input.validFrom, "validFrom"),
        validUntil: uint64(input.validUntil, "validUntil"),
        detailsDigest: bytes32(input.detailsDigest, "detailsDigest"),
        publicDetails: input.publicDetails ?? "",
      },
    ]);
    return { ...result, registrationId: Number(this.#eventArg(receipt.logs, "TraderRegistered", "registrationId")) };
  }

  /** Sets registration `registrationId`'s status (its authority's account, or its party's admin). */
  async setRegistrationStatus(registrationId: number, status: RegistrationStatusName): Promise<WriteResult> {
    return this.#write("setRegistrationStatus", [smallUint(registrationId, 32, "registrationId"), REGISTRATION_STATUSES.indexOf(status)]);
  }

  /** Registers signing key `thumbprint` (0x hex) of registration `registrationId`. */
  async addTraderKey(registrationId: number, thumbprint: string, validFrom: bigint, validUntil: bigint): Promise<WriteResult> {
    return this.#write("addTraderKey", [
      smallUint(registrationId, 32, "registrationId"),
      bytes32(thumbprint, "thumbprint"),
      uint64(validFrom, "validFrom"),
      uint64(validUntil, "validUntil"),
    ]);
  }

  /** Registration `registrationId` with its number, headings and public details, or undefined. */
  async getRegistration(registrationId: number, read: Read = {}): Promise<RegistrationRecord | undefined> {
    const id = smallUint(registrationId, 32, "registrationId");
    const [record, details] = await Promise.all([
      this.#read("getRegistration", () => this.#contract.getRegistration(id, read)),
      this.#read("registrationDetails", () => this.#contract.registrationDetails(id, read)),
    ]);
    const status = REGISTRATION_STATUSES[Number(record.status)];
    if (status === "None" || status === undefined) return undefined;
    const [number, headings, detailsDigest, publicDetails] = details;
    return {
      id: registrationId,
      number,
      party: bytes2ToPartyCode(record.party),
      authorityId: Number(record.authorityId),
      kind: TRADER_KINDS[Number(record.kind) - 1],
      status,
      validFrom: record.validFrom,
      validUntil: record.validUntil,
      statusChangedAt: record.statusChangedAt,
      headings: headings.map(Number),
      detailsDigest: detailsDigest.toLowerCase(),
      ...(publicDetails === "" ? {} : { publicDetails }),
    };
  }

  /** The registration with `number`, or undefined. */
  async registrationByNumber(number: string, read: Read = {}): Promise<RegistrationRecord | undefined> {
    const id = Number(await this.#read("registrationIdOf", () => this.#contract.registrationIdOf(number, read)));
    return id === 0 ? undefined : this.getRegistration(id, read);
  }

  /** Key `thumbprint` (0x hex) of registration `registrationId`, or undefined. */
  async getTraderKey(registrationId: number, thumbprint: string, read: Read = {}): Promise<TraderKeyRecord | undefined> {
    const key = await this.#read("getTraderKey", () =>
      this.#contract.getTraderKey(smallUint(registrationId, 32, "registrationId"), bytes32(thumbprint, "thumbprint"), read),
    );
    if (key.validFrom === 0n) return undefined;
    return { validFrom: key.validFrom, validUntil: key.validUntil, ...(key.revokedAt === 0n ? {} : { revokedAt: key.revokedAt }) };
  }

  // ---------------------------------------------------------------- declarations and recognition

  /** Records a declaration (the signer: an account of the registration's authority). */
  async recordDeclaration(input: {
    certHash: string;
    registrationId: number;
    agreementId: number;
    counterpart: PartyCode;
    headings: number[];
  }): Promise<WriteResult> {
    return this.#write("recordDeclaration", [
      bytes32(input.certHash, "certHash"),
      smallUint(input.registrationId, 32, "registrationId"),
      smallUint(input.agreementId, 32, "agreementId"),
      partyCodeToBytes2(input.counterpart),
      input.headings.map((h, i) => smallUint(h, 16, `headings[${i}]`)),
    ]);
  }

  /** The declaration recorded for `certHash` by `authorityId`, or undefined. */
  async getDeclaration(certHash: string, authorityId: number, read: Read = {}): Promise<DeclarationRecord | undefined> {
    const record = await this.#read("getDeclaration", () =>
      this.#contract.getDeclaration(bytes32(certHash, "certHash"), smallUint(authorityId, 32, "authorityId"), read),
    );
    if (Number(record.registrationId) === 0) return undefined;
    return {
      registrationId: Number(record.registrationId),
      agreementId: Number(record.agreementId),
      counterpart: bytes2ToPartyCode(record.counterpart),
      declaredAt: record.declaredAt,
    };
  }

  /** Records which proofs `importer` accepts from `issuer` under `agreementId` (the signer: an admin of `importer`). */
  async setAgreementRecognition(input: {
    importer: PartyCode;
    issuer: PartyCode;
    agreementId: number;
    proofs: number;
    validFrom: bigint;
    validUntil: bigint;
  }): Promise<WriteResult> {
    return this.#write("setAgreementRecognition", [
      partyCodeToBytes2(input.importer),
      partyCodeToBytes2(input.issuer),
      smallUint(input.agreementId, 32, "agreementId"),
      smallUint(input.proofs, 8, "proofs"),
      uint64(input.validFrom, "validFrom"),
      uint64(input.validUntil, "validUntil"),
    ]);
  }

  /** Which proofs `importer` accepts from `issuer` under `agreementId` (no proofs when it set none). */
  async getAgreementRecognition(
    importer: PartyCode,
    issuer: PartyCode,
    agreementId: number,
    read: Read = {},
  ): Promise<AgreementRecognitionRecord> {
    const r = await this.#read("getAgreementRecognition", () =>
      this.#contract.getAgreementRecognition(
        partyCodeToBytes2(importer),
        partyCodeToBytes2(issuer),
        smallUint(agreementId, 32, "agreementId"),
        read,
      ),
    );
    return { proofs: proofNames(Number(r.proofs)), validFrom: r.validFrom, validUntil: r.validUntil };
  }

  // ---------------------------------------------------------------- internals

  #eventArg(logs: readonly { topics: readonly string[]; data: string; address: string }[], event: string, arg: string): unknown {
    for (const log of logs) {
      if (log.address.toLowerCase() !== this.address.toLowerCase()) continue;
      const parsed = originInterface.parseLog({ topics: [...log.topics], data: log.data });
      if (parsed?.name === event) return parsed.args.getValue(arg);
    }
    throw new CertLedgerError("TX_FAILED", `the transaction emitted no ${event} event`);
  }

  async #write(method: OriginWrite, args: readonly unknown[]): Promise<WriteResult> {
    const { txHash, blockNumber } = await this.#send(method, args);
    return { txHash, blockNumber };
  }

  #send(method: OriginWrite, args: readonly unknown[]) {
    let data: string;
    try {
      data = (originInterface as Interface).encodeFunctionData(method, args);
    } catch (error) {
      throw new CertLedgerError("INVALID_CHAIN_ARGUMENT", `${method}: ${(error as Error).message}`, { cause: error });
    }
    return this.ledger.connection.sendData(this.address, data, method);
  }

  #read<T>(action: string, operation: () => Promise<T>): Promise<T> {
    return this.ledger.connection.read(action, operation);
  }
}
