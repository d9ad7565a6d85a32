import { expect } from "chai";
import { isCertLedgerError } from "../../src/errors";
import { buildBatch, parseBatchManifest, encodeBatchManifest } from "../../src/merkle/batch";
import { manifestMembers } from "../../src/index/manifest-members";
import { randomHash } from "../contracts/fixtures";

function randomLeaves(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    certHash: randomHash(),
    numberHash: randomHash(),
    validUntil: 1_900_000_000n + BigInt(i) * 10n ** 12n,
  }));
}

describe("The index's batch members from a manifest", function () {
  for (const size of [1, 2, 3, 7, 64, 257]) {
    it(`gives the same root, order and proofs as the Merkle module for a batch of ${size}`, function () {
      const batch = buildBatch(2, randomLeaves(size));
      const { root, members } = manifestMembers(parseBatchManifest(encodeBatchManifest(batch.manifest)));
      expect(root).to.equal(batch.root);
      expect(members).to.deep.equal(batch.members());
    });
  }

  it("refuses a manifest that lists a certificate twice", function () {
    const batch = buildBatch(2, randomLeaves(3));
    const manifest = { ...batch.manifest, leaves: [...batch.manifest.leaves, batch.manifest.leaves[1]] };
    expect(() => manifestMembers(manifest))
      .to.throw()
      .that.satisfies((e: unknown) => isCertLedgerError(e, "DUPLICATE_LEAF"));
  });
});
