import { expect } from "chai";
import { certificateNumberHash } from "../../src/documents/hashing";
import { verifierEvents } from "../../src/index";
import { Verifier } from "../../src/verify";
import { loadFixture } from "../contracts/fixtures";
import { stopPayloadStore, verifierWorld } from "../verify/world";
import { anchorTestReports, leaves, openIndex, removeIndexFolders } from "./index-world";

describe("the chain index as the verifier's event source", function () {
  after(async function () {
    removeIndexFolders();
    await stopPayloadStore();
  });

  it("verification by number finds a certificate anchored in a Merkle batch, which the chain's logs alone do not name", async function () {
    const world = await loadFixture(verifierWorld);
    const number = `KG-BATCHED-${Date.now()}`;
    const batchLeaves = await leaves(3, [{ numberHash: certificateNumberHash("KG", number) }]);
    await anchorTestReports(world, batchLeaves);
    const { index } = await openIndex(world);
    try {
      await index.syncOnce();
      const withIndex = new Verifier({ client: world.client, batches: index, events: verifierEvents(index) });
      const found = await withIndex.verify({ kind: "number", number, party: "KG" });
      expect(found.report.verdict).to.equal("VALID");
      expect(found.report.certHash).to.equal(batchLeaves[0].certHash.toLowerCase());
      // Without the index, the number is looked up in the chain's logs, which name direct anchors only.
      const logsOnly = new Verifier({ client: world.client, batches: index });
      expect((await logsOnly.verify({ kind: "number", number, party: "KG" })).report.verdict).to.equal("NOT_FOUND");
    } finally {
      index.close();
    }
  });
});
