import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { JsonRpcServer } from "hardhat/internal/hardhat-network/jsonrpc/server";
import { CERTIFICATE_TYPES } from "../../src/documents/certificate-types";
import { cidToBytes } from "../../src/ipfs/cid";
import { buildBatch, encodeBatchManifest } from "../../src/merkle/batch";
import { generateSigningKey } from "../../src/crypto/keys";
import {
  ManifestBatchLocator,
  Verifier,
  createProofBundle,
  parseProofBundle,
  signReceipt,
  verifyProofBundle,
  verifyReceipt,
  type ProofBundle,
} from "../../src/verify";
import { loadFixture, time } from "../contracts/fixtures";
import { issueCredential, payloadStore, signedCredential, stopPayloadStore, verifierWorld, type World } from "./world";

/** Three test reports of the KG certification body anchored as one Merkle batch, its manifest on IPFS. */
async function batchWorld() {
  const world = await loadFixture(verifierWorld);
  const credentials = await Promise.all([0, 1, 2].map(() => signedCredential("testReport", world.authorities.kgBody)));
  const batch = buildBatch(
    world.authorities.kgBody.id,
    CERTIFICATE_TYPES.testReport,
    credentials.map((c) => ({ certHash: c.certHash, numberHash: c.numberHash, validUntil: c.validUntil })),
  );
  const manifestCid = await (await payloadStore()).add(encodeBatchManifest(batch.manifest));
  await world.client.withSigner(world.authorities.kgBody.account).anchorBatch({
    root: batch.root,
    certType: CERTIFICATE_TYPES.testReport,
    leafCount: batch.leafCount,
    manifestCid: cidToBytes(manifestCid),
  });
  return { ...world, credentials, batch };
}

async function verifierWithBatches(world: World) {
  const payloads = await payloadStore();
  const batches = new ManifestBatchLocator(world.client, payloads);
  return { verifier: new Verifier({ client: world.client, payloads, batches }), batches };
}

