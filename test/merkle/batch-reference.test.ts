import { expect } from "chai";
import { ethers } from "ethers";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { BATCH_LEAF_ENCODING, batchFromManifest, buildBatch, type BatchLeafInput } from "../../src/merkle/batch";

const hash = () => ethers.hexlify(ethers.randomBytes(32));
const leaves = (n: number): BatchLeafInput[] =>
  Array.from({ length: n }, () => ({ certHash: hash(), numberHash: hash(), validUntil: BigInt(1 + Math.floor(Math.random() * 2 ** 48)) }));

describe("buildBatch against @openzeppelin/merkle-tree's StandardMerkleTree", function () {
  for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 16, 33, 100, 257]) {
    it(`gives the same root, proofs and tree order for ${n} certificate(s)`, function () {
      const input = leaves(n);
      const values = input.map((l) => [l.certHash, l.numberHash, l.validUntil]);
      const reference = StandardMerkleTree.of(values, BATCH_LEAF_ENCODING);
      const batch = buildBatch(4, input);
      expect(batch.root).to.equal(reference.root);
      input.forEach((leaf, i) => expect(batch.member(leaf.certHash)!.proof, `leaf ${i}`).to.deep.equal(reference.getProof(i)));
      const treeOrder = reference
        .dump()
        .values.map((v) => v)
        .sort((a, b) => b.treeIndex - a.treeIndex)
        .map((v) => (v.value[0] as string).toLowerCase());
      expect(batch.manifest.leaves.map(([certHash]) => certHash)).to.deep.equal(treeOrder);
      expect(batchFromManifest(batch.manifest).root).to.equal(reference.root);
    });
  }

  it("takes hashes in any case and gives them in lower case", function () {
    const input = leaves(3).map((l) => ({ ...l, certHash: l.certHash.toUpperCase().replace("0X", "0x") }));
    const batch = buildBatch(1, input);
    expect(batch.root).to.equal(
      StandardMerkleTree.of(
        input.map((l) => [l.certHash, l.numberHash, l.validUntil]),
        BATCH_LEAF_ENCODING,
      ).root,
    );
    expect(batch.members().map((m) => m.certHash)).to.include(input[0].certHash.toLowerCase());
  });
});
