import Database from "better-sqlite3";
import { CertLedgerError } from "../errors";
import { loadCid } from "./cid";
import { readAtMost } from "./limits";
import type { PayloadReader } from "./payload-store";
import { localRawBlock } from "./verified-blocks";

/** A payload reader for a process beside the node, over the node's IPFS file; what it cannot read there, `fetch` gets. */
export interface LocalPayloadReader extends PayloadReader {
  close(): void;
}

/**
 * Reads payloads in a process that shares the embedded Helia node's SQLite file (`ipfs.sqlite`) without running the
 * node: a verification process. A payload of one raw block the file holds — most payloads and manifests — is read
 * from the file, read-only, and checked against its CID here, as the node's own fast path does. Anything else (a file
 * of several blocks, a block the node has not got) goes to `fetch`, which asks the node, whose Helia walks the file
 * and fetches what it lacks from the consortium's peers.
 */
export function openLocalPayloadReader(options: { file: string; fetch: PayloadReader["get"] }): LocalPayloadReader {
  let db: Database.Database;
  try {
    db = new Database(options.file, { readonly: true, fileMustExist: true });
    db.pragma("busy_timeout = 5000");
  } catch (cause) {
    throw new CertLedgerError("IPFS_UNAVAILABLE", `cannot open the IPFS store ${options.file} to read it: ${(cause as Error).message}`, {
      cause,
    });
  }
  const block = db.prepare<[Uint8Array], { bytes: Buffer }>("SELECT bytes FROM blocks WHERE multihash = ?");
  return {
    async get(cid, readOptions = {}) {
      const local = localRawBlock(await loadCid(cid), (root) => {
        const bytes = block.get(root.multihash.bytes)?.bytes;
        return bytes && new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      });
      if (local === undefined) return options.fetch(cid, readOptions);
      return readAtMost([local], readOptions.maxBytes ?? Infinity, cid);
    },
    close: () => db.close(),
  };
}
