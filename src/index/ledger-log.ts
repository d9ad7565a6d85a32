import type { Log, ParamType } from "ethers";
import { ICertificateLedger__factory } from "../../typechain-types";
import {
  CERTIFICATE_EVENT_TOPICS,
  EVENT_TOPICS,
  parseBatchAnchored,
  parseCertificateEvent,
  positionOf,
  type BatchAnchoredEvent,
  type CertificateEvent,
} from "../chain/ledger-events";
import { PROPOSAL_KINDS } from "../chain/ledger-records";
import { bytes2ToPartyCode } from "../chain/party-code";
import { algFromBytes16 } from "../chain/values";
import type { RegistryEvent, RegistryEventKind, RegistryEventValue } from "./index-types";

/** Any log of the ledger, decoded into what the index stores. */
export type DecodedLog =
  | { kind: "certificate"; event: CertificateEvent }
  | { kind: "batch"; event: BatchAnchoredEvent }
  | { kind: "registry"; event: RegistryEvent; keys: RegistryKey[] };

/** What a registry event is filed under: `["authority", "3"]`. */
export type RegistryKey = [kind: RegistryEventKind, key: string];

const ledgerInterface = ICertificateLedger__factory.createInterface();
const CERTIFICATE_TOPICS = new Set(CERTIFICATE_EVENT_TOPICS);

type Args = Record<string, RegistryEventValue>;
const str = (value: RegistryEventValue | undefined): string => String(value);

/** For each registry event, the keys it is found under (an authority's key events are found from the authority too). */
const FILED_UNDER: Record<string, (a: Args) => RegistryKey[]> = {
  PartyAdmitted: (a) => [["party", str(a.party)]],
  PartySuspended: (a) => [["party", str(a.party)]],
  PartyReinstated: (a) => [["party", str(a.party)]],
  PartyAdminAdded: (a) => [["party", str(a.party)]],
  PartyAdminRemoved: (a) => [["party", str(a.party)]],
  PartyEncryptionKeySet: (a) => [["party", str(a.party)]],
  PartyNodeSet: (a) => [["party", str(a.party)]],
  AuthorityRegistered: (a) => [
    ["authority", str(a.authorityId)],
    ["party", str(a.party)],
  ],
  AuthorityUpdated: (a) => [["authority", str(a.authorityId)]],
  AuthoritySuspended: (a) => [["authority", str(a.authorityId)]],
  AuthorityReactivated: (a) => [["authority", str(a.authorityId)]],
  AuthorityAccountAdded: (a) => [["authority", str(a.authorityId)]],
  AuthorityAccountRemoved: (a) => [["authority", str(a.authorityId)]],
  SigningKeyAdded: (a) => [
    ["signingKey", str(a.thumbprint)],
    ["authority", str(a.authorityId)],
  ],
  SigningKeyRotated: (a) => [
    ["signingKey", str(a.thumbprint)],
    ["signingKey", str(a.replacement)],
    ["authority", str(a.authorityId)],
  ],
  SigningKeyCompromised: (a) => [
    ["signingKey", str(a.thumbprint)],
    ["authority", str(a.authorityId)],
  ],
  PartyRecognitionSet: (a) => [["recognition", str(a.importer)]],
  AuthorityRecognitionSet: (a) => [
    ["recognition", str(a.importer)],
    ["authority", str(a.authorityId)],
  ],
  ProposalCreated: (a) => [["consortium", str(a.proposalId)]],
  ProposalApproved: (a) => [["consortium", str(a.proposalId)]],
  ProposalExecuted: (a) => [["consortium", str(a.proposalId)]],
  ThresholdChanged: () => [["consortium", "threshold"]],
};

/** Decodes a ledger log, or undefined for a log the ledger's interface does not declare. */
export function decodeLedgerLog(log: Log, timestamp: bigint): DecodedLog | undefined {
  const topic = log.topics[0];
  if (CERTIFICATE_TOPICS.has(topic)) {
    const event = parseCertificateEvent(log, timestamp);
    return event && { kind: "certificate", event };
  }
  if (topic === EVENT_TOPICS.BatchAnchored) {
    const event = parseBatchAnchored(log, timestamp);
    return event && { kind: "batch", event };
  }
  const parsed = ledgerInterface.parseLog(log);
  const filedUnder = parsed && FILED_UNDER[parsed.name];
  if (!parsed || !filedUnder) return undefined;
  const args: Args = {};
  parsed.fragment.inputs.forEach((input, i) => {
    args[input.name] = jsonValue(input, parsed.args[i], parsed.name);
  });
  return { kind: "registry", event: { ...positionOf(log, timestamp), event: parsed.name, args }, keys: filedUnder(args) };
}

/** An event argument as a JSON-safe value a person can read. */
function jsonValue(input: ParamType, value: unknown, eventName: string): RegistryEventValue {
  const type = input.type;
  if (eventName === "ProposalCreated" && input.name === "kind") return PROPOSAL_KINDS[Number(value)] ?? Number(value);
  if (type.startsWith("uint")) return Number(type.slice(4)) <= 32 ? Number(value) : String(value);
  if (type === "bytes2") return partyOrHex(String(value));
  if (type === "bytes16") return algFromBytes16(String(value));
  if (type === "address" || type === "string") return String(value);
  return String(value).toLowerCase();
}

/** "KG" for a party code; the zero code (no party, e.g. a SetThreshold proposal) and anything else stay hex. */
function partyOrHex(value: string): string {
  try {
    return bytes2ToPartyCode(value);
  } catch {
    return value.toLowerCase();
  }
}
