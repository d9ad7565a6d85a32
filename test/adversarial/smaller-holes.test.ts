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
import { loadConfig } from "../../server/config";
import { expectProblem } from "../server/expect-problem";
import { call, startServer, stopServers } from "../server/server-world";

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

  describe("the public rate limit behind a reverse proxy", function () {
    afterEach(stopServers);
    const path = `/v1/verify/${"ef".repeat(32)}`;
    const from = (address: string) => ({ headers: { "x-forwarded-for": address } });

    it("ignores X-Forwarded-For unless TRUST_PROXY says so: a client cannot pose as many", async function () {
      const server = await startServer({ anchoring: false, env: { RATE_LIMIT_PER_MINUTE: "2" } });
      for (const address of ["203.0.113.1", "203.0.113.2"]) expect((await call(server, path, from(address))).status).to.equal(200);
      expectProblem(await call(server, path, from("203.0.113.3")), 429, "RATE_LIMITED");
    });

    it("with TRUST_PROXY naming the proxy, counts each client the proxy forwards on its own", async function () {
      const server = await startServer({ anchoring: false, env: { RATE_LIMIT_PER_MINUTE: "2", TRUST_PROXY: "loopback" } });
      for (let i = 0; i < 2; i++) expect((await call(server, path, from("203.0.113.1"))).status).to.equal(200);
      expectProblem(await call(server, path, from("203.0.113.1")), 429, "RATE_LIMITED");
      expect((await call(server, path, from("203.0.113.2"))).status).to.equal(200);
    });

    it("refuses at start-up a TRUST_PROXY that would trust anyone, or is not an address", function () {
      expect(loadConfig({ TRUST_PROXY: "1" }).trustProxy).to.equal(1);
      expect(loadConfig({ TRUST_PROXY: "10.0.0.0/8, loopback" }).trustProxy).to.deep.equal(["10.0.0.0/8", "loopback"]);
      expect(loadConfig({}).trustProxy).to.equal(false);
      for (const bad of ["true", "*", "10.0.0.0/33", "proxy.example", "11"]) {
        expect(() => loadConfig({ TRUST_PROXY: bad }), bad).to.throw(/TRUST_PROXY/);
      }
    });
  });
});
