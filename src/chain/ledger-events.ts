import { getBytes, LogDescription, type EventFragment, type Log } from "ethers";
import { ICertificateLedger__factory } from "../../typechain-types";
import { REGISTRY_EVENTS, type RegistryEventName } from "./ledger-inputs";
import { nonZero } from "./values";

/** The ledger's certificate events as plain typed objects, and how they are read from logs. */

/** Where and when an event happened. */
export interface EventPosition {
  blockNumber: number;
  txHash: string;
  logIndex: number;
  /** The block's timestamp, in seconds. */
  timestamp: bigint;
}

/** What `CertificateAnchored` says. */
export interface CertificateAnchoredArgs {
  certHash: string;
  numberHash: string;
  authorityId: number;
  certType: number;
  validUntil: bigint;
  /** The binary CID of the encrypted payload (empty when there is none). */
  payloadCid: Uint8Array;
}

/**
 * Which anchoring of a certificate hash an event is about. A hash may be anchored more than once (by other authorities,
 * later: the contract cannot see a batch's leaves), and each anchoring is a record of its own: the direct one (`root`
 * undefined) or one per batch, a batch being known by its root and its authority.
 */
export interface AnchoringRef {
  authorityId: number;
  /** The batch's Merkle root; undefined for the direct anchoring. */
  root: string | undefined;
}

/** What `BatchedCertificateMaterialised` says. */
export interface BatchedCertificateMaterialisedArgs extends AnchoringRef {
  certHash: string;
  root: string;
  numberHash: string;
}

/** What `CertificateSuspended` and `CertificateReinstated` say. */
export interface StatusChangeArgs extends AnchoringRef {
  certHash: string;
}

/** What `CertificateRevoked` says (`replacement` undefined when none was named). */
export interface CertificateRevokedArgs extends StatusChangeArgs {
  reason: number;
  effectiveAt: bigint;
  replacement: string | undefined;
}

/** One event of a certificate's history. */
export type CertificateEvent =
  | (EventPosition & { event: "CertificateAnchored"; args: CertificateAnchoredArgs })
  | (EventPosition & { event: "BatchedCertificateMaterialised"; args: BatchedCertificateMaterialisedArgs })
  | (EventPosition & { event: "CertificateSuspended"; args: StatusChangeArgs })
  | (EventPosition & { event: "CertificateReinstated"; args: StatusChangeArgs })
  | (EventPosition & { event: "CertificateRevoked"; args: CertificateRevokedArgs });

/** Whether `event` is about `anchoring` (a CertificateAnchored event is about the direct anchoring of its authority). */
export function isEventOf(event: CertificateEvent, anchoring: AnchoringRef): boolean {
  const root = event.event === "CertificateAnchored" ? undefined : event.args.root;
  return event.args.authorityId === anchoring.authorityId && root === anchoring.root;
}

/** The name of a certificate event. */
export type CertificateEventName = CertificateEvent["event"];

/** A `CertificateAnchored` event. */
export type CertificateAnchoredEvent = Extract<CertificateEvent, { event: "CertificateAnchored" }>;

/** An event that puts a certificate number on the ledger: a direct anchor or a batched certificate materialised. */
export type NumberHashEvent = Extract<CertificateEvent, { event: "CertificateAnchored" | "BatchedCertificateMaterialised" }>;

/** A `BatchAnchored` event. */
export interface BatchAnchoredEvent extends EventPosition {
  root: string;
  authorityId: number;
  certType: number;
  leafCount: number;
  /** The binary CID of the batch manifest on IPFS. */
  manifestCid: Uint8Array;
}

const ledgerInterface = ICertificateLedger__factory.createInterface();

/** The topic0 of each event the client reads. */
export const EVENT_TOPICS = {
  CertificateAnchored: ledgerInterface.getEvent("CertificateAnchored").topicHash,
  BatchedCertificateMaterialised: ledgerInterface.getEvent("BatchedCertificateMaterialised").topicHash,
  CertificateSuspended: ledgerInterface.getEvent("CertificateSuspended").topicHash,
  CertificateReinstated: ledgerInterface.getEvent("CertificateReinstated").topicHash,
  CertificateRevoked: ledgerInterface.getEvent("CertificateRevoked").topicHash,
  BatchAnchored: ledgerInterface.getEvent("BatchAnchored").topicHash,
} as const;

