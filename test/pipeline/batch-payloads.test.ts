import os from "node:os";
import path from "node:path";
import { mkdtemp, rm } from "node:fs/promises";
import { expect } from "chai";
import { encryptPayload } from "../../src/crypto/payload-encryption";
import { VC_JWT_MEDIA_TYPE } from "../../src/documents/vc-jose";
import { ChainIndex } from "../../src/index/chain-index";
import { cidFromBytes, createHeliaStore, type HeliaStore } from "../../src/ipfs";
import { parseBatchManifest } from "../../src/merkle/batch";
import { Outbox } from "../../src/pipeline/outbox";
import { ManifestBatchLocator, Verifier, type BatchLocator } from "../../src/verify";
import { loadFixture } from "../contracts/fixtures";
import { signedCredential } from "../verify/world";
import { batcherFor, outboxFile, payloadStore, pipelineWorld, removeOutboxFiles, stopPayloadStore } from "./fixtures";

describe("Batched certificates' payloads, found from the chain and IPFS alone", function () {
  this.timeout(120_000);
  let otherDir: string;
  let otherNode: HeliaStore;

  before(async function () {
    // Another party's node: its own IPFS node, connected to the issuer's, and no access to the issuer's outbox.
    otherDir = await mkdtemp(path.join(os.tmpdir(), "certledger-other-party-"));
    otherNode = await createHeliaStore({ dataDir: path.join(otherDir, "ipfs"), timeoutMs: 10_000 });
    await otherNode.connect((await payloadStore()).multiaddrs()[0]);
  });

  after(async function () {
    await otherNode.stop();
    await rm(otherDir, { recursive: true, force: true });
    await stopPayloadStore();
    await removeOutboxFiles();
  });

  it("the batch manifest lists each certificate's payload CID, so another party's verifier checks and opens the payload", async function () {
    const world = await loadFixture(pipelineWorld);
    const authority = world.authorities.kgBody;
    const credentials = await Promise.all(Array.from({ length: 3 }, () => signedCredential("conformityCertificate", authority)));
    const outbox = Outbox.open(await outboxFile());
    const batcher = await batcherFor(world, outbox, { maxWaitMs: 200 });
    const linkKeys = new Map<string, string>();
    try {
      for (const credential of credentials) {
        const document = new TextEncoder().encode(credential.jws);
        const payload = await encryptPayload(document, { certHash: credential.certHash, contentType: VC_JWT_MEDIA_TYPE });
        linkKeys.set(credential.certHash, payload.linkKey);
        outbox.enqueue({
          certHash: credential.certHash,
          authorityId: authority.id,
          certType: 1,
          validUntil: credential.validUntil,
          numberHash: credential.numberHash,
          payload: { bytes: payload.bytes, contentType: VC_JWT_MEDIA_TYPE },
        });
      }
      batcher.start();
      await batcher.drain();
    } finally {
      await batcher.stop();
    }
    const requests = credentials.map((c) => outbox.get(c.certHash)!);
    outbox.close();
    expect(new Set(requests.map((r) => r.batchRoot)).size, "one batch").to.equal(1);

    // The manifest on IPFS, found through the chain's event, is version 2 with the outbox's payload CIDs.
    const [event] = (await world.client.batchAnchors()).filter((e) => e.root === requests[0].batchRoot);
    const manifest = parseBatchManifest(await otherNode.get(cidFromBytes(event.manifestCid)));
    expect(manifest.version).to.equal(2);
    const listed = new Map(manifest.leaves.map((leaf) => [leaf[0], leaf[3]]));
    for (const request of requests) expect(listed.get(request.certHash), request.certHash).to.equal(request.payloadCid);

    // Two locators that read only the chain and IPFS: the verifier's own, and another party's chain index.
    const indexDir = await mkdtemp(path.join(os.tmpdir(), "certledger-other-index-"));
    const index = ChainIndex.open({
      file: path.join(indexDir, "index.sqlite"),
      client: world.client,
      payloads: otherNode,
      manifestTimeoutMs: 10_000,
      manifestRetryMs: 0,
      logger: { warn: () => undefined },
    });
    try {
      await index.syncOnce();
      const locators: [string, BatchLocator][] = [
        ["ManifestBatchLocator", new ManifestBatchLocator(world.client, otherNode)],
        ["ChainIndex", index],
      ];
      for (const [name, batches] of locators) {
        const verifier = new Verifier({ client: world.client, payloads: otherNode, batches });
        for (const request of requests) {
          const what = `${name}: ${request.certHash}`;
          expect((await batches.locate(request.certHash))?.payloadCid, what).to.equal(request.payloadCid);
          const { report } = await verifier.verify({ kind: "hash", certHash: request.certHash });
          expect(report.verdict, what).to.equal("VALID");
          const payload = report.checks.find((check) => check.id === "payload")!;
          expect(payload, what).to.include({ result: "pass" });
          expect(payload.detail, what).to.contain(request.payloadCid!);
          const opened = await verifier.verify({ kind: "hash", certHash: request.certHash }, { linkKey: linkKeys.get(request.certHash) });
          expect(
            opened.report.checks.find((check) => check.id === "payload"),
            what,
          ).to.include({ result: "pass" });
          expect(new TextDecoder().decode(opened.document!.bytes), what).to.equal(
            credentials.find((c) => c.certHash === request.certHash)!.jws,
          );
        }
      }
      expect(index.certificate(requests[0].certHash)?.payloadCid).to.equal(requests[0].payloadCid);
    } finally {
      index.close();
      await rm(indexDir, { recursive: true, force: true });
    }
  });
});