describe("Batches, proof bundles and receipts", function () {
  this.timeout(120_000);
  let server: JsonRpcServer;
  let rpcUrl: string;

  before(async function () {
    server = new JsonRpcServer({ hostname: "127.0.0.1", port: 0, provider: hre.network.provider });
    const { port } = await server.listen();
    rpcUrl = `http://127.0.0.1:${port}`;
  });
  after(async function () {
    await server.close();
    await stopPayloadStore();
  });

  describe("batched certificates", function () {
    it("a certificate anchored in a Merkle batch is found from its document alone (manifest on IPFS) and is VALID", async function () {
      const world = await loadFixture(batchWorld);
      const { verifier } = await verifierWithBatches(world);
      for (const credential of world.credentials) {
        const { report } = await verifier.verify({ kind: "credential", jws: credential.jws }, { forParty: "KG" });
        expect(report.verdict, JSON.stringify(report.checks)).to.equal("VALID");
        expect(report.certificate?.anchor).to.include({ kind: "batch", root: world.batch.root });
        expect(report.history.map((h) => h.event)).to.deep.equal(["BatchAnchored"]);
      }
    });

    it("one certificate of a batch revoked with its proof is REVOKED while its siblings stay VALID", async function () {
      const world = await loadFixture(batchWorld);
      const [revoked, sibling] = world.credentials;
      const member = world.batch.member(revoked.certHash)!;
      await world.client
        .withSigner(world.kgAdmin)
        .revokeBatchedCertificate(member, { reason: 5, effectiveAt: BigInt(await time.latest()) });
      const { verifier } = await verifierWithBatches(world);
      const { report } = await verifier.verify({ kind: "credential", jws: revoked.jws });
      expect(report.verdict).to.equal("REVOKED");
      expect(report.history.map((h) => h.event)).to.deep.equal(["BatchAnchored", "BatchedCertificateMaterialised", "CertificateRevoked"]);
      expect((await verifier.verify({ kind: "credential", jws: sibling.jws })).report.verdict).to.equal("VALID");
    });

    it("without a batch locator, a batched certificate is NOT_FOUND by hash (the chain does not know it alone)", async function () {
      const world = await loadFixture(batchWorld);
      const verifier = new Verifier({ client: world.client });
      expect((await verifier.verify({ kind: "hash", certHash: world.credentials[0].certHash })).report.verdict).to.equal("NOT_FOUND");
    });
  });

  describe("offline proof bundles", function () {
    it("a bundle of a directly anchored credential verifies against a JSON-RPC node with no server and no IPFS", async function () {
      const world = await loadFixture(verifierWorld);
      const issued = await issueCredential(world, "conformityCertificate");
      const bundle = await createProofBundle(world.client, issued.certHash, { document: { kind: "credential", jws: issued.jws } });
      expect(bundle.anchor.kind).to.equal("direct");
      expect(bundle.payloadCid).to.equal(issued.cid);
      const { report } = await verifyProofBundle(JSON.parse(JSON.stringify(bundle)), { rpcUrl, forParty: "KZ" });
      expect(report.verdict, JSON.stringify(report.checks)).to.equal("VALID");
      expect(report.checks.find((c) => c.id === "payload")?.result).to.equal("skip");
    });

    it("a bundle of a batched credential carries its Merkle proof and verifies over JSON-RPC", async function () {
      const world = await loadFixture(batchWorld);
      const { batches } = await verifierWithBatches(world);
      const credential = world.credentials[1];
      const bundle = await createProofBundle(world.client, credential.certHash, {
        document: { kind: "credential", jws: credential.jws },
        batches,
      });
      expect(bundle.anchor.kind).to.equal("batch");
      const { report } = await verifyProofBundle(bundle, { rpcUrl });
      expect(report.verdict).to.equal("VALID");
      expect(report.certificate?.anchor.kind).to.equal("batch");
    });

    it("a bundle whose Merkle proof or document was altered is TAMPERED", async function () {
      const world = await loadFixture(batchWorld);
      const { batches } = await verifierWithBatches(world);
      const credential = world.credentials[2];
      const bundle = await createProofBundle(world.client, credential.certHash, {
        document: { kind: "credential", jws: credential.jws },
        batches,
      });
      if (bundle.anchor.kind !== "batch") throw new Error("expected a batch anchor");
      const wrongProof: ProofBundle = {
        ...bundle,
        anchor: { ...bundle.anchor, proof: [ethers.hexlify(ethers.randomBytes(32)), ...bundle.anchor.proof.slice(1)] },
      };
      expect((await verifyProofBundle(wrongProof, { rpcUrl })).report.verdict).to.equal("TAMPERED");
      const wrongLeaf: ProofBundle = {
        ...bundle,
        anchor: { ...bundle.anchor, validUntil: (BigInt(bundle.anchor.validUntil) + 86_400n).toString() },
      };
      expect((await verifyProofBundle(wrongLeaf, { rpcUrl })).report.verdict).to.equal("TAMPERED");
      const other = world.credentials[0];
      const swapped: ProofBundle = { ...bundle, document: { kind: "credential", jws: other.jws } };
      expect((await verifyProofBundle(swapped, { rpcUrl })).report.verdict).to.equal("TAMPERED");
    });

    it("a revoked certificate's bundle says REVOKED: the status is read from the chain, not the bundle", async function () {
      const world = await loadFixture(verifierWorld);
      const issued = await issueCredential(world, "phytosanitaryCertificate");
      const bundle = await createProofBundle(world.client, issued.certHash);
      await world.client
        .withSigner(issued.authority.account)
        .revokeCertificate({ certHash: issued.certHash, reason: 0, effectiveAt: BigInt(await time.latest()) });
      expect((await verifyProofBundle(bundle, { rpcUrl })).report.verdict).to.equal("REVOKED");
    });

    it("a bundle for another chain, a malformed bundle and an unreachable node are refused with typed errors", async function () {
      const world = await loadFixture(verifierWorld);
      const issued = await issueCredential(world, "testReport");
      const bundle = await createProofBundle(world.client, issued.certHash);
      const codeOf = (p: Promise<unknown>) =>
        p.then(
          () => "resolved",
          (e: { code?: string }) => e.code,
        );
      expect(await codeOf(verifyProofBundle({ ...bundle, chainId: 1 }, { rpcUrl }))).to.equal("CHAIN_MISMATCH");
      expect(await codeOf(verifyProofBundle({ ...bundle, ledger: ethers.Wallet.createRandom().address }, { rpcUrl }))).to.equal(
        "CHAIN_MISMATCH",
      );
      expect(await codeOf(verifyProofBundle(bundle, { rpcUrl: "http://127.0.0.1:9" }))).to.equal("CHAIN_UNAVAILABLE");
      expect(() => parseProofBundle("{")).to.throw(/not JSON/);
      expect(() => parseProofBundle({ ...bundle, certHash: "0x12" })).to.throw(/certHash/);
      expect(() => parseProofBundle({ ...bundle, anchor: { kind: "batch" } })).to.throw(/anchor/);
      const documentMismatch = createProofBundle(world.client, issued.certHash, {
        document: { kind: "credential", jws: (await signedCredential("testReport", world.authorities.kgBody)).jws },
      });
      expect(await codeOf(documentMismatch)).to.equal("INVALID_BUNDLE");
      expect(await codeOf(createProofBundle(world.client, ethers.hexlify(ethers.randomBytes(32))))).to.equal("CERT_NOT_FOUND");
    });
  });

  describe("verification receipts", function () {
    it("a report signed as a receipt verifies to the same report; an altered receipt or an untrusted key does not", async function () {
      const world = await loadFixture(verifierWorld);
      const issued = await issueCredential(world, "conformityCertificate");
      const { report } = await new Verifier({ client: world.client }).verify({ kind: "hash", certHash: issued.certHash });
      const serviceKey = await generateSigningKey();
      const receipt = await signReceipt(report, serviceKey);
      const verified = await verifyReceipt(receipt, { trustedKids: [serviceKey.kid] });
      expect(verified.report).to.deep.equal(report);
      expect(verified.kid).to.equal(serviceKey.kid);

      const [header, payload, signature] = receipt.split(".");
      const forgedReport = { ...report, verdict: "REVOKED" };
      const altered = [header, Buffer.from(JSON.stringify(forgedReport)).toString("base64url"), signature].join(".");
      const codeOf = (p: Promise<unknown>) =>
        p.then(
          () => "resolved",
          (e: { code?: string }) => e.code,
        );
      expect(await codeOf(verifyReceipt(altered))).to.equal("INVALID_RECEIPT");
      expect(await codeOf(verifyReceipt(`${header}.${payload}`))).to.equal("INVALID_RECEIPT");
      expect(await codeOf(verifyReceipt("garbage"))).to.equal("INVALID_RECEIPT");
      expect(await codeOf(verifyReceipt(receipt, { trustedKids: [(await generateSigningKey()).kid] }))).to.equal("UNTRUSTED_RECEIPT_KEY");
    });
  });
});
