import { keccak256 } from "ethers";
import { readHex32 } from "../hex32";
import { batchLeafHash, type BatchMember } from "./batch";

/**
 * Whether `member.proof` places the certificate under `member.root`, computed as the contract's `MerkleProof.verify`
 * does: the leaf folded with each proof node by the commutative keccak (the smaller word first). The same answer as
 * `verifyBatchMember`, without the ABI encoder's generic path: a verification answered from the index folds one proof
 * per request.
 */
export function foldsToRoot(member: BatchMember): boolean {
  const root = typeof member.root === "string" ? member.root.toLowerCase() : "";
  if (readHex32(root) === undefined || !Array.isArray(member.proof)) return false;
  let node: string;
  try {
    node = batchLeafHash(member.certHash, member.numberHash, member.validUntil, member.authorityId);
  } catch {
    return false;
  }
  const pair = Buffer.alloc(64);
  for (const sibling of member.proof) {
    const other = typeof sibling === "string" ? sibling.toLowerCase() : "";
    if (readHex32(other) === undefined) return false;
    const [first, second] = node < other ? [node, other] : [other, node];
    pair.write(first.slice(2), 0, "hex");
    pair.write(second.slice(2), 32, "hex");
    node = keccak256(pair);
  }
  return node === root;
}
