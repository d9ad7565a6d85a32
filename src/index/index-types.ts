import type { CertificateEvent, EventPosition } from "../chain/ledger-events";
import type { AuthorityRecord } from "../chain/ledger-records";

/** What the chain index answers with: plain objects, hex in lower case, times in seconds as bigints. */

/** One anchoring of a certificate: its own `CertificateAnchored`, or its leaf in a batch whose manifest was read. */
export interface IndexedAnchor {
  certHash: string;
  numberHash: string;
  authorityId: number;
  certType: number;
  validUntil: bigint;
  /** The payload's CID (CIDv1 text) of a direct anchor that named a well-formed one. */
  payloadCid?: string;
  /** The timestamp of the anchoring block, in seconds. */
  anchoredAt: bigint;
  blockNumber: number;
  txHash: string;
  /** The batch's Merkle root, when the certificate was anchored in a batch. */
  batchRoot?: string;
}

/** The revocation of a certificate, from its `CertificateRevoked` event. */
export interface IndexedRevocation {
  /** The RFC 5280 reason code. */
  reason: number;
  /** When the revocation takes effect (seconds; may be earlier than the event). */
  effectiveAt: bigint;
  replacement?: string;
  /** The timestamp of the block that recorded it. */
  revokedAt: bigint;
  blockNumber: number;
  txHash: string;
}

/** A certificate as its events describe it now. Expiry is left to the reader: it depends on the time asked about. */
export interface IndexedCertificate extends IndexedAnchor {
  status: "Active" | "Suspended" | "Revoked";
  /** The timestamp of the last suspension, reinstatement or revocation, when there was one. */
  statusChangedAt?: bigint;
  revocation?: IndexedRevocation;
}

/** The arguments of a `BatchAnchored` event, in the `{ event, args }` shape of {@link CertificateEvent}. */
export interface BatchAnchoredArgs {
  root: string;
  authorityId: number;
  certType: number;
  leafCount: number;
  /** The binary CID of the batch manifest. */
  manifestCid: Uint8Array;
}

/** The `BatchAnchored` event of a batch that holds the certificate. */
export type BatchAnchoredHistoryEvent = EventPosition & { event: "BatchAnchored"; args: BatchAnchoredArgs };

/** One entry of a certificate's history: its own events and the anchoring of each batch that holds it. */
export type CertificateHistoryEvent = CertificateEvent | BatchAnchoredHistoryEvent;

/** How far a batch's manifest got: not read yet (retried), read and indexed, or refused for good. */
export type ManifestState = "pending" | "indexed" | "invalid";

/** A batch anchored on the ledger, and what became of its manifest. */
export interface IndexedBatch extends BatchAnchoredArgs {
  /** The manifest's CID as text, or undefined when the event's bytes are not a CID. */
  manifestCidText?: string;
  anchoredAt: bigint;
  blockNumber: number;
  /** Its log index in the block: with the block, where it stands in chain order. */
  logIndex: number;
  txHash: string;
  manifest: ManifestState;
  /** Why the manifest is still pending or was refused. */
  manifestError?: string;
  /** Failed attempts at reading the manifest. */
  manifestAttempts: number;
}

/** A certificate hash anchored more than once (two batches, or a batch and a direct anchor), with every anchoring. */
export interface DuplicateCertificate {
  certHash: string;
  anchors: IndexedAnchor[];
}

/** What registry events are filed under, for {@link ChainIndex.events}. */
export type RegistryEventKind = "party" | "authority" | "signingKey" | "recognition" | "consortium";

/** A JSON-safe event argument: small integers as numbers, uint64/uint256 as decimal strings, party codes as "KG". */
export type RegistryEventValue = string | number;

/** A registry event (parties, authorities, signing keys, recognition, consortium votes). */
export interface RegistryEvent extends EventPosition {
  event: string;
  args: Record<string, RegistryEventValue>;
}

/** An issuing authority as its events describe it now, with the accounts that write for it. */
export interface IndexedAuthority extends AuthorityRecord {
  accounts: string[];
  registeredAt: bigint;
  blockNumber: number;
}

/** Filters and paging of {@link ChainIndex.listByAuthority}. */
export interface ListByAuthorityOptions {
  status?: IndexedCertificate["status"];
  certType?: number;
  /** A certificate number hash (see `certificateNumberHash`): the caller hashes the number it was given. */
  number?: string;
  /** At most this many (default 50, at most 1,000). */
  limit?: number;
  offset?: number;
}

/** A page of an authority's certificates, newest first, and how many match in all. */
export interface CertificatePage {
  items: IndexedCertificate[];
  total: number;
}

/** Where the index stands; a server's readiness uses `caughtUp`. */
export interface IndexStatus {
  /** The last block indexed. */
  lastBlock: number;
  /** The chain's head at the last synchronisation. */
  headBlock: number;
  /** The last synchronisation succeeded and reached the head (minus the confirmations). */
  caughtUp: boolean;
  /** Blocks between the last indexed one and the head minus the confirmations. */
  lagBlocks: number;
  /** Batches whose manifest is still to be read. */
  pendingManifests: number;
  /** The last synchronisation's failure, cleared by the next success. */
  lastError?: { code: string; message: string; at: string };
}

/** A certificate's payload as the index learnt of it, for replication: `seq` orders them by when they were indexed. */
export interface IndexedPayload {
  /** Increases with every certificate the index adds; resume after the last one handled. */
  seq: number;
  certHash: string;
  payloadCid: string;
  /** The issuing authority's party, when the index knows the authority. */
  party?: string;
}
