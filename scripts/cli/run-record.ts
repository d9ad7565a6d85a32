import { mkdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { UsageError } from "./errors";
import type { AnchorKind } from "./anchor-files";
import { writeFileAtomically } from "../../src/atomic-file";

/**
 * Where a file stands: the server's request status, or refused (by the server or before sending); anchoring straight
 * to the chain, "batched" means recorded in a batch whose transaction is not confirmed yet.
 */
export type EntryStatus = "queued" | "submitted" | "anchored" | "failed" | "refused" | "batched";

/** One file of an anchoring run, as the run record keeps it. */
export interface RunEntry {
  file: string;
  kind: AnchorKind;
  status: EntryStatus;
  certHash?: string;
  number?: string;
  numberHash?: string;
  /** The verification link to hand to the holder (with the link key in its fragment, when this run received it). */
  link?: string;
  /**
   * The link has no key yet: the server had the request already (an interrupted run sent it) and gives the key only to
   * the first answer; the next run asks the server for it again (GET /v1/certificates/{certHash}/link).
   */
  linkKeyMissing?: boolean;
  /** A PDF the server stamped with its QR code: the link the QR code carries, and where the stamped copy was saved. */
  stampedLink?: string;
  document?: string;
  /** Why it was refused or failed. */
  problem?: { status?: number; code: string; detail: string };
  /** Once anchored: where, with the Merkle proof for a batch (the proof bundle's `anchor`). */
  anchor?: Record<string, unknown>;
  updatedAt: string;
}

/**
 * A Merkle batch anchored straight to the chain, recorded before its transaction is sent so that a run killed at any
 * point finds it again, and sends it at most once (the ledger refuses a root twice; a resume asks the ledger first).
 */
export interface RecordedBatch {
  root: string;
  certType: number;
  leafCount: number;
  /** The certHashes of its leaves, in tree order (the IPFS manifest lists them with their numbers and validity). */
  leaves: string[];
  /** The CID of the batch manifest, which the BatchAnchored event carries. */
  manifestCid: string;
  /** The batch manifest's bytes, kept next to the run record. */
  manifestFile: string;
  /** "added": the manifest is on the IPFS node of --ipfs-api; "local": only in `manifestFile`, to be added by hand. */
  ipfs: "added" | "local";
  status: "recorded" | "anchored";
  /** The chain's block when the batch was recorded: its BatchAnchored event, if any, is at or after it. */
  recordedAtBlock: number;
  txHash?: string;
  blockNumber?: number;
}

/** Which ledger a run anchors to: through an API server, or straight to a chain. */
export type RunTarget = { api: string } | { chain: { chainId: number; ledger: string } };

/**
 * The record of `certledger anchor` runs into one output folder (`<out>/run.json`): each file's outcome, and the resume
 * state. Not to be confused with a batch manifest, the list of a batch's leaves on IPFS (src/merkle/manifest.ts).
 */
export interface RunRecord {
  format: typeof RUN_RECORD_FORMAT;
  version: 1;
  /** The API server of a run through one. */
  api?: string;
  /** The chain and ledger of a run straight to the chain. */
  chain?: { chainId: number; ledger: string };
  /**
   * The validity of document files as the first run resolved it: a duration such as "365d" counts from the first
   * run, so that a resume sends the requests an interrupted run may already have delivered exactly as they were.
   */
  validity?: { given: string; validUntil: string };
  createdAt: string;
  updatedAt: string;
  entries: RunEntry[];
  /** The batches of a run straight to the chain. */
  batches?: RecordedBatch[];
}

const RUN_RECORD_FORMAT = "certledger-anchor-run";
/** The run record's format and file name before 0.2.0, when the CLI called it a manifest: still read, never written. */
const LEGACY_RUN_RECORD_FORMAT = "certledger-anchor-manifest";
const LEGACY_FILE = "manifest.json";

/** The run record file of the output folder `out`. */
export function runRecordPath(out: string): string {
  return path.join(out, "run.json");
}

/** Whether `json` is a run record (or one written before 0.2.0). */
export function isRunRecord(json: { format?: unknown; entries?: unknown } | null): boolean {
  return (json?.format === RUN_RECORD_FORMAT || json?.format === LEGACY_RUN_RECORD_FORMAT) && Array.isArray(json.entries);
}

/**
 * The run record of an earlier run in `out` (entries by file), or a new one. One an older version wrote as
 * manifest.json is read too, and moved to run.json.
 */
export async function loadRunRecord(out: string, target: RunTarget): Promise<{ record: RunRecord; byFile: Map<string, RunEntry> }> {
  const read = (file: string) =>
    readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return undefined;
      throw new UsageError(`cannot read the run record ${file}`);
    });
  let file = runRecordPath(out);
  let text = await read(file);
  if (text === undefined) {
    file = path.join(out, LEGACY_FILE);
    text = await read(file);
  }
  const now = new Date().toISOString();
  let record: RunRecord = { format: RUN_RECORD_FORMAT, version: 1, ...target, createdAt: now, updatedAt: now, entries: [] };
  if (text !== undefined) {
    let json: RunRecord;
    try {
      json = JSON.parse(text) as RunRecord;
    } catch {
      throw new UsageError(`the run record ${file} is not JSON: move it away to start afresh`);
    }
    if (!isRunRecord(json)) throw new UsageError(`${file} is not a CertLedger anchoring run record`);
    if (describeTarget(json) !== describeTarget(target)) {
      throw new UsageError(
        `the run record ${file} records a run against ${describeTarget(json)}, not ${describeTarget(target)}: use another --out folder`,
      );
    }
    record = { ...json, format: RUN_RECORD_FORMAT };
  }
  const byFile = new Map(record.entries.map((entry) => [entry.file, entry]));
  // A record an older version left as manifest.json moves to run.json as soon as it is read (a later run finds it there).
  if (text !== undefined && file !== runRecordPath(out)) {
    await saveRunRecord(out, record, byFile);
    await rm(file, { force: true });
  }
  return { record, byFile };
}

/** Writes the run record atomically (a kill leaves the previous version or this one, never half of one). */
export async function saveRunRecord(out: string, record: RunRecord, byFile: Map<string, RunEntry>): Promise<void> {
  record.entries = [...byFile.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  record.updatedAt = new Date().toISOString();
  await mkdir(out, { recursive: true });
  // The run record holds the certificates' link keys, which open their payloads: its owner's only (0600).
  await writeFileAtomically(runRecordPath(out), JSON.stringify(record, null, 1) + "\n");
}

/** "http://…" for a run through an API server, "ledger 0x… on chain N" for one straight to the chain. */
function describeTarget(target: { api?: string; chain?: { chainId: number; ledger: string } }): string {
  if (target.chain) return `ledger ${target.chain.ledger.toLowerCase()} on chain ${target.chain.chainId}`;
  return target.api ?? "(nothing)";
}
