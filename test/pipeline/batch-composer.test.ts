import { expect } from "chai";
import { ethers } from "ethers";
import { buildBatch, type BatchLeafInput } from "../../src/merkle/batch";
import { composeBatch } from "../../src/pipeline/batch-composer";
import { expectError } from "../crypto/expect-error";

const hash = () => ethers.hexlify(ethers.randomBytes(32));
const leaves = (n: number): BatchLeafInput[] =>
  Array.from({ length: n }, () => ({ certHash: hash(), numberHash: hash(), validUntil: BigInt(1 + Math.floor(Math.random() * 2 ** 48)) }));

describe("composeBatch", function () {
  for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 16, 33, 100, 257]) {
    it(`builds the same root, manifest and proofs as buildBatch for ${n} certificate(s)`, function () {
      const input = leaves(n);
      const reference = buildBatch(4, input);
      const composed = composeBatch(4, input);
      expect(composed.root).to.equal(reference.root);
      expect(composed.manifest).to.deep.equal(reference.manifest);
      expect(composed.members.map((m) => m.certHash)).to.deep.equal(input.map((l) => l.certHash.toLowerCase()));
      for (const member of composed.members) expect(member.proof, member.certHash).to.deep.equal(reference.member(member.certHash)!.proof);
    });
  }

  it("takes hashes in any case and gives them in lower case, as buildBatch does", function () {
    const input = leaves(3).map((l) => ({ ...l, certHash: l.certHash.toUpperCase().replace("0X", "0x") }));
    expect(composeBatch(1, input).root).to.equal(buildBatch(1, input).root);
    expect(composeBatch(1, input).members[0].certHash).to.equal(input[0].certHash.toLowerCase());
  });

  it("refuses an empty batch, a certificate twice, and malformed leaves", function () {
    const [a, b] = leaves(2);
    expectError(() => composeBatch(1, []), "EMPTY_BATCH");
    expectError(() => composeBatch(1, [a, b, { ...a, numberHash: hash() }]), "DUPLICATE_LEAF");
    expectError(() => composeBatch(1, [a, { ...b, numberHash: "0x12" }]), "INVALID_BATCH_LEAF", /leaf 1/);
    expectError(() => composeBatch(1, [a, { ...b, validUntil: 0n }]), "INVALID_BATCH_LEAF", /leaf 1/);
    expectError(() => composeBatch(1, [a, { ...b, validUntil: 1n << 64n }]), "INVALID_BATCH_LEAF", /leaf 1/);
  });
});
