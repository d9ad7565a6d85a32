import { expect } from "chai";
import { ethers } from "ethers";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { BATCH_LEAF_ENCODING, batchFromManifest, buildBatch, type BatchLeafInput } from "../../src/merkle/batch";

/** Every leaf names the batch's authority (the fourth value), so the same certificates batched by another differ. */
const AUTHORITY = 4_000_000_001;
const hash = () => ethers.hexlify(ethers.randomBytes(32));
const leaves = (n: number): BatchLeafInput[] =>
  Array.from({ length: n }, () => ({ certHash: hash(), numberHash: hash(), validUntil: BigInt(1 + Math.floor(Math.random() * 2 ** 48)) }));

describe("buildBatch against @openzeppelin/merkle-tree's StandardMerkleTree", function () {
  for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 16, 33, 100, 257]) {
    it(`gives the same root, proofs and tree order for ${n} certificate(s)`, function () {
      const input = leaves(n);
      const values = input.map((l) => [l.certHash, l.numberHash, l.validUntil, AUTHORITY]);
      const reference = StandardMerkleTree.of(values, BATCH_LEAF_ENCODING);
      const batch = buildBatch(AUTHORITY, 4, input);
      expect(batch.root).to.equal(reference.root);
      input.forEach((leaf, i) => expect(batch.member(leaf.certHash)!.proof, `leaf ${i}`).to.deep.equal(reference.getProof(i)));
      const treeOrder = reference
        .dump()
        .values.map((v) => v)
        .sort((a, b) => b.treeIndex - a.treeIndex)
        .map((v) => (v.value[0] as string).toLowerCase());
      expect(batch.manifest.leaves.map(([certHash]) => certHash)).to.deep.equal(treeOrder);
      expect(batchFromManifest(batch.manifest, AUTHORITY).root).to.equal(reference.root);
    });
  }

  it("the same certificates batched by another authority make another root, and no proof of one verifies in the other", function () {
    const input = leaves(5);
    const ours = buildBatch(AUTHORITY, 1, input);
    const theirs = buildBatch(AUTHORITY + 1, 1, input);
    expect(theirs.root).to.not.equal(ours.root);
    const member = ours.member(input[0].certHash)!;
    expect(
      StandardMerkleTree.verify(
        ours.root,
        BATCH_LEAF_ENCODING,
        [member.certHash, member.numberHash, member.validUntil, AUTHORITY],
        member.proof,
      ),
    ).to.equal(true);
    expect(
      StandardMerkleTree.verify(
        ours.root,
        BATCH_LEAF_ENCODING,
        [member.certHash, member.numberHash, member.validUntil, AUTHORITY + 1],
        member.proof,
      ),
    ).to.equal(false);
  });

  it("takes hashes in any case and gives them in lower case", function () {
    const input = leaves(3).map((l) => ({ ...l, certHash: l.certHash.toUpperCase().replace("0X", "0x") }));
    const batch = buildBatch(AUTHORITY, 1, input);
    expect(batch.root).to.equal(
      StandardMerkleTree.of(
        input.map((l) => [l.certHash, l.numberHash, l.validUntil, AUTHORITY]),
        BATCH_LEAF_ENCODING,
      ).root,
    );
    expect(batch.members().map((m) => m.certHash)).to.include(input[0].certHash.toLowerCase());
  });
});
