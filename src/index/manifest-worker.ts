/**
 * The body of the manifest worker thread (see manifest-parser.ts): parses a batch manifest's bytes, checks its leaf
 * count against the batch's, and builds its Merkle tree, so that a manifest any authority announces on chain is
 * worked through away from the event loop that answers the node's HTTP requests (a 100,000-leaf tree took 9 s of it).
 */
import { parentPort } from "node:worker_threads";
import { CertLedgerError } from "../errors";
import { batchFromManifest, parseBatchManifest } from "../merkle/batch";

interface Job {
  id: number;
  bytes: Uint8Array;
  leafCount: number;
  /** The authority of the BatchAnchored event: every leaf names it, so the tree is rebuilt with it. */
  authorityId: number;
}

parentPort?.on("message", ({ id, bytes, leafCount, authorityId }: Job) => {
  try {
    const manifest = parseBatchManifest(bytes);
    if (manifest.leaves.length !== leafCount) {
      throw new CertLedgerError(
        "INVALID_MANIFEST",
        `batch manifest: ${manifest.leaves.length} leaves, but the batch was anchored with ${leafCount}`,
      );
    }
    const batch = batchFromManifest(manifest, authorityId);
    parentPort?.postMessage({ id, root: batch.root, members: batch.members() });
  } catch (error) {
    const code = error instanceof CertLedgerError ? error.code : undefined;
    parentPort?.postMessage({ id, error: { code, message: error instanceof Error ? error.message : String(error) } });
  }
});
