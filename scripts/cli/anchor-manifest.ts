import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { UsageError } from "./errors";
import type { AnchorKind } from "./anchor-files";
import { writeFileAtomically } from "../../src/atomic-file";

/**
 * Where a file stands: the server's request status, or refused (by the server or before sending); anchoring straight
 * to the chain, "batched" means recorded in a batch whose transaction is not confirmed yet.
 */
export type EntryStatus = "queued" | "submitted" | "anchored" | "failed" | "refused" | "batched";

/** One file of an anchoring run, as the manifest records it. */
export interface ManifestEntry {
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
  /** The manifest's bytes, kept next to the output manifest. */
  manifestFile: string;
  /** "added": the manifest is on the IPFS node of --ipfs-api; "local": only in `manifestFile`, to be added by hand. */
  ipfs: "added" | "local";
  status: "recorded" | "anchored";
  /** The chain's block when the batch was recorded: its BatchAnchored event, if any, is at or after it. */
  recordedAtBlock: number;
  txHash?: string;
  blockNumber?: number;
}

/** Which ledger a manifest's run anchors to: through an API server, or straight to a chain. */
export type ManifestTarget = { api: string } | { chain: { chainId: number; ledger: string } };

/** The anchoring manifest and resume state of an output folder (`<out>/manifest.json`). */
export interface Manifest {
  format: "certledger-anchor-manifest";
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
  entries: ManifestEntry[];
  /** The batches of a run straight to the chain. */
  batches?: RecordedBatch[];
}

/** The manifest file of the output folder `out`. */
export function manifestPath(out: string): string {
  return path.join(out, "manifest.json");
}

/** The manifest of an earlier run in `out` (entries by file), or a new one. */
export async function loadManifest(
  out: string,
  target: ManifestTarget,
): Promise<{ manifest: Manifest; byFile: Map<string, ManifestEntry> }> {
  const file = manifestPath(out);
  const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw new UsageError(`cannot read the manifest ${file}`);
  });
  const now = new Date().toISOString();
  let manifest: Manifest = { format: "certledger-anchor-manifest", version: 1, ...target, createdAt: now, updatedAt: now, entries: [] };
  if (text !== undefined) {
    try {
      manifest = JSON.parse(text) as Manifest;
    } catch {
      throw new UsageError(`the manifest ${file} is not JSON: move it away to start afresh`);
    }
    if (manifest.format !== "certledger-anchor-manifest" || !Array.isArray(manifest.entries)) {
      throw new UsageError(`${file} is not a CertLedger anchoring manifest`);
    }
    if (describeTarget(manifest) !== describeTarget(target)) {
      throw new UsageError(
        `the manifest ${file} records a run against ${describeTarget(manifest)}, not ${describeTarget(target)}: use another --out folder`,
      );
    }
  }
  return { manifest, byFile: new Map(manifest.entries.map((entry) => [entry.file, entry])) };
}

/** Writes the manifest atomically (a kill leaves the previous version or this one, never half of one). */
export async function saveManifest(out: string, manifest: Manifest, byFile: Map<string, ManifestEntry>): Promise<void> {
  manifest.entries = [...byFile.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  manifest.updatedAt = new Date().toISOString();
  await mkdir(out, { recursive: true });
  const file = manifestPath(out);
  // The run record holds the certificates' link keys, which open their payloads: its owner's only (0600).
  await writeFileAtomically(file, JSON.stringify(manifest, null, 1) + "\n");
}

/** "http://…" for a run through an API server, "ledger 0x… on chain N" for one straight to the chain. */
function describeTarget(target: { api?: string; chain?: { chainId: number; ledger: string } }): string {
  if (target.chain) return `ledger ${target.chain.ledger.toLowerCase()} on chain ${target.chain.chainId}`;
  return target.api ?? "(nothing)";
}
