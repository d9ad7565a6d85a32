import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { LedgerClient } from "../../src/chain/ledger-client";
import { connectRpc } from "../../src/chain/provider";
import { generateSigningKey, type GeneratedKey } from "../../src/crypto/keys";
import { decryptAsRecipient, decryptWithLinkKey } from "../../src/crypto/payload-encryption";
import { CERTIFICATE_TYPES } from "../../src/documents/certificate-types";
import { certHashOf, certificateNumberHash } from "../../src/documents/hashing";
import { stampAndHash } from "../../src/documents/pdf-stamper";
import { DocumentWorkerPool } from "../../src/documents/document-worker-pool";
import { AnchoringService } from "../../src/pipeline/anchoring-service";
import type { AuthorityKeyring } from "../../src/pipeline/authority-keyring";
import { LinkKeyStore, type IssuedRecord } from "../../src/pipeline/link-keys";
import { Outbox } from "../../src/pipeline/outbox";
import { certificateTypeOf } from "../../src/pipeline/submission-inputs";
import { ManifestBatchLocator, Verifier } from "../../src/verify";
import { closedPort } from "../chain/rpc-proxy";
import { loadFixture, time } from "../contracts/fixtures";
import { expectError, expectRejection } from "../crypto/expect-error";
import { pdfBytes, signedCredential } from "../verify/world";
import { certificatePdf } from "../documents/certificate-pdf";
import { batcherFor, DAY, outboxFile, payloadStore, pipelineWorld, removeOutboxFiles, stopPayloadStore, type World } from "./fixtures";

/** The keyring of a server holding every authority's key of the world. */
function keyringOf(world: World): AuthorityKeyring {
  const keys = new Map<number, GeneratedKey>(Object.values(world.authorities).map((a) => [a.id, a.key]));
  return { signingKey: (id) => keys.get(id) };
}

async function setUp(world: World, client = world.client) {
  const outbox = Outbox.open(await outboxFile());
  return { outbox, service: new AnchoringService({ outbox, client, keyring: keyringOf(world) }) };
}

/** Uploads and anchors everything queued, then returns the payload of `certHash` from IPFS. */
async function anchorAll(world: World, outbox: Outbox, certHash: string): Promise<Uint8Array> {
  const batcher = await batcherFor(world, outbox);
  batcher.start();
  await batcher.drain();
  await batcher.stop();
  return (await payloadStore()).get(outbox.get(certHash)!.payloadCid!);
}

