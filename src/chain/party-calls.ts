/** The ledger client's calls of the contract's parties, party nodes, recognition and consortium modules. */
import { CertLedgerError } from "../errors";
import type { LedgerCallsHost } from "./ledger-calls-host";
import type { ProposeInput, ReadOptions, WriteResult } from "./ledger-inputs";
import { PROPOSAL_KINDS, toPartyRecord, toProposalRecord, type PartyNode, type PartyRecord, type ProposalRecord } from "./ledger-records";
import { bytes2ToPartyCode, partyCodeToBytes2, type PartyCode } from "./party-code";
import { address, bytes32, cidBytes, smallUint, uint64 } from "./values";

/** A party node's peer id or multiaddr: a string the ledger stores as it is (it checks only the lengths). */
function nodeField(value: string, name: string): string {
  if (typeof value !== "string") throw new CertLedgerError("INVALID_CHAIN_ARGUMENT", `${name}: expected a string, got ${typeof value}`);
  return value;
}

/** Installed on LedgerClient (ledger-client.ts): `this` is the client. */
export const partyCalls = {
  /** Party `code` ("KG"), or undefined. */
  async getParty(this: LedgerCallsHost, code: PartyCode, options: ReadOptions = {}): Promise<PartyRecord | undefined> {
    const party = partyCodeToBytes2(code);
    return toPartyRecord(code, await this.connection.view("getParty", [party], options));
  },

  /** Every party ever admitted, in order of admission. */
  async partyCodes(this: LedgerCallsHost, options: ReadOptions = {}): Promise<PartyCode[]> {
    return (await this.connection.view("partyCodes", [], options)).map(bytes2ToPartyCode);
  },

  /** The party `account` administers, or undefined. */
  async partyOfAdmin(this: LedgerCallsHost, account: string, options: ReadOptions = {}): Promise<PartyCode | undefined> {
    const who = address(account, "account");
    const party = await this.connection.view("partyOfAdmin", [who], options);
    return party === "0x0000" ? undefined : bytes2ToPartyCode(party);
  },

  /** The binary IPFS CID of party `code`'s encryption key (JWK), or undefined when none was set. */
  async partyEncryptionKeyCid(this: LedgerCallsHost, code: PartyCode, options: ReadOptions = {}): Promise<Uint8Array | undefined> {
    const party = partyCodeToBytes2(code);
    const cid = await this.connection.view("partyEncryptionKeyCid", [party], options);
    return cid === "0x" ? undefined : Buffer.from(cid.slice(2), "hex");
  },

  /** Records `party`'s encryption key: its RFC 7638 thumbprint and the binary CID of the JWK. */
  async setPartyEncryptionKey(
    this: LedgerCallsHost,
    input: { party: PartyCode; thumbprint: string; cid: Uint8Array | string },
  ): Promise<WriteResult> {
    return this.connection.write("setPartyEncryptionKey", [
      partyCodeToBytes2(input.party),
      bytes32(input.thumbprint, "thumbprint"),
      cidBytes(input.cid, "cid"),
    ]);
  },

  /** Party `code`'s registered IPFS node (libp2p peer id and multiaddr), or undefined when it registered none. */
  async partyNode(this: LedgerCallsHost, code: PartyCode, options: ReadOptions = {}): Promise<PartyNode | undefined> {
    const [peerId, multiaddr] = await this.connection.view("partyNode", [partyCodeToBytes2(code)], options);
    return peerId === "" ? undefined : { peerId, multiaddr };
  },

  /** Records `party`'s IPFS node, which the other parties' nodes then accept; empty strings withdraw it. */
  async setPartyNode(this: LedgerCallsHost, input: { party: PartyCode } & PartyNode): Promise<WriteResult> {
    return this.connection.write("setPartyNode", [
      partyCodeToBytes2(input.party),
      nodeField(input.peerId, "peerId"),
      nodeField(input.multiaddr, "multiaddr"),
    ]);
  },

  /** Adds an admin of `party`. */
  async addPartyAdmin(this: LedgerCallsHost, party: PartyCode, account: string): Promise<WriteResult> {
    return this.connection.write("addPartyAdmin", [partyCodeToBytes2(party), address(account, "account")]);
  },

  /** Removes an admin of `party`. */
  async removePartyAdmin(this: LedgerCallsHost, party: PartyCode, account: string): Promise<WriteResult> {
    return this.connection.write("removePartyAdmin", [partyCodeToBytes2(party), address(account, "account")]);
  },

  /** Records that `importer` recognises `types` (a bit set) from every authority of `issuer`. */
  async setPartyRecognition(this: LedgerCallsHost, input: { importer: PartyCode; issuer: PartyCode; types: bigint }): Promise<WriteResult> {
    return this.connection.write("setPartyRecognition", [
      partyCodeToBytes2(input.importer),
      partyCodeToBytes2(input.issuer),
      uint64(input.types, "types"),
    ]);
  },

  /** Records that `importer` recognises `types` (a bit set) from authority `authorityId`. */
  async setAuthorityRecognition(
    this: LedgerCallsHost,
    input: { importer: PartyCode; authorityId: number; types: bigint },
  ): Promise<WriteResult> {
    return this.connection.write("setAuthorityRecognition", [
      partyCodeToBytes2(input.importer),
      smallUint(input.authorityId, 32, "authorityId"),
      uint64(input.types, "types"),
    ]);
  },

  /** Whether `party` recognises certificates of `certType` issued by `authorityId`. */
  async recognises(
    this: LedgerCallsHost,
    party: PartyCode,
    authorityId: number,
    certType: number,
    options: ReadOptions = {},
  ): Promise<boolean> {
    const args = [partyCodeToBytes2(party), smallUint(authorityId, 32, "authorityId"), smallUint(certType, 8, "certType")] as const;
    return this.connection.view("recognises", args, options);
  },

  /** Proposes a consortium decision (the caller's party approves it at once); returns the proposal's id. */
  async propose(this: LedgerCallsHost, input: ProposeInput): Promise<WriteResult & { proposalId: bigint }> {
    const kind = PROPOSAL_KINDS.indexOf(input.kind);
    if (kind < 0) throw new CertLedgerError("INVALID_CHAIN_ARGUMENT", `kind: not one of ${PROPOSAL_KINDS.join(", ")}`);
    const { receipt, ...result } = await this.connection.send("propose", [
      kind,
      input.party === undefined ? "0x0000" : partyCodeToBytes2(input.party),
      input.admin === undefined ? "0x0000000000000000000000000000000000000000" : address(input.admin, "admin"),
      smallUint(input.threshold ?? 0, 8, "threshold"),
    ]);
    const event = this.connection.eventIn(receipt, "ProposalCreated");
    return { ...result, proposalId: BigInt(event.args.getValue("proposalId")) };
  },

  /** Approves proposal `proposalId` for the caller's party. */
  async approve(this: LedgerCallsHost, proposalId: bigint): Promise<WriteResult> {
    return this.connection.write("approve", [proposalId]);
  },

  /** Executes proposal `proposalId`. */
  async execute(this: LedgerCallsHost, proposalId: bigint): Promise<WriteResult> {
    return this.connection.write("execute", [proposalId]);
  },

  /** Proposal `proposalId`, or undefined. */
  async getProposal(this: LedgerCallsHost, proposalId: bigint, options: ReadOptions = {}): Promise<ProposalRecord | undefined> {
    return toProposalRecord(proposalId, await this.connection.view("getProposal", [proposalId], options));
  },
};
