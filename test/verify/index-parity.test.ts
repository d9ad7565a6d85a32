import { expect } from "chai";
import { ethers } from "hardhat";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { BATCH_LEAF_ENCODING, buildBatch, type Batch, type BatchMember } from "../../src/merkle/batch";
import { CERTIFICATE_TYPES } from "../../src/documents/certificate-types";
import { generateSigningKey } from "../../src/crypto/keys";
import { verifierEvents, type ChainIndex } from "../../src/index";
import { IndexView } from "../../src/index/index-view";
import {
  createProofBundle,
  Verifier,
  verificationReportSchema,
  type VerificationReport,
  type VerifyInput,
  type VerifyOptions,
} from "../../src/verify";
import { loadFixture, time } from "../contracts/fixtures";
import { anchorBatch, anchorDirect, clientOn, leaves, openIndex, removeIndexFolders } from "../index/index-world";
import { DAY, issueCredential, issueFile, payloadStore, pdfBytes, stopPayloadStore, verifierWorld, type World } from "./world";

/**
 * A verification answered from the chain index (the default) and one read from the node (`source: "chain"`) at the
 * same block give the same report, for every verdict and for the attacks on the index's own reasoning (a forged or
 * borrowed Merkle proof, a hostile batch holding one certificate twice): the index replays the contract's rules,
 * and where its events cannot tell, it asks the chain.
 */
