/**
 * The body of the manifest thread (see manifest-thread.ts): parses a batch manifest's bytes, checks its leaf count
 * against the batch's, builds its Merkle tree and, when the tree's root is the batch's, stores its members into the
 * index file through a connection of its own, so that a manifest any authority announces on chain is worked through
 * away from the event loop that answers the node's HTTP requests.
 */
import Database from "better-sqlite3";
import { answerAsked } from "../asked-thread";
import { CertLedgerError } from "../errors";
import { batchFromManifest, parseBatchManifest } from "../merkle/batch";
import { keepTemporaryDataInMemory } from "../sqlite-file";
import { ManifestMembers } from "./manifest-members";
import type { ManifestJob } from "./manifest-thread";

/**
 * Members stored per transaction. The chain follower on the event loop writes the same file and waits for the write
 * lock while a slice is written, so a slice must stay short; each commit costs, so not too short. An index of 100,000
 * built from scratch (bench/scale-index.ts) took 33.7-34.3 s at 100 a transaction, 30.7-31.9 s at 250, 28.3-29.1 s
 * at 500, and 30.1-32.1 s when the event loop stored 500 at a time; /healthz p99 under credential load was 95-96 ms
 * at 100 and 104-123 ms at 500 (the same hour, 2 cores).
 */
const MEMBERS_PER_TRANSACTION = 250;

const connections = new Map<string, { db: Database.Database; members: ManifestMembers }>();

/** This thread's connection to index file `file`, opened as the index opens it (the file and its schema exist). */
function membersOf(file: string): ManifestMembers {
  let connection = connections.get(file);
  if (!connection) {
    const db = new Database(file, { fileMustExist: true });
    try {
      db.pragma("synchronous = NORMAL"); // as the index's own connection (schema.ts): what is lost is read again
      db.pragma("foreign_keys = ON");
      db.pragma("busy_timeout = 5000");
      keepTemporaryDataInMemory(db);
      connection = { db, members: new ManifestMembers(db) };
    } catch (error) {
      db.close();
      throw error;
    }
    connections.set(file, connection);
  }
  return connection.members;
}

function store({ file, batch, bytes, leafCount }: ManifestJob): { root: string; stored: boolean } {
  const manifest = parseBatchManifest(bytes);
  if (manifest.leaves.length !== leafCount) {
    throw new CertLedgerError(
      "INVALID_MANIFEST",
      `batch manifest: ${manifest.leaves.length} leaves, but the batch was anchored with ${leafCount}`,
    );
  }
  // Rebuilt with the authority of the BatchAnchored event: a manifest announced by another authority than the one
  // whose leaves it lists rebuilds to another root, and is refused by the caller.
  const built = batchFromManifest(manifest, batch.authorityId);
  if (built.root !== batch.root) return { root: built.root, stored: false };
  const members = built.members();
  try {
    const store = membersOf(file);
    for (let from = 0; from < members.length; from += MEMBERS_PER_TRANSACTION) {
      const slice = members.slice(from, from + MEMBERS_PER_TRANSACTION);
      if (!store.store(batch, slice, { from, last: from + slice.length >= members.length })) return { root: built.root, stored: false };
    }
  } catch (error) {
    // Not the manifest's fault (the file busy past busy_timeout, the disk full): the batch stays pending, asked again.
    throw new CertLedgerError("INDEX_UNAVAILABLE", `storing the manifest's members: ${(error as Error).message}`, { cause: error });
  }
  return { root: built.root, stored: true };
}

answerAsked((question) => {
  if (!question.close) return store(question.store as ManifestJob);
  for (const { db } of connections.values()) db.close();
  connections.clear();
  return { closed: true };
});