/** The ledger's events by topic0, hashed once: ethers' parseLog hashes every event's signature again for each log. */
const EVENTS_BY_TOPIC = new Map<string, EventFragment>();
ledgerInterface.forEachEvent((fragment) => EVENTS_BY_TOPIC.set(fragment.topicHash, fragment));

/** `log` decoded as one of the ledger's events, exactly as `Interface.parseLog` does; null when it is none of them. */
export function parseLedgerLog(log: { topics: readonly string[]; data: string }): LogDescription | null {
  const fragment = log.topics.length > 0 ? EVENTS_BY_TOPIC.get(log.topics[0].toLowerCase()) : undefined;
  if (!fragment || fragment.anonymous) return null;
  return new LogDescription(fragment, fragment.topicHash, ledgerInterface.decodeEventLog(fragment, log.data, log.topics));
}

/** The topics of a certificate's own events; each has certHash as its first indexed field. */
/** The consortium registry's events after which a party's node list may differ, by topic. */
export const REGISTRY_EVENT_BY_TOPIC = new Map<string, RegistryEventName>(
  REGISTRY_EVENTS.map((name) => [ledgerInterface.getEvent(name).topicHash, name]),
);

export const CERTIFICATE_EVENT_TOPICS = [
  EVENT_TOPICS.CertificateAnchored,
  EVENT_TOPICS.BatchedCertificateMaterialised,
  EVENT_TOPICS.CertificateSuspended,
  EVENT_TOPICS.CertificateReinstated,
  EVENT_TOPICS.CertificateRevoked,
];

/** Where `log` is, with its block's `timestamp`. */
export function positionOf(log: Log, timestamp: bigint): EventPosition {
  return { blockNumber: log.blockNumber, txHash: log.transactionHash, logIndex: log.index, timestamp };
}

/** A certificate event read from `log`, or undefined when the log is not one. */
export function parseCertificateEvent(log: Log, timestamp: bigint): CertificateEvent | undefined {
  const parsed = parseLedgerLog(log);
  if (!parsed) return undefined;
  const at = positionOf(log, timestamp);
  const a = parsed.args;
  const certHash = String(a.certHash).toLowerCase();
  switch (parsed.name) {
    case "CertificateAnchored":
      return {
        ...at,
        event: "CertificateAnchored",
        args: {
          certHash,
          numberHash: String(a.numberHash).toLowerCase(),
          authorityId: Number(a.authorityId),
          certType: Number(a.certType),
          validUntil: BigInt(a.validUntil),
          payloadCid: getBytes(String(a.payloadCid)),
        },
      };
    case "BatchedCertificateMaterialised":
      return {
        ...at,
        event: "BatchedCertificateMaterialised",
        args: {
          certHash,
          root: String(a.root).toLowerCase(),
          numberHash: String(a.numberHash).toLowerCase(),
          authorityId: Number(a.authorityId),
        },
      };
    case "CertificateSuspended":
      return { ...at, event: "CertificateSuspended", args: statusChangeArgs(certHash, a) };
    case "CertificateReinstated":
      return { ...at, event: "CertificateReinstated", args: statusChangeArgs(certHash, a) };
    case "CertificateRevoked":
      return {
        ...at,
        event: "CertificateRevoked",
        args: {
          ...statusChangeArgs(certHash, a),
          reason: Number(a.reason),
          effectiveAt: BigInt(a.effectiveAt),
          replacement: nonZero(String(a.replacement)),
        },
      };
    default:
      return undefined;
  }
}

function statusChangeArgs(certHash: string, a: LogDescription["args"]): StatusChangeArgs {
  return { certHash, authorityId: Number(a.authorityId), root: nonZero(String(a.root).toLowerCase()) };
}

/** A `BatchAnchored` event read from `log`, or undefined when the log is not one. */
export function parseBatchAnchored(log: Log, timestamp: bigint): BatchAnchoredEvent | undefined {
  const parsed = parseLedgerLog(log);
  if (!parsed || parsed.name !== "BatchAnchored") return undefined;
  const a = parsed.args;
  return {
    ...positionOf(log, timestamp),
    root: String(a.root).toLowerCase(),
    authorityId: Number(a.authorityId),
    certType: Number(a.certType),
    leafCount: Number(a.leafCount),
    manifestCid: getBytes(String(a.manifestCid)),
  };
}
