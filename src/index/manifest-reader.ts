import { isCertLedgerError, type CertLedgerErrorCode } from "../errors";
import { cidFromBytes } from "../ipfs/cid";
import type { PayloadStore } from "../ipfs/payload-store";
import type { ManifestThread } from "./manifest-thread";
import type { IndexWriter, PendingManifest } from "./index-writer";

/** Where the index reports what it passes over: pino's `warn(details, message)` fits. */
export interface IndexLogger {
  warn(details: Record<string, unknown>, message: string): void;
}

/** How batch manifests are read from IPFS. */
export interface ManifestReaderOptions {
  payloads: PayloadStore;
  /** Parses, hashes and stores manifests off the event loop. */
  thread: ManifestThread;
  logger: IndexLogger;
  /** How long one manifest may take to arrive. */
  timeoutMs: number;
  /** The wait before the first retry of a manifest that did not arrive; it doubles with each failure, up to 5 minutes. */
  retryMs: number;
}

const MAX_RETRY_MS = 5 * 60_000;
const AT_ONCE = 4;
const PER_SYNC = 64;
/**
 * A manifest leaf is at most about 220 bytes of JSON (version 2, with a payload CID). A fetch reads no more than the
 * batch's leaf count (from its BatchAnchored event) needs, and never more than MAX_MANIFEST_BYTES (a CID can name any
 * amount): a manifest any authority announces cannot make every other party's node fetch and parse more than its own
 * batch's worth. Its leaves are then counted against the event's before the tree is built (off the event loop).
 */
const BYTES_PER_LEAF = 256;
const MANIFEST_OVERHEAD_BYTES = 4096;
const MAX_MANIFEST_BYTES = 256 * 1024 * 1024;
/** Failures that will not go away by asking again: the manifest is not one, or not this batch's. */
const PERMANENT: CertLedgerErrorCode[] = ["INVALID_CID", "INVALID_MANIFEST", "DUPLICATE_LEAF", "PAYLOAD_TOO_LARGE"];

/** Reads the manifests that are due and stores their members; returns how many were indexed. */
export async function readDueManifests(writer: IndexWriter, options: ManifestReaderOptions): Promise<number> {
  const due = writer.dueManifests(Date.now(), PER_SYNC);
  let indexed = 0;
  for (let i = 0; i < due.length; i += AT_ONCE) {
    const results = await Promise.all(due.slice(i, i + AT_ONCE).map((batch) => readOne(writer, batch, options)));
    indexed += results.filter(Boolean).length;
  }
  return indexed;
}

async function readOne(writer: IndexWriter, pending: PendingManifest, options: ManifestReaderOptions): Promise<boolean> {
  const { root } = pending;
  const batchRef = { root, authorityId: pending.authorityId };
  let cid = "";
  try {
    cid = cidFromBytes(pending.manifestCid);
    const maxBytes = manifestByteLimit(pending.leafCount);
    const bytes = await options.payloads.get(cid, { signal: AbortSignal.timeout(options.timeoutMs), maxBytes });
    // Rebuilt with the authority of the BatchAnchored event: a manifest announced by another authority than the one
    // whose leaves it lists rebuilds to another root, and is refused below.
    const job = { file: writer.file, batch: batchRef, bytes, leafCount: pending.leafCount };
    const { root: built, stored } = await options.thread.store(job);
    if (built !== root) {
      const message = `manifest ${cid} describes root ${built}, not the anchored ${root}`;
      writer.manifestRefused(batchRef, message);
      options.logger.warn(
        { root, authorityId: pending.authorityId, manifestCid: cid, manifestRoot: built },
        `chain index: ignoring batch manifest: ${message}`,
      );
      return false;
    }
    return stored;
  } catch (error) {
    const code = isCertLedgerError(error) ? error.code : undefined;
    const message = `${code ?? "ERROR"}: ${error instanceof Error ? error.message : String(error)}`;
    if (code !== undefined && PERMANENT.includes(code)) {
      writer.manifestRefused(batchRef, message);
      options.logger.warn(
        { root, authorityId: pending.authorityId, manifestCid: cid, code },
        `chain index: ignoring batch manifest: ${message}`,
      );
    } else {
      // Not on IPFS yet (or IPFS is down): the batch stays pending and is asked for again later, with a growing wait.
      writer.manifestFailed(batchRef, message, Date.now() + Math.min(MAX_RETRY_MS, options.retryMs * 2 ** pending.attempts));
    }
    return false;
  }
}

/** The most bytes a manifest of `leafCount` leaves may have. */
export function manifestByteLimit(leafCount: number): number {
  return Math.min(MAX_MANIFEST_BYTES, MANIFEST_OVERHEAD_BYTES + leafCount * BYTES_PER_LEAF);
}