describe("AnchoringService", function () {
  this.timeout(120_000);
  after(async function () {
    await stopPayloadStore();
    await removeOutboxFiles();
  });

  describe("credentials", function () {
    it("a credential is validated, signed with the authority's key and queued; once anchored it verifies VALID and its link key opens the payload", async function () {
      const world = await loadFixture(pipelineWorld);
      const { outbox, service } = await setUp(world);
      try {
        const body = world.authorities.kgBody;
        const { vc } = await signedCredential("conformityCertificate", body);
        const result = await service.submitCredential({ authorityId: body.id, credential: vc });
        expect(result.created).to.equal(true);
        expect(result.chainChecked).to.equal(true);
        expect(result.linkKey).to.match(/^[A-Za-z0-9_-]{43}$/);
        expect(result.request).to.include({
          certHash: certHashOf(result.jws),
          authorityId: body.id,
          certType: CERTIFICATE_TYPES.conformityCertificate,
          numberHash: certificateNumberHash("KG", vc.credentialSubject.certificateNumber),
          validUntil: BigInt(Date.parse(vc.validUntil) / 1000),
          status: "queued",
        });
        const payload = await anchorAll(world, outbox, result.request.certHash);
        expect(new TextDecoder().decode(await decryptWithLinkKey(payload, result.linkKey!))).to.equal(result.jws);
        const verifier = new Verifier({ client: world.client, payloads: await payloadStore() });
        const { report } = await verifier.verify({ kind: "credential", jws: result.jws }, { linkKey: result.linkKey });
        expect(report.verdict, JSON.stringify(report.checks, null, 1)).to.equal("VALID");
        expect(report.checks.find((c) => c.id === "payload")?.result).to.equal("pass");
      } finally {
        outbox.close();
      }
    });

    it("credentials sealed by a pool of worker threads are anchored and verify VALID, their link keys opening their payloads; one the chain refuses is never sent to a worker", async function () {
      const world = await loadFixture(pipelineWorld);
      const outbox = Outbox.open(await outboxFile());
      const pool = new DocumentWorkerPool({ threads: 2 });
      try {
        const service = new AnchoringService({ outbox, client: world.client, keyring: keyringOf(world), sealer: pool });
        const body = world.authorities.kgBody;
        const credentials = await Promise.all([0, 1, 2].map(async () => (await signedCredential("conformityCertificate", body)).vc));
        const before = pool.completed;
        const results = await Promise.all(credentials.map((vc) => service.submitCredential({ authorityId: body.id, credential: vc })));
        expect(pool.completed - before, "sealed by the pool's workers").to.be.within(1, 3);
        await anchorAll(world, outbox, results[0].request.certHash);
        const payloads = await payloadStore();
        const verifier = new Verifier({ client: world.client, payloads, batches: new ManifestBatchLocator(world.client, payloads) });
        for (const result of results) {
          expect(result.request.certHash).to.equal(certHashOf(result.jws));
          const payload = await (await payloadStore()).get(outbox.get(result.request.certHash)!.payloadCid!);
          expect(new TextDecoder().decode(await decryptWithLinkKey(payload, result.linkKey!))).to.equal(result.jws);
          const { report } = await verifier.verify({ kind: "credential", jws: result.jws }, { linkKey: result.linkKey });
          expect(report.verdict, JSON.stringify(report.checks, null, 1)).to.equal("VALID");
        }
        const plant = world.authorities.kgPlant;
        const { vc: outOfScope } = await signedCredential("conformityCertificate", plant);
        const sent = pool.completed;
        await expectRejection(service.submitCredential({ authorityId: plant.id, credential: outOfScope }), "AUTHORITY_NOT_IN_SCOPE");
        expect(pool.completed, "refused before sealing").to.equal(sent);
      } finally {
        await pool.close();
        outbox.close();
      }
    });

    it("credentials submitted together are batched, and another party finds and verifies them from the manifest alone", async function () {
      const world = await loadFixture(pipelineWorld);
      const { outbox, service } = await setUp(world);
      try {
        const body = world.authorities.kgBody;
        const results = [];
        for (let i = 0; i < 3; i++) {
          const { vc } = await signedCredential("testReport", body);
          results.push(await service.submitCredential({ authorityId: body.id, credential: vc }));
        }
        await anchorAll(world, outbox, results[0].request.certHash);
        expect(new Set(results.map((r) => outbox.get(r.request.certHash)?.batchRoot)).size).to.equal(1);
        const payloads = await payloadStore();
        const verifier = new Verifier({ client: world.client, payloads, batches: new ManifestBatchLocator(world.client, payloads) });
        const { report } = await verifier.verify({ kind: "credential", jws: results[1].jws });
        expect(report.verdict, JSON.stringify(report.checks, null, 1)).to.equal("VALID");
      } finally {
        outbox.close();
      }
    });

    it("a repeat with the same idempotency key returns the first request and JWS without a new link key; another credential under it is IDEMPOTENCY_KEY_REUSED", async function () {
      const world = await loadFixture(pipelineWorld);
      const { outbox, service } = await setUp(world);
      try {
        const body = world.authorities.kgBody;
        const { vc } = await signedCredential("conformityCertificate", body);
        const first = await service.submitCredential({ authorityId: body.id, credential: vc, idempotencyKey: "batch-7/item-1" });
        const again = await service.submitCredential({ authorityId: body.id, credential: vc, idempotencyKey: "batch-7/item-1" });
        expect(again.created).to.equal(false);
        expect(again.linkKey).to.equal(undefined);
        expect(again.jws).to.equal(first.jws);
        expect(again.request).to.deep.equal(first.request);
        const other = (await signedCredential("conformityCertificate", body)).vc;
        await expectRejection(
          service.submitCredential({ authorityId: body.id, credential: other, idempotencyKey: "batch-7/item-1" }),
          "IDEMPOTENCY_KEY_REUSED",
        );
        expect(outbox.counts().queued).to.equal(1);
      } finally {
        outbox.close();
      }
    });

    it("a signed JWS submitted twice is queued once; the repeat has no link key", async function () {
      const world = await loadFixture(pipelineWorld);
      const { outbox, service } = await setUp(world);
      try {
        const body = world.authorities.kgBody;
        const { jws, certHash } = await signedCredential("conformityCertificate", body);
        const first = await service.submitCredential({ authorityId: body.id, jws });
        const again = await service.submitCredential({ authorityId: body.id, jws: `${jws}\n` });
        expect(first).to.include({ created: true, jws });
        expect(first.request.certHash).to.equal(certHash);
        expect(again).to.include({ created: false, jws });
        expect(again.linkKey).to.equal(undefined);
        expect(again.request.certHash).to.equal(certHash);
      } finally {
        outbox.close();
      }
    });

    it("the payload is also wrapped for the recipient parties named", async function () {
      const world = await loadFixture(pipelineWorld);
      const { outbox, service } = await setUp(world);
      try {
        const body = world.authorities.kgBody;
        const { vc } = await signedCredential("conformityCertificate", body);
        const recipients = [{ party: "KZ", publicJwk: world.kzEncryption.publicJwk }];
        const result = await service.submitCredential({ authorityId: body.id, credential: vc, recipients });
        const payload = await anchorAll(world, outbox, result.request.certHash);
        expect(new TextDecoder().decode(await decryptAsRecipient(payload, world.kzEncryption.privateJwk))).to.equal(result.jws);
      } finally {
        outbox.close();
      }
    });

    it("an invalid credential is INVALID_CREDENTIAL naming the field, and nothing is queued", async function () {
      const world = await loadFixture(pipelineWorld);
      const { outbox, service } = await setUp(world);
      try {
        const body = world.authorities.kgBody;
        const { vc } = await signedCredential("conformityCertificate", body);
        const broken = JSON.parse(JSON.stringify(vc));
        delete broken.credentialSubject.certificateNumber;
        await expectRejection(
          service.submitCredential({ authorityId: body.id, credential: broken }),
          "INVALID_CREDENTIAL",
          /credentialSubject\.certificateNumber/,
        );
        await expectRejection(service.submitCredential({ authorityId: body.id }), "INVALID_CREDENTIAL", /exactly one/);
        await expectRejection(
          service.submitCredential({ authorityId: body.id, credential: vc, jws: "a.b.c" }),
          "INVALID_CREDENTIAL",
          /exactly one/,
        );
        await expectRejection(service.submitCredential({ authorityId: body.id, jws: "not a jws" }), "INVALID_CREDENTIAL");
        await expectRejection(service.submitCredential({ authorityId: 0, credential: vc }), "INVALID_ANCHOR_REQUEST", /authorityId/);
        const expired = { ...vc, validFrom: "2020-01-01T00:00:00Z", validUntil: "2021-01-01T00:00:00Z" };
        await expectRejection(service.submitCredential({ authorityId: body.id, credential: expired }), "INVALID_CREDENTIAL", /validUntil/);
        expect(outbox.counts().queued).to.equal(0);
      } finally {
        outbox.close();
      }
    });

    it("a credential whose issuer is another authority is ISSUER_MISMATCH", async function () {
      const world = await loadFixture(pipelineWorld);
      const { outbox, service } = await setUp(world);
      try {
        const { vc } = await signedCredential("phytosanitaryCertificate", world.authorities.kgPlant);
        await expectRejection(
          service.submitCredential({ authorityId: world.authorities.kgBody.id, credential: vc }),
          "ISSUER_MISMATCH",
          /issuer is authority/,
        );
        // The right id with the wrong party: KZ's chamber of commerce claimed as a KG authority.
        const kz = world.authorities.kzChamber;
        const { vc: claimed } = await signedCredential("certificateOfOrigin", { ...kz, party: "KG" });
        await expectRejection(
          service.submitCredential({ authorityId: kz.id, credential: claimed }),
          "ISSUER_MISMATCH",
          /belongs to party KZ/,
        );
      } finally {
        outbox.close();
      }
    });

    it("a type outside the authority's scope is AUTHORITY_NOT_IN_SCOPE, a suspended authority AUTHORITY_NOT_ACTIVE", async function () {
      const world = await loadFixture(pipelineWorld);
      const { outbox, service } = await setUp(world);
      try {
        const plant = world.authorities.kgPlant;
        const { vc } = await signedCredential("conformityCertificate", plant);
        await expectRejection(service.submitCredential({ authorityId: plant.id, credential: vc }), "AUTHORITY_NOT_IN_SCOPE");
        await world.client.withSigner(world.kgAdmin).suspendAuthority(world.authorities.kgBody.id);
        const body = world.authorities.kgBody;
        const { vc: byBody } = await signedCredential("conformityCertificate", body);
        await expectRejection(service.submitCredential({ authorityId: body.id, credential: byBody }), "AUTHORITY_NOT_ACTIVE");
      } finally {
        outbox.close();
      }
    });

    it("a JWS signed with a key not registered to the authority is UNTRUSTED_KEY; an altered one INVALID_SIGNATURE", async function () {
      const world = await loadFixture(pipelineWorld);
      const { outbox, service } = await setUp(world);
      try {
        const body = world.authorities.kgBody;
        const stranger = await signedCredential("conformityCertificate", body, { signWith: await generateSigningKey() });
        await expectRejection(service.submitCredential({ authorityId: body.id, jws: stranger.jws }), "UNTRUSTED_KEY", /not registered/);
        const plantKey = await signedCredential("conformityCertificate", body, { signWith: world.authorities.kgPlant.key });
        await expectRejection(service.submitCredential({ authorityId: body.id, jws: plantKey.jws }), "UNTRUSTED_KEY");
        const { jws } = await signedCredential("conformityCertificate", body);
        const [header, payload, signature] = jws.split(".");
        const altered = JSON.parse(Buffer.from(payload, "base64url").toString());
        altered.credentialSubject.certificateNumber += "-2";
        const forged = [header, Buffer.from(JSON.stringify(altered)).toString("base64url"), signature].join(".");
        await expectRejection(service.submitCredential({ authorityId: body.id, jws: forged }), "INVALID_SIGNATURE");
        const compromised = await signedCredential("conformityCertificate", body);
        await world.client.withSigner(body.account).compromiseSigningKey(body.id, body.key.thumbprint, BigInt(await time.latest()));
        const fresh = new AnchoringService({ outbox, client: world.client, keyring: keyringOf(world) });
        await expectRejection(fresh.submitCredential({ authorityId: body.id, jws: compromised.jws }), "UNTRUSTED_KEY", /compromised/);
        expect(outbox.counts().queued).to.equal(0);
      } finally {
        outbox.close();
      }
    });

    it("without the authority's key in the keyring a credential cannot be signed: NO_SIGNING_KEY", async function () {
      const world = await loadFixture(pipelineWorld);
      const outbox = Outbox.open(await outboxFile());
      try {
        const service = new AnchoringService({ outbox, client: world.client, keyring: { signingKey: () => undefined } });
        const body = world.authorities.kgBody;
        const { vc } = await signedCredential("conformityCertificate", body);
        await expectRejection(service.submitCredential({ authorityId: body.id, credential: vc }), "NO_SIGNING_KEY");
        // A signed credential needs no key of the server's.
        const { jws } = await signedCredential("conformityCertificate", body);
        expect((await service.submitCredential({ authorityId: body.id, jws })).created).to.equal(true);
      } finally {
        outbox.close();
      }
    });

    it("while the chain is unreachable a credential is accepted unchecked, and a file whose party is unknown is CHAIN_UNAVAILABLE", async function () {
      const world = await loadFixture(pipelineWorld);
      const provider = connectRpc(`http://127.0.0.1:${await closedPort()}`, { chainId: 31337 });
      const dead = LedgerClient.connect({ deployment: world.deployment, provider, retry: { attempts: 1 } });
      const { outbox, service } = await setUp(world, dead);
      try {
        const body = world.authorities.kgBody;
        const { vc } = await signedCredential("conformityCertificate", body);
        const result = await service.submitCredential({ authorityId: body.id, credential: vc });
        expect(result).to.include({ created: true, chainChecked: false });
        expect(outbox.get(result.request.certHash)?.status).to.equal("queued");
        const validUntil = BigInt(await time.latest()) + 30n * DAY;
        await expectRejection(
          service.submitFile({ authorityId: body.id, bytes: pdfBytes("offline"), certType: 1, number: "KG-PDF-1", validUntil }),
          "CHAIN_UNAVAILABLE",
          /party of authority/,
        );
      } finally {
        outbox.close();
        provider.destroy();
      }
    });
  });

  describe("files", function () {
    it("a PDF is anchored as it is: certHash of its bytes, number hash in its authority's party, payload opening to the same bytes", async function () {
      const world = await loadFixture(pipelineWorld);
      const { outbox, service } = await setUp(world);
      try {
        const body = world.authorities.kgBody;
        const bytes = pdfBytes("certificate KG-PDF-0042");
        const validUntil = BigInt(await time.latest()) + 30n * DAY;
        const result = await service.submitFile({ authorityId: body.id, bytes, certType: "testReport", number: "kg-pdf-0042", validUntil });
        expect(result).to.include({ created: true, mediaType: "application/pdf", chainChecked: true });
        expect(result.request).to.include({
          certHash: certHashOf(bytes),
          certType: CERTIFICATE_TYPES.testReport,
          numberHash: certificateNumberHash("KG", "KG-PDF-0042"),
          validUntil,
        });
        const again = await service.submitFile({ authorityId: body.id, bytes, certType: 2, number: "KG-PDF-0042", validUntil });
        expect(again.created).to.equal(false);
        expect(again.linkKey).to.equal(undefined);
        await expectRejection(
          service.submitFile({ authorityId: body.id, bytes, certType: 2, number: "KG-PDF-0043", validUntil }),
          "REQUEST_CONFLICT",
          /numberHash/,
        );
        const payload = await anchorAll(world, outbox, result.request.certHash);
        expect(Buffer.from(await decryptWithLinkKey(payload, result.linkKey!)).equals(bytes)).to.equal(true);
        expect(await world.client.getCertificate(result.request.certHash)).to.include({ authorityId: body.id, certType: 2 });
      } finally {
        outbox.close();
      }
    });

    it("a file that is not a certificate document, an unknown type, a bad number or a past expiry is refused with its code", async function () {
      const world = await loadFixture(pipelineWorld);
      const { outbox, service } = await setUp(world);
      try {
        const body = world.authorities.kgBody;
        const validUntil = BigInt(await time.latest()) + 30n * DAY;
        const file = { authorityId: body.id, bytes: pdfBytes("x"), certType: 1, number: "KG-1", validUntil };
        await expectRejection(service.submitFile({ ...file, bytes: new TextEncoder().encode("plain text") }), "UNSUPPORTED_MEDIA_TYPE");
        await expectRejection(service.submitFile({ ...file, bytes: new Uint8Array() }), "EMPTY_FILE");
        await expectRejection(service.submitFile({ ...file, certType: "invoice" }), "INVALID_CERTIFICATE_TYPE");
        await expectRejection(service.submitFile({ ...file, number: "  " }), "INVALID_CERTIFICATE_NUMBER");
        await expectRejection(service.submitFile({ ...file, validUntil: 1_000n }), "INVALID_CERTIFICATE_VALIDITY");
        await expectRejection(
          service.submitFile({ ...file, certType: CERTIFICATE_TYPES.phytosanitaryCertificate }),
          "AUTHORITY_NOT_IN_SCOPE",
        );
        expect(outbox.counts().queued).to.equal(0);
      } finally {
        outbox.close();
      }
    });

    it("a PDF stamped by a pool of worker threads is anchored as the same bytes and certHash as one stamped on the main thread; an unreadable one is refused with PDF_UNREADABLE", async function () {
      const world = await loadFixture(pipelineWorld);
      // The same data key on both sides: the link key, and so the stamp, depends on the PDF and the number alone.
      const dataKey = randomBytes(32);
      const [hereOutbox, poolOutbox] = [Outbox.open(await outboxFile()), Outbox.open(await outboxFile())];
      const [hereKeys, poolKeys] = [LinkKeyStore.open(await outboxFile(), dataKey), LinkKeyStore.open(await outboxFile(), dataKey)];
      const pool = new DocumentWorkerPool({ threads: 1 });
      try {
        const options = { client: world.client, keyring: keyringOf(world) };
        const here = new AnchoringService({ ...options, outbox: hereOutbox, linkKeys: hereKeys });
        const pooled = new AnchoringService({ ...options, outbox: poolOutbox, linkKeys: poolKeys, stamper: pool });
        const stamp = ({ party, number, linkKey }: { party: string; number: string; linkKey: string }) => {
          const printedLink = `https://certledger.example/v/${party}/${encodeURIComponent(number)}`;
          return { qrLink: `${printedLink}#k=${linkKey}`, printedLink };
        };
        const pdf = await certificatePdf(42);
        const file = {
          authorityId: world.authorities.kgBody.id,
          bytes: pdf,
          certType: "conformityCertificate",
          number: "KG-2025/000042",
          validUntil: BigInt(await time.latest()) + 30n * DAY,
          stamp,
        };
        const before = pool.completed;
        const inWorker = await pooled.submitFile(file);
        expect(pool.completed, "stamped in the pool's worker").to.equal(before + 1);
        const onMainThread = await here.submitFile(file);
        expect(inWorker.stampedLink).to.equal(onMainThread.stampedLink).and.to.include("#k=");
        expect(inWorker.request.certHash).to.equal(onMainThread.request.certHash).and.not.to.equal(certHashOf(pdf));
        const expected = await stampAndHash(pdf, {
          ...stamp({ party: "KG", number: file.number, linkKey: inWorker.linkKey! }),
          number: file.number,
        });
        expect(inWorker.request.certHash).to.equal(expected.certHash);
        // What is anchored is the stamped PDF itself: its payload opens to the bytes stamping on this thread gives.
        const payload = await anchorAll(world, poolOutbox, inWorker.request.certHash);
        expect(Buffer.from(await decryptWithLinkKey(payload, inWorker.linkKey!)).equals(Buffer.from(expected.bytes))).to.equal(true);

        const broken = new TextEncoder().encode("%PDF-1.4\n% just a comment\n%%EOF\n");
        const refusedHere = await expectRejection(here.submitFile({ ...file, bytes: broken, number: "KG-BROKEN" }), "PDF_UNREADABLE");
        const refusedInWorker = await expectRejection(pooled.submitFile({ ...file, bytes: broken, number: "KG-BROKEN" }), "PDF_UNREADABLE");
        expect(refusedInWorker.message).to.equal(refusedHere.message);
        expect(pool.completed).to.equal(before + 2);
        expect(poolOutbox.counts().queued).to.equal(0);
      } finally {
        await pool.close();
        for (const closable of [hereOutbox, poolOutbox, hereKeys, poolKeys]) closable.close();
      }
    });
  });

  describe("submissions at the same time", function () {
    it("files submitted at once share one read of their authority and write each link key once; the same file twice at once is one request keeping the winner's key", async function () {
      const world = await loadFixture(pipelineWorld);
      const outbox = Outbox.open(await outboxFile());
      const store = LinkKeyStore.open(await outboxFile(), randomBytes(32));
      let authorityReads = 0;
      // The real client, counting its authority reads.
      const client = new Proxy(world.client, {
        get(target, name) {
          if (name === "getAuthority") {
            return (id: number) => {
              authorityReads++;
              return target.getAuthority(id);
            };
          }
          const value: unknown = Reflect.get(target, name, target);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
      const written: string[] = [];
      const linkKeys = {
        stampLinkKey: (authorityId: number, number: string, documentHash: string) => store.stampLinkKey(authorityId, number, documentHash),
        recordGrouped: (record: IssuedRecord) => {
          written.push(record.certHash);
          return store.recordGrouped(record);
        },
      };
      // No cache: every submission would read the chain, were reads under way not shared.
      const service = new AnchoringService({ outbox, client, keyring: keyringOf(world), chainCacheMs: 0, linkKeys });
      try {
        const file = {
          authorityId: world.authorities.kgBody.id,
          certType: "testReport",
          validUntil: BigInt(await time.latest()) + 30n * DAY,
        };
        const burst = await Promise.all(
          Array.from({ length: 10 }, (_, i) => service.submitFile({ ...file, bytes: pdfBytes(`burst ${i}`), number: `KG-BURST-${i}` })),
        );
        expect(authorityReads).to.equal(1);
        expect(burst.map((r) => r.created)).to.deep.equal(Array(10).fill(true));
        expect([...written].sort()).to.deep.equal(burst.map((r) => r.request.certHash).sort());
        for (const result of burst) expect(store.get(result.request.certHash)?.linkKey).to.equal(result.linkKey);

        written.length = 0;
        const twin = { ...file, bytes: pdfBytes("twin"), number: "KG-TWIN" };
        const both = await Promise.all([service.submitFile(twin), service.submitFile(twin)]);
        expect(both.map((r) => r.created).sort()).to.deep.equal([false, true]);
        const winner = both.find((r) => r.created)!;
        expect(winner.linkKey).to.match(/^[A-Za-z0-9_-]{43}$/);
        // Both wrote a key before the outbox decided (the same stamp key: the first write kept); the winner wrote its own
        // again only if the other's write came first.
        expect(written.length).to.be.within(2, 3);
        expect(store.get(winner.request.certHash)?.linkKey).to.equal(winner.linkKey);
        expect(outbox.counts().queued).to.equal(11);
      } finally {
        outbox.close();
        store.close();
      }
    });
  });

  describe("certificateTypeOf", function () {
    it("takes a type number or name and refuses anything else with INVALID_CERTIFICATE_TYPE", function () {
      expect(certificateTypeOf(4)).to.equal(4);
      expect(certificateTypeOf("17")).to.equal(17);
      expect(certificateTypeOf("certificateOfOrigin")).to.equal(3);
      for (const bad of [0, 64, 1.5, "0", "64", "invoice", null, undefined])
        expectError(() => certificateTypeOf(bad), "INVALID_CERTIFICATE_TYPE");
    });
  });
});
