/**
 * Issue #11, the smaller holes: a duplicate upload racing the first, a party's node address that makes every other
 * node dial where it says, and a rate limit that trusts whatever X-Forwarded-For a client sends.
 */
import { randomBytes } from "node:crypto";
import { expect } from "chai";
import type { GeneratedKey } from "../../src/crypto/keys";
import { decryptWithLinkKey } from "../../src/crypto/payload-encryption";
import { AnchoringService } from "../../src/pipeline/anchoring-service";
import { LinkKeyStore, type IssuedRecord } from "../../src/pipeline/link-keys";
import { Outbox } from "../../src/pipeline/outbox";
import { loadFixture } from "../contracts/fixtures";
import { signedCredential } from "../verify/world";
import { outboxFile, pipelineWorld, removeOutboxFiles, stopPayloadStore } from "../pipeline/fixtures";

describe("Smaller holes", function () {
  this.timeout(120_000);
  after(async function () {
    await removeOutboxFiles();
    await stopPayloadStore();
  });

  it("two concurrent uploads of the same credential keep the link key that opens the payload anchored, whichever key is written last", async function () {
    const world = await loadFixture(pipelineWorld);
    const outbox = Outbox.open(await outboxFile());
    const store = LinkKeyStore.open(await outboxFile(), randomBytes(32));
    const keys = new Map<number, GeneratedKey>(Object.values(world.authorities).map((a) => [a.id, a.key]));
    // The loser's first write is held back until the outbox has taken the winner's request and the winner has written
    // whatever it writes after: the order a slow encryption of the losing upload gives.
    let calls = 0;
    const linkKeys = {
      stampLinkKey: (authorityId: number, number: string, documentHash: string) => store.stampLinkKey(authorityId, number, documentHash),
      recordGrouped: async (record: IssuedRecord, options?: { replace?: boolean }) => {
        if (++calls === 2) {
          while (!outbox.get(record.certHash)) await new Promise((resolve) => setTimeout(resolve, 5));
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        return store.recordGrouped(record, options);
      },
    };
    const service = new AnchoringService({ outbox, client: world.client, keyring: { signingKey: (id) => keys.get(id) }, linkKeys });
    try {
      const body = world.authorities.kgBody;
      const { jws, certHash } = await signedCredential("conformityCertificate", body);
      const both = await Promise.all([service.submitCredential({ authorityId: body.id, jws }), service.submitCredential({ authorityId: body.id, jws })]);
      expect(both.map((r) => r.created).sort()).to.deep.equal([false, true]);
      const payload = outbox.pendingPayload(certHash)!;
      const kept = store.get(certHash)!.linkKey;
      expect(new TextDecoder().decode(await decryptWithLinkKey(payload, kept))).to.equal(jws);
      expect(kept).to.equal(both.find((r) => r.created)!.linkKey);
    } finally {
      outbox.close();
      store.close();
    }
  });
});
