import { AskedThread } from "../asked-thread";
import type { BatchRef } from "./manifest-members";
import { startWorker } from "../worker-thread";

/** What became of a manifest: the root its leaves build, and whether its members were stored (the root was the batch's). */
export interface StoredManifest {
  root: string;
  stored: boolean;
}

/** A manifest to read into index file `file`: its bytes, and the batch it must be the manifest of. */
export interface ManifestJob {
  file: string;
  batch: BatchRef;
  bytes: Uint8Array;
  /** The leaf count of the BatchAnchored event: a manifest listing another number of leaves is refused. */
  leafCount: number;
}

/**
 * The manifest thread: one worker thread, started on first use and left to exit with the process (unref'd), that
 * parses a batch manifest, rebuilds its tree, and stores its members into the index (manifest-worker.ts). A manifest
 * of N leaves is N keccak pairs and N index rows; the event loop, which answers the node's HTTP requests, must spend
 * neither on a file any authority of any party chose (a 100,000-leaf tree took 9 s of it; storing the members ~110 µs
 * a certificate, 12% of it while credentials were accepted).
 */
export class ManifestThread {
  readonly #thread = new AskedThread(
    "the manifest thread",
    () => startWorker(__dirname, "manifest-worker", __filename, { background: true }),
    "INVALID_MANIFEST",
  );

  /**
   * Reads `job.bytes` as the manifest of `job.batch` and stores its members in the index file `job.file`: refused
   * (INVALID_MANIFEST) unless it holds exactly `job.leafCount` leaves; nothing stored when its leaves build another root
   * than the batch's (answered in `root`), or when the batch is gone or done meanwhile (`stored` false).
   */
  store(job: ManifestJob): Promise<StoredManifest> {
    return this.#thread.ask<StoredManifest>({ store: job });
  }

  /** Closes the thread's index connections and stops it (a new one starts on the next store). */
  close(): Promise<void> {
    // Its connections closed first: a terminated thread would leave the index file's WAL to the event loop's.
    return this.#thread.stop({ close: true });
  }
}
