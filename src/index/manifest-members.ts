import { getProof, makeMerkleTree } from "@openzeppelin/merkle-tree/dist/core";
import { keccak256 } from "ethers";
import { CertLedgerError } from "../errors";
import type { BatchManifest, BatchMember } from "../merkle/batch";

/**
 * The members of the batch a manifest describes, each with its proof, in manifest (tree) order, and the root.
 *
 * The same tree as `batchFromManifest(manifest).members()` — `StandardMerkleTree` over `BATCH_LEAF_ENCODING`,
 * leaves sorted by hash, built by the library's own `makeMerkleTree` — but about a hundred times faster: that path
 * ABI-encodes every leaf through a generic encoder and re-verifies every proof it hands out, about 0.4 ms a member,
 * which for a batch of 100,000 would hold a server's event loop for most of a minute. A leaf of three static 32-byte
 * words is their concatenation, so it is hashed directly; the caller compares the root with the anchored one, which
 * checks every proof at once.
 */
export function manifestMembers(manifest: BatchManifest): { root: string; members: BatchMember[] } {
  const seen = new Set<string>();
  const leaves = manifest.leaves.map(([certHash, numberHash, validUntil], index) => {
    if (seen.has(certHash)) {
      throw new CertLedgerError("DUPLICATE_LEAF", `certificate ${certHash} is in the manifest twice (again at leaf ${index})`, {
        details: { certHash, index },
      });
    }
    seen.add(certHash);
    const encoded = certHash + numberHash.slice(2) + BigInt(validUntil).toString(16).padStart(64, "0");
    return { certHash, numberHash, validUntil: BigInt(validUntil), hash: keccak256(keccak256(encoded)) };
  });
  // Lower-case hex of equal length sorts as the bytes do, which is how StandardMerkleTree orders its leaves.
  leaves.sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
  const tree = makeMerkleTree(leaves.map((leaf) => leaf.hash));
  const root = tree[0];
  const members = leaves.map(({ certHash, numberHash, validUntil }, sorted) => ({
    root,
    certHash,
    numberHash,
    validUntil,
    proof: getProof(tree, tree.length - 1 - sorted),
  }));
  return { root, members };
}
