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
import { LedgerClient } from "../../src/chain/ledger-client";
import type { AdmittedPeer } from "../../src/ipfs/helia-store";
import { ConsortiumPeers } from "../../src/pipeline";
import { deployedLedger, KG, KZ, loadFixture, UZ } from "../contracts/fixtures";
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
      const both = await Promise.all([
        service.submitCredential({ authorityId: body.id, jws }),
        service.submitCredential({ authorityId: body.id, jws }),
      ]);
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

  describe("the node address a party registers", function () {
    /** A stand-in for the IPFS node that records what it is told to admit and dial. */
    function recordingNode() {
      const admitted: AdmittedPeer[][] = [];
      return {
        admitted,
        node: { peerId: "12D3KooWSelf", admitOnly: async (peers: readonly AdmittedPeer[]) => void admitted.push([...peers]) },
      };
    }
    // Well-formed peer ids (public IPFS bootstrap nodes'): nothing is dialled here, only decided.
    const PEERS = [
      "QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN",
      "QmQCU2EcMqAqQPR2i9bChDtGNJchTbq5TbXJJ16u19uLTa",
      "QmbLHAnMoJPWSCR5Zhtx6BHJX9KiKNN6tpvbUcqanj75Nb",
    ];
    const peerId = (n: number) => PEERS[n - 1];

    it("is dialled only within this node's scope: never a link-local, unspecified or metadata address, nor loopback or private ones from a public node", async function () {
      const { ledger, deployment, kgAdmin, kzAdmin, uzAdmin } = await loadFixture(deployedLedger);
      const client = LedgerClient.connect({ deployment, provider: kgAdmin.provider, pollIntervalMs: 20 });
      await ledger.connect(kgAdmin).setPartyNode(KG, peerId(1), "/ip4/169.254.169.254/tcp/80");
      await ledger.connect(kzAdmin).setPartyNode(KZ, peerId(2), "/ip4/127.0.0.1/tcp/22");
      await ledger.connect(uzAdmin).setPartyNode(UZ, peerId(3), "/ip4/198.51.100.7/tcp/4001");
      const dialled = async (dialScope: "public" | "private" | "loopback") => {
        const { admitted, node } = recordingNode();
        await new ConsortiumPeers({ client, node, dialScope }).sync();
        const last = admitted.at(-1)!;
        // Every party's node is still admitted (it may dial this one): only the dialling is refused.
        expect(last.map((p) => p.peerId).sort()).to.deep.equal([peerId(1), peerId(2), peerId(3)].sort());
        return last.filter((p) => p.multiaddr !== undefined).map((p) => p.multiaddr);
      };
      expect(await dialled("public")).to.deep.equal(["/ip4/198.51.100.7/tcp/4001"]);
      expect(await dialled("private")).to.deep.equal(["/ip4/198.51.100.7/tcp/4001"]);
      expect((await dialled("loopback")).sort()).to.deep.equal(["/ip4/127.0.0.1/tcp/22", "/ip4/198.51.100.7/tcp/4001"]);
      await ledger.connect(kzAdmin).setPartyNode(KZ, peerId(2), "/ip4/10.0.0.5/tcp/6379");
      expect((await dialled("private")).sort()).to.deep.equal(["/ip4/10.0.0.5/tcp/6379", "/ip4/198.51.100.7/tcp/4001"]);
      expect(await dialled("public")).to.deep.equal(["/ip4/198.51.100.7/tcp/4001"]);
    });
  });
});