describe("verification from the chain index: the same report as from the chain", function () {
  this.timeout(300_000);

  let world: World;
  let index: ChainIndex;
  let indexFile: string;
  let verifier: Verifier;
  const cases: { name: string; input: VerifyInput; options?: VerifyOptions; verdict: string }[] = [];
  const members: BatchMember[] = [];

  before(async function () {
    world = await loadFixture(verifierWorld);
    const { kgBody, kzChamber, uzChamber } = world.authorities;
    const kg = world.client.withSigner(kgBody.account);

    const valid = await issueCredential(world, "conformityCertificate");
    cases.push({ name: "a valid credential by hash", input: { kind: "hash", certHash: valid.certHash }, verdict: "VALID" });
    cases.push({ name: "a valid credential as a document", input: { kind: "credential", jws: valid.jws }, verdict: "VALID" });
    cases.push({
      name: "a valid credential opened with its link key, for a party that recognises it",
      input: { kind: "credential", jws: valid.jws },
      options: { linkKey: valid.linkKey, forParty: "KZ" },
      verdict: "VALID",
    });
    cases.push({
      name: "for a party that does not recognise it",
      input: { kind: "hash", certHash: valid.certHash },
      options: { forParty: "UZ" },
      verdict: "NOT_RECOGNISED",
    });
    const pdf = await issueFile(world, pdfBytes("parity PDF"));
    cases.push({ name: "a PDF by number", input: { kind: "number", number: pdf.number, party: "KG" }, verdict: "VALID" });

    const revoked = await issueCredential(world, "conformityCertificate");
    await kg.revokeCertificate({
      certHash: revoked.certHash,
      reason: 4,
      effectiveAt: BigInt(await time.latest()),
      replacement: valid.certHash,
    });
    cases.push({ name: "a revoked credential", input: { kind: "hash", certHash: revoked.certHash }, verdict: "REVOKED" });

    const suspended = await issueCredential(world, "testReport");
    await kg.suspendCertificate(suspended.certHash);
    cases.push({ name: "a suspended credential", input: { kind: "hash", certHash: suspended.certHash }, verdict: "SUSPENDED" });
    const reinstated = await issueCredential(world, "testReport");
    await kg.suspendCertificate(reinstated.certHash);
    await time.increase(3600);
    await kg.reinstateCertificate(reinstated.certHash);
    cases.push({ name: "a reinstated credential", input: { kind: "hash", certHash: reinstated.certHash }, verdict: "VALID" });
    const suspendedAt = BigInt(await time.latest()) - 1800n;
    cases.push({
      name: "a reinstated credential as of inside its suspension",
      input: { kind: "hash", certHash: reinstated.certHash },
      options: { asOf: suspendedAt },
      verdict: "SUSPENDED",
    });

    const expiring = await issueCredential(world, "conformityCertificate", { validDays: 1n });
    cases.push({ name: "an expired credential", input: { kind: "hash", certHash: expiring.certHash }, verdict: "EXPIRED" });

    const stranger = await generateSigningKey();
    const unregistered = await issueCredential(world, "conformityCertificate", { signWith: stranger });
    cases.push({ name: "an unregistered key", input: { kind: "credential", jws: unregistered.jws }, verdict: "UNTRUSTED_ISSUER" });

    const compromised = await generateSigningKey();
    const now = BigInt(await time.latest());
    await kg.addSigningKey({
      authorityId: kgBody.id,
      thumbprint: compromised.thumbprint,
      alg: "ES256",
      validFrom: now,
      validUntil: now + 365n * DAY,
    });
    await kg.compromiseSigningKey(kgBody.id, compromised.thumbprint, now + 1n);
    await time.increase(10);
    const badSignature = await issueCredential(world, "conformityCertificate", { signWith: compromised });
    cases.push({
      name: "a key compromised before issuance",
      input: { kind: "credential", jws: badSignature.jws },
      verdict: "INVALID_SIGNATURE",
    });

    const [header, payload, signature] = valid.jws.split(".");
    const altered = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    altered.validUntil = new Date(Date.parse(altered.validUntil) + 365 * 86_400_000).toISOString();
    cases.push({
      name: "an altered credential",
      input: { kind: "credential", jws: [header, Buffer.from(JSON.stringify(altered)).toString("base64url"), signature].join(".") },
      verdict: "TAMPERED",
    });
    cases.push({ name: "a hash never anchored", input: { kind: "hash", certHash: "0x" + "ab".repeat(32) }, verdict: "NOT_FOUND" });
    cases.push({
      name: "as of before issuance",
      input: { kind: "hash", certHash: valid.certHash },
      options: { asOf: 1n },
      verdict: "NOT_FOUND",
    });

    // A batch: members left alone, suspended, reinstated and revoked inside it; one hash also anchored later on its own.
    const batchLeaves = await leaves(6);
    const batch = buildBatch(kgBody.id, CERTIFICATE_TYPES.testReport, batchLeaves);
    await anchorBatch(world, kgBody, batch);
    const member = (i: number): BatchMember => batch.members().find((m) => m.certHash === batchLeaves[i].certHash.toLowerCase())!;
    await kg.suspendBatchedCertificate(member(1));
    await kg.suspendBatchedCertificate(member(2));
    await kg.reinstateBatchedCertificate(member(2));
    await kg.revokeBatchedCertificate(member(3), { reason: 1, effectiveAt: BigInt(await time.latest()) });
    await anchorDirect(world, kzChamber, { certHash: member(4).certHash, certType: CERTIFICATE_TYPES.certificateOfOrigin });
    const names = [
      "a batched certificate",
      "a suspended batched",
      "a reinstated batched",
      "a revoked batched",
      "a batched one anchored again",
    ];
    const verdicts = ["VALID", "SUSPENDED", "VALID", "REVOKED", "VALID"];
    members.push(...batch.members());
    names.forEach((name, i) => cases.push({ name, input: { kind: "hash", certHash: member(i).certHash }, verdict: verdicts[i] }));

    // A hostile batch of UZ's chamber holding one certificate twice, with two validities (its manifest never published:
    // the index would refuse it anyway); one leaf is then suspended. The ledger knows both leaves apart; the index cannot.
    const twice = "0x" + "c4".repeat(32);
    const [leaf] = await leaves(1, [{ certHash: twice }]);
    const tree = StandardMerkleTree.of(
      [
        [twice, leaf.numberHash, leaf.validUntil, uzChamber.id],
        [twice, leaf.numberHash, leaf.validUntil + 7n, uzChamber.id],
      ],
      BATCH_LEAF_ENCODING,
    );
    const leafMember = (i: number): BatchMember => ({
      root: tree.root,
      authorityId: uzChamber.id,
      certHash: twice,
      numberHash: leaf.numberHash,
      validUntil: leaf.validUntil + (i === 0 ? 0n : 7n),
      proof: tree.getProof(i),
    });
    await anchorBatch(world, uzChamber, { root: tree.root, certType: CERTIFICATE_TYPES.certificateOfOrigin, leafCount: 2 } as Batch, {
      publish: false,
      manifest: new TextEncoder().encode("no manifest"),
    });
    await world.client.withSigner(uzChamber.account).suspendBatchedCertificate(leafMember(1));
    members.push(leafMember(0), leafMember(1));

    ({ index, file: indexFile } = await openIndex(world));
    await index.syncOnce();
    verifier = new Verifier({ client: world.client, payloads: await payloadStore(), batches: index, events: verifierEvents(index) });

    // Bundles carry their own proof: the real one, a forged one, one borrowing the real proof with another validity.
    const realBundle = await createProofBundle(world.client, member(0).certHash, { batches: index, events: verifierEvents(index) });
    cases.push({ name: "a batch member's bundle", input: { kind: "bundle", bundle: realBundle }, verdict: "VALID" });
    const anchor = realBundle.anchor as Extract<typeof realBundle.anchor, { kind: "batch" }>;
    const forged = { ...realBundle, anchor: { ...anchor, proof: anchor.proof.map(() => "0x" + "11".repeat(32)) } };
    cases.push({ name: "a bundle with a forged proof", input: { kind: "bundle", bundle: forged }, verdict: "TAMPERED" });
    const borrowed = { ...realBundle, anchor: { ...anchor, validUntil: String(BigInt(anchor.validUntil) + 365n * 86_400n) } };
    cases.push({
      name: "a bundle borrowing a proof with another validity",
      input: { kind: "bundle", bundle: borrowed },
      verdict: "TAMPERED",
    });
    // Both read as suspended: a status event names no leaf, so the history the report reads has the suspension either way.
    for (const [i, verdict] of [
      [0, "SUSPENDED"],
      [1, "SUSPENDED"],
    ] as const) {
      const bundle = { ...realBundle, certHash: twice, anchor: { ...anchor, ...bundleAnchor(leafMember(i)) } };
      cases.push({ name: `a hostile batch's duplicated leaf (${verdict})`, input: { kind: "bundle", bundle }, verdict });
    }
    await time.increase(2 * 86_400);
    await ethers.provider.send("evm_mine", []);
    await index.syncOnce();
  });

  after(async function () {
    index?.close();
    removeIndexFolders();
    await stopPayloadStore();
  });

  it("every verdict: the index's report is the chain's, at the same block", async function () {
    const seen = new Set<string>();
    for (const { name, input, options, verdict } of cases) {
      const fromIndex = (await verifier.verify(input, options)).report;
      const fromChain = (await verifier.verify(input, { ...options, source: "chain" })).report;
      expect(fromChain.verdict, `${name}: ${JSON.stringify(fromChain.checks, null, 1)}`).to.equal(verdict);
      expect(fromIndex.chain.source, name).to.equal("index");
      expect(fromChain.chain.source, name).to.equal("chain");
      expect(comparable(fromIndex), name).to.deep.equal(comparable(fromChain));
      expect(verificationReportSchema.parse(fromIndex), name).to.deep.equal(fromIndex);
      seen.add(verdict);
    }
    expect([...seen].sort()).to.deep.equal(
      [
        "EXPIRED",
        "INVALID_SIGNATURE",
        "NOT_FOUND",
        "NOT_RECOGNISED",
        "REVOKED",
        "SUSPENDED",
        "TAMPERED",
        "UNTRUSTED_ISSUER",
        "VALID",
      ].sort(),
    );
  });

  describe("read by another process (IndexView: a verification process reads the file the node's index writes)", function () {
    let view: IndexView;
    let asked: number[];
    before(function () {
      asked = [];
      view = IndexView.open({
        file: indexFile,
        client: world.client,
        catchUp: (block) => {
          asked.push(block);
          return index.catchUp(block);
        },
      });
    });
    after(() => view.close());
    const viewVerifier = async () => new Verifier({ client: world.client, payloads: await payloadStore(), batches: view, events: view });

    it("every verdict: the view's report is the index's own, exactly", async function () {
      const fromView = await viewVerifier();
      for (const { name, input, options } of cases) {
        const here = (await fromView.verify(input, options)).report;
        const atNode = (await verifier.verify(input, options)).report;
        expect(here.chain.source, name).to.equal("index");
        const { verifiedAt: _a, ...hereRest } = here;
        const { verifiedAt: _b, ...nodeRest } = atNode;
        expect(hereRest, name).to.deep.equal(nodeRest);
      }
    });

    it("has no tip once the file moved past the header it was given, and asks the writer once per block, however many wait", async function () {
      await view.catchUp(await ethers.provider.getBlockNumber());
      expect(view.tip()).to.not.equal(undefined);
      const fresh = await issueCredential(world, "conformityCertificate");
      await index.syncOnce();
      // The node's index read a block this view was never told about: its old header is no tip any more.
      expect(view.tip()).to.equal(undefined);
      asked.length = 0;
      const head = await ethers.provider.getBlockNumber();
      const tips = await Promise.all(Array.from({ length: 5 }, () => view.catchUp(head)));
      expect(asked).to.deep.equal([head]);
      for (const tip of tips) expect(tip?.number).to.equal(head);
      expect(view.lastBlock()).to.equal(head);
      expect((await (await viewVerifier()).verify({ kind: "hash", certHash: fresh.certHash })).report.verdict).to.equal("VALID");
    });

    it("a revocation just mined shows in its next verification: the writer is asked to read the block first", async function () {
      const fresh = await issueCredential(world, "conformityCertificate");
      const fromView = await viewVerifier();
      expect((await fromView.verify({ kind: "hash", certHash: fresh.certHash })).report.verdict).to.equal("VALID");
      await world.client
        .withSigner(world.authorities.kgBody.account)
        .revokeCertificate({ certHash: fresh.certHash, reason: 1, effectiveAt: BigInt(await time.latest()) });
      const { report } = await fromView.verify({ kind: "hash", certHash: fresh.certHash });
      expect(report.verdict).to.equal("REVOKED");
      expect(report.chain.source).to.equal("index");
    });

    it("a writer that cannot get there leaves the view without a tip, and the verification reads the chain", async function () {
      const stuck = IndexView.open({ file: indexFile, client: world.client, catchUp: async () => undefined });
      try {
        const fresh = await issueCredential(world, "conformityCertificate");
        const fromStuck = new Verifier({ client: world.client, payloads: await payloadStore(), batches: stuck, events: stuck });
        const { report } = await fromStuck.verify({ kind: "hash", certHash: fresh.certHash });
        expect(report.verdict).to.equal("VALID");
        expect(report.chain.source).to.equal("chain");
      } finally {
        stuck.close();
      }
    });

    it("has no tip when the chain went back and the file now stands on another block of the same number", async function () {
      const snapshot = await ethers.provider.send("evm_snapshot", []);
      await ethers.provider.send("evm_mine", []);
      await index.syncOnce();
      const before = await view.catchUp(await ethers.provider.getBlockNumber());
      expect(before).to.not.equal(undefined);
      await ethers.provider.send("evm_revert", [snapshot]);
      // Another timestamp: another block at the same height.
      await ethers.provider.send("evm_mine", [(await time.latest()) + 5]);
      await index.syncOnce();
      expect(view.lastBlock()).to.equal(before!.number);
      expect(view.tip()).to.equal(undefined);
      const after = await view.catchUp(before!.number);
      expect(after?.number).to.equal(before!.number);
      expect(after?.hash).to.not.equal(before!.hash);
    });

    it("refuses a file that indexes another ledger, and one that does not exist (it never creates one)", async function () {
      const other = clientOn(world, ethers.provider);
      Object.defineProperty(other, "address", { value: "0x" + "12".repeat(20) });
      expect(() => IndexView.open({ file: indexFile, client: other, catchUp: async () => undefined })).to.throw(/ledger/);
      expect(() => IndexView.open({ file: indexFile + ".missing", client: world.client, catchUp: async () => undefined })).to.throw(
        /cannot open the index database/,
      );
    });
  });

  it("the records the index replays are the ledger's own, field by field", async function () {
    const block = await ethers.provider.getBlockNumber();
    const at = { blockTag: block };
    const hashes = cases.filter((c) => c.input.kind === "hash").map((c) => (c.input as { certHash: string }).certHash);
    for (const certHash of new Set(hashes)) {
      expect(index.certificateAt(certHash, block), certHash).to.deep.equal(await world.client.getCertificate(certHash, at));
    }
    let answered = 0;
    for (const member of members) {
      const indexed = index.batchedCertificateAt(member, block);
      if (indexed === "ask the chain") continue;
      answered++;
      expect(indexed, member.certHash).to.deep.equal(await world.client.getBatchedCertificate(member, at));
    }
    expect(answered).to.equal(members.length - 2); // all but the hostile batch's two leaves, which only the chain tells apart
    expect(index.batchedCertificateAt(members.at(-1)!, block)).to.equal("ask the chain");
  });

  it("a certificate never verified before costs no call to the node for its records when read from the index", async function () {
    const calls: string[] = [];
    const counting = new Proxy(ethers.provider, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property, target);
        if (property === "send" || property === "call") {
          return (...args: unknown[]) => {
            calls.push(property === "send" ? String(args[0]) : "call");
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const client = clientOn(world, counting);
    const counted = new Verifier({ client, payloads: await payloadStore(), batches: index, events: verifierEvents(index) });
    const hashes = cases
      .filter((c) => c.input.kind === "hash" && c.verdict !== "NOT_FOUND")
      .map((c) => (c.input as { certHash: string }).certHash);
    await counted.verify({ kind: "hash", certHash: hashes[0] }); // reads the head, the authority and its party, once per block
    calls.length = 0;
    for (const certHash of new Set(hashes.slice(1))) await counted.verify({ kind: "hash", certHash });
    expect(calls.filter((c) => c === "eth_call" || c === "call")).to.deep.equal([]);
    calls.length = 0;
    await counted.verify({ kind: "hash", certHash: hashes[1] }, { source: "chain" });
    expect(calls.filter((c) => c === "eth_call" || c === "call")).to.not.deep.equal([]);
  });

  it("a block the index has not read yet is read first: a revocation just mined shows in the next verification", async function () {
    const fresh = await issueCredential(world, "conformityCertificate");
    // No syncOnce: the index learns of the block when a verification needs it.
    expect((await verifier.verify({ kind: "hash", certHash: fresh.certHash })).report.verdict).to.equal("VALID");
    await world.client
      .withSigner(world.authorities.kgBody.account)
      .revokeCertificate({ certHash: fresh.certHash, reason: 1, effectiveAt: BigInt(await time.latest()) });
    const { report } = await verifier.verify({ kind: "hash", certHash: fresh.certHash });
    expect(report.verdict).to.equal("REVOKED");
    expect(report.chain.source).to.equal("index");
    expect(report.chain.blockNumber).to.equal(await ethers.provider.getBlockNumber());
  });
});

/** A report without what differs by design: when it was made, and where its records were read. */
function comparable(report: VerificationReport) {
  const { verifiedAt: _at, chain, ...rest } = report;
  const { source: _source, ...where } = chain;
  return { ...rest, chain: where };
}

function bundleAnchor(member: BatchMember) {
  return {
    root: member.root,
    authorityId: member.authorityId,
    numberHash: member.numberHash,
    validUntil: String(member.validUntil),
    proof: member.proof,
  };
}
