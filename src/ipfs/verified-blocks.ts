/**
 * A view of a Helia blockstore that checks every block it hands out against the block's CID. Helia checks blocks
 * that arrive over bitswap, but not blocks read back from disk, so a block changed on disk (a bad sector, a tampered
 * file, another program writing into the data folder) would otherwise reach the caller as if it were the payload.
 * Checking each block as the file is read covers every byte (the root CID commits to its links, each link to its
 * block) and fails before the rest is fetched.
 */
import { createHash } from "node:crypto";
import type { Helia } from "helia" with { "resolution-mode": "import" };
import { CertLedgerError } from "../errors";
import { RAW_CODEC } from "./cid";

type CID = Parameters<BlockAccess["has"]>[0];

/** The blockstore operations @helia/unixfs uses. */
export type BlockAccess = Pick<Helia["blockstore"], "get" | "put" | "has">;

// sha2-256 is the only hash a CertLedger DAG uses (Kubo's default), so it is the only one accepted.
const SHA2_256 = 0x12;

/** `blocks` with every `get` checked against its CID; a block that does not match throws CID_MISMATCH. */
export function verifiedBlocks(blocks: BlockAccess): BlockAccess {
  return {
    has: (cid, options) => blocks.has(cid, options),
    put: (cid, block, options) => blocks.put(cid, block, options),
    get: async function* (cid, options) {
      const parts: Uint8Array[] = [];
      for await (const part of blocks.get(cid, options)) parts.push(part);
      const block = Buffer.concat(parts);
      checkBlock(cid, block);
      yield block;
    },
  };
}

/** Throws CID_MISMATCH unless `block` is the block `cid` names (sha2-256 of its bytes). */
export function checkBlock(cid: CID, block: Uint8Array): void {
  if (cid.multihash.code !== SHA2_256) {
    throw new CertLedgerError("CID_MISMATCH", `block ${cid} is not hashed with sha2-256, so it is not part of a CertLedger payload`);
  }
  const digest = createHash("sha256").update(block).digest();
  if (!digest.equals(cid.multihash.digest)) {
    throw new CertLedgerError("CID_MISMATCH", `block ${cid} does not match its CID: its ${block.byteLength} bytes hash to another digest`);
  }
}

/**
 * The block `root` names, when it is a raw block (a payload or manifest of one block) that `lookup` holds, checked
 * against its CID (CID_MISMATCH otherwise); undefined when it is not raw or not held. The fast path of a read: no
 * deadline, retries or UnixFS walk, which cost more than the read itself.
 */
export function localRawBlock(root: CID, lookup: (root: CID) => Uint8Array | undefined): Uint8Array | undefined {
  const block = root.code === RAW_CODEC ? lookup(root) : undefined;
  if (block !== undefined) checkBlock(root, block);
  return block;
}
