import { expect } from "chai";
import { ethers, network } from "hardhat";
import { LedgerClient } from "../../src/chain/ledger-client";
import { buildBatch } from "../../src/merkle/batch";
import {
  CertType,
  DAY,
  loadFixture,
  randomCid,
  randomHash,
  time,
  types,
  withAuthorities,
  withCertificate,
  YEAR,
} from "../contracts/fixtures";

describe("The ledger client", function () {
  async function client() {
    const base = await loadFixture(withAuthorities);
    const connect = (signer?: (typeof base)["kgBody"], extra: { confirmations?: number; logChunkSize?: number } = {}) =>
      LedgerClient.connect({ deployment: base.deployment, provider: ethers.provider, signer, pollIntervalMs: 20, ...extra });
    return { ...base, connect };
  }

  describe("certificates", function () {
    it("anchor → suspend → reinstate → revoke gives the four events in order, with their blocks' timestamps", async function () {
      const { connect, kgBody, ids } = await loadFixture(client);
      const issuer = connect(kgBody);
      const certHash = randomHash();
      const numberHash = randomHash();
      const replacement = randomHash();
      const payloadCid = ethers.getBytes(randomCid());
      const validUntil = BigInt(await time.latest()) + BigInt(90 * DAY);
      const writes = [await issuer.anchorCertificate({ certHash, certType: CertType.Conformity, validUntil, numberHash, payloadCid })];
      await time.increase(60);
      writes.push(await issuer.suspendCertificate(certHash));
      await time.increase(60);
      writes.push(await issuer.reinstateCertificate(certHash));
      await time.increase(60);
      const effectiveAt = BigInt(await time.latest()) - 30n;
      writes.push(await issuer.revokeCertificate({ certHash, reason: 4, effectiveAt, replacement }));

      const history = await connect().certificateHistory(certHash);
      expect(history.map((e) => e.event)).to.deep.equal([
        "CertificateAnchored",
        "CertificateSuspended",
        "CertificateReinstated",
        "CertificateRevoked",
      ]);
      expect(history.map((e) => e.txHash)).to.deep.equal(writes.map((w) => w.txHash));
      expect(history.map((e) => e.blockNumber)).to.deep.equal(writes.map((w) => w.blockNumber));
      for (const event of history) {
        const block = await ethers.provider.getBlock(event.blockNumber);
        expect(event.timestamp).to.equal(BigInt(block!.timestamp));
        expect(event.logIndex).to.be.a("number");
      }
      expect(history[1].timestamp - history[0].timestamp).to.be.greaterThanOrEqual(60n);
      expect(history[0].args).to.deep.equal({
        certHash,
        numberHash,
        authorityId: ids.kgBody,
        certType: CertType.Conformity,
        validUntil,
        payloadCid,
      });
      expect(history[3].args).to.deep.equal({ certHash, authorityId: ids.kgBody, root: undefined, reason: 4, effectiveAt, replacement });
      expect(history[1].args, "a status change names its anchoring").to.deep.equal({ certHash, authorityId: ids.kgBody, root: undefined });
    });

    it("getCertificate gives a typed record, undefined for an unknown hash, and reads at a past block", async function () {
      const { connect, kgBody } = await loadFixture(client);
      const issuer = connect(kgBody);
      const certHash = randomHash();
      const validUntil = BigInt(await time.latest()) + BigInt(90 * DAY);
      const anchored = await issuer.anchorCertificate({ certHash, certType: CertType.TestReport, validUntil, numberHash: randomHash() });
      const issuedAt = BigInt((await ethers.provider.getBlock(anchored.blockNumber))!.timestamp);
      await issuer.suspendCertificate(certHash);
      expect(await issuer.getCertificate(certHash, { blockTag: anchored.blockNumber })).to.deep.equal({
        certHash,
        authorityId: 1,
        certType: CertType.TestReport,
        status: "Active",
        revocationReason: undefined,
        issuedAt,
        validUntil,
        statusChangedAt: issuedAt,
      });
      expect((await issuer.getCertificate(certHash))?.status).to.equal("Suspended");
      expect(await issuer.getCertificate(randomHash())).to.equal(undefined);
      const now = BigInt(await time.latest());
      expect(await issuer.certificateStateAt(certHash, now)).to.equal("Suspended");
      expect(await issuer.certificateStateAt(certHash, now, { blockTag: anchored.blockNumber })).to.equal("Active");
      expect(await issuer.certificateStateAt(certHash, issuedAt - 1n)).to.equal("Unknown");
      await issuer.revokeCertificate({ certHash, reason: 0, effectiveAt: issuedAt });
      const revoked = await issuer.getCertificate(certHash);
      expect([revoked?.status, revoked?.revocationReason, revoked?.statusChangedAt]).to.deep.equal(["Revoked", 0, issuedAt]);
      expect(await issuer.replacementOf(certHash)).to.equal(undefined);
    });

    it("a certificate is found by its number hash, and so is a batched one once materialised", async function () {
      const { connect, kgBody, kgLab, ids } = await loadFixture(client);
      const numberHash = randomHash();
      const certHash = randomHash();
      const payloadCid = randomCid();
      const validUntil = BigInt(await time.latest()) + BigInt(90 * DAY);
      const anchored = await connect(kgBody).anchorCertificate({
        certHash,
        certType: CertType.Conformity,
        validUntil,
        numberHash,
        payloadCid,
      });
      const lab = connect(kgLab);
      const batch = buildBatch(ids.kgLab, CertType.TestReport, [
        { certHash: randomHash(), numberHash, validUntil },
        { certHash: randomHash(), numberHash: randomHash(), validUntil },
      ]);
      await lab.anchorBatch({ root: batch.root, certType: batch.certType, leafCount: batch.leafCount, manifestCid: randomCid() });
      const reader = connect();
      const found = await reader.anchorsByNumberHash(numberHash);
      expect(found).to.have.length(1);
      expect(found[0].event).to.equal("CertificateAnchored");
      expect(found[0].txHash).to.equal(anchored.txHash);
      expect(found[0].args).to.deep.equal({
        certHash,
        numberHash,
        authorityId: ids.kgBody,
        certType: CertType.Conformity,
        validUntil,
        payloadCid: ethers.getBytes(payloadCid),
      });
      const member = batch.members().find((m) => m.numberHash === numberHash)!;
      await lab.suspendBatchedCertificate(member);
      const both = await reader.anchorsByNumberHash(numberHash);
      expect(both.map((e) => e.event)).to.deep.equal(["CertificateAnchored", "BatchedCertificateMaterialised"]);
      expect(both[1].args).to.deep.equal({ certHash: member.certHash, root: batch.root, numberHash, authorityId: ids.kgLab });
      expect(await reader.anchorsByNumberHash(randomHash())).to.deep.equal([]);
      expect((await reader.anchorEvent(certHash))?.txHash).to.equal(anchored.txHash);
      expect(await reader.anchorEvent(member.certHash)).to.equal(undefined);
    });

    it("event queries give the same answer in chunks of two blocks as in one range", async function () {
      const { connect, kgBody } = await loadFixture(client);
      const issuer = connect(kgBody);
      const certHash = randomHash();
      await issuer.anchorCertificate({
        certHash,
        certType: 1,
        validUntil: BigInt(await time.latest()) + BigInt(DAY),
        numberHash: randomHash(),
      });
      await network.provider.send("hardhat_mine", ["0x5"]);
      await issuer.suspendCertificate(certHash);
      await network.provider.send("hardhat_mine", ["0x5"]);
      await issuer.reinstateCertificate(certHash);
      const whole = await issuer.certificateHistory(certHash);
      const chunked = await connect(undefined, { logChunkSize: 2 }).certificateHistory(certHash);
      expect(chunked).to.deep.equal(whole);
      expect(whole).to.have.length(3);
      const upTo = await issuer.certificateHistory(certHash, { toBlock: whole[1].blockNumber });
      expect(upTo.map((e) => e.event)).to.deep.equal(["CertificateAnchored", "CertificateSuspended"]);
    });

    it("with confirmations 2 a write resolves only after another block is mined", async function () {
      const { connect, kgBody } = await loadFixture(client);
      const issuer = connect(kgBody, { confirmations: 2 });
      let settled = false;
      const write = issuer
        .anchorCertificate({
          certHash: randomHash(),
          certType: 1,
          validUntil: BigInt(await time.latest()) + BigInt(DAY),
          numberHash: randomHash(),
        })
        .finally(() => (settled = true));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(settled).to.equal(false);
      const minedIn = await ethers.provider.getBlockNumber();
      await network.provider.send("evm_mine");
      const result = await write;
      expect(result.blockNumber).to.equal(minedIn);
    });
  });

  describe("batches", function () {
    it("a batch is anchored, listed with its manifest CID, and a member is suspended and revoked on its own", async function () {
      const { connect, kgLab, ids } = await loadFixture(client);
      const lab = connect(kgLab);
      const validUntil = BigInt(await time.latest()) + BigInt(YEAR);
      const batch = buildBatch(
        ids.kgLab,
        CertType.TestReport,
        Array.from({ length: 5 }, () => ({ certHash: randomHash(), numberHash: randomHash(), validUntil })),
      );
      const manifestCid = ethers.getBytes(randomCid());
      const fromBlock = await ethers.provider.getBlockNumber();
      const anchored = await lab.anchorBatch({ root: batch.root, certType: batch.certType, leafCount: batch.leafCount, manifestCid });
      const issuedAt = BigInt((await ethers.provider.getBlock(anchored.blockNumber))!.timestamp);
      expect(await lab.getBatch(batch.root, ids.kgLab)).to.deep.equal({
        root: batch.root,
        authorityId: ids.kgLab,
        certType: CertType.TestReport,
        leafCount: 5,
        issuedAt,
      });
      expect(await lab.getBatch(randomHash(), ids.kgLab)).to.equal(undefined);
      expect(await lab.getBatch(batch.root, ids.kgBody), "another authority's batch of the same root").to.equal(undefined);
      const listed = await lab.batchAnchors(fromBlock);
      expect(listed).to.deep.equal([
        {
          root: batch.root,
          authorityId: ids.kgLab,
          certType: CertType.TestReport,
          leafCount: 5,
          manifestCid,
          blockNumber: anchored.blockNumber,
          txHash: anchored.txHash,
          logIndex: 0,
          timestamp: issuedAt,
        },
      ]);
      const [first, second] = batch.members();
      await lab.suspendBatchedCertificate(first);
      expect(await lab.batchedCertificateStateAt(first, issuedAt + 1000n)).to.equal("Suspended");
      expect((await lab.getBatchedCertificate(first))?.status).to.equal("Suspended");
      expect(await lab.getCertificate(first.certHash), "a batched certificate has no direct record").to.equal(undefined);
      await lab.reinstateBatchedCertificate(first);
      await lab.revokeBatchedCertificate(second, { reason: 1, effectiveAt: issuedAt, replacement: first.certHash });
      expect((await lab.getBatchedCertificate(second))?.status).to.equal("Revoked");
      expect(await lab.batchedCertificateStateAt(batch.members()[2], issuedAt)).to.equal("Active");
      const history = await lab.certificateHistory(first.certHash);
      expect(history.map((e) => e.event)).to.deep.equal([
        "BatchedCertificateMaterialised",
        "CertificateSuspended",
        "CertificateReinstated",
      ]);
    });
  });

  describe("registry", function () {
    it("registerAuthority returns the new id, and the authority, its accounts, keys and recognition read back", async function () {
      const { connect, kgAdmin, kzAdmin, signers } = await loadFixture(client);
      const admin = connect(kgAdmin);
      const account = signers[12];
      const now = BigInt(await time.latest());
      const registered = await admin.registerAuthority({
        party: "KG",
        name: "KG phyto lab",
        accounts: [account.address],
        scope: types(CertType.Phytosanitary),
        validFrom: now,
        validUntil: now + BigInt(YEAR),
      });
      expect(registered.authorityId).to.equal(5);
      expect(await admin.getAuthority(5)).to.deep.equal({
        id: 5,
        party: "KG",
        status: "Active",
        name: "KG phyto lab",
        scope: types(CertType.Phytosanitary),
        validFrom: now,
        validUntil: now + BigInt(YEAR),
      });
      expect(await admin.getAuthority(99)).to.equal(undefined);
      expect(await admin.authorityAccounts(5)).to.deep.equal([account.address]);
      expect(await admin.authorityOfAccount(account.address)).to.equal(5);
      expect(await admin.authorityOfAccount(kgAdmin.address)).to.equal(undefined);

      const lab = connect(account);
      const key = randomHash();
      const next = randomHash();
      await lab.addSigningKey({ authorityId: 5, thumbprint: key, alg: "ES256", validFrom: now, validUntil: now + BigInt(YEAR) });
      expect(await lab.getSigningKey(5, key)).to.deep.equal({
        thumbprint: key,
        authorityId: 5,
        alg: "ES256",
        validFrom: now,
        validUntil: now + BigInt(YEAR),
        compromisedAt: undefined,
      });
      await time.increase(100);
      await lab.rotateSigningKey({ authorityId: 5, oldThumbprint: key, newThumbprint: next, alg: "ES256", validUntil: now + BigInt(YEAR) });
      expect((await lab.getSigningKey(5, next))?.alg).to.equal("ES256");
      const compromisedAt = now + 50n;
      await lab.compromiseSigningKey(5, key, compromisedAt);
      expect((await lab.getSigningKey(5, key))?.compromisedAt).to.equal(compromisedAt);
      expect(await lab.isKeyValidAt(5, key, now + 10n)).to.equal(true);
      expect(await lab.isKeyValidAt(5, key, compromisedAt)).to.equal(false);
      expect(await lab.isKeyValidAt(1, next, now + 200n)).to.equal(false);
      expect(await lab.getSigningKey(5, randomHash())).to.equal(undefined);
      expect(await lab.getSigningKey(1, next)).to.equal(undefined);

      expect(await admin.recognises("KZ", 5, CertType.Phytosanitary)).to.equal(false);
      await connect(kzAdmin).setAuthorityRecognition({ importer: "KZ", authorityId: 5, types: types(CertType.Phytosanitary) });
      expect(await admin.recognises("KZ", 5, CertType.Phytosanitary)).to.equal(true);
      expect(await admin.recognises("KZ", 1, CertType.Conformity)).to.equal(false);
      await connect(kzAdmin).setPartyRecognition({ importer: "KZ", issuer: "KG", types: types(CertType.Conformity) });
      expect(await admin.recognises("KZ", 1, CertType.Conformity)).to.equal(true);
    });

    it("parties read back by code, with their encryption key once set", async function () {
      const { connect, kgAdmin } = await loadFixture(client);
      const admin = connect(kgAdmin);
      expect(await admin.partyCodes()).to.deep.equal(["KG", "KZ", "UZ"]);
      const before = await admin.getParty("KG");
      expect([before?.code, before?.status, before?.adminCount, before?.encryptionKeyThumbprint]).to.deep.equal([
        "KG",
        "Active",
        1,
        undefined,
      ]);
      expect(before?.admittedAt).to.be.a("bigint");
      expect(await admin.getParty("TJ")).to.equal(undefined);
      expect(await admin.partyOfAdmin(kgAdmin.address)).to.equal("KG");
      const thumbprint = randomHash();
      const cid = randomCid();
      await admin.setPartyEncryptionKey({ party: "KG", thumbprint, cid });
      expect((await admin.getParty("KG"))?.encryptionKeyThumbprint).to.equal(thumbprint);
      expect(ethers.hexlify((await admin.partyEncryptionKeyCid("KG"))!)).to.equal(cid);
      expect(await admin.partyEncryptionKeyCid("KZ")).to.equal(undefined);
    });

    it("a consortium vote admits a party: propose returns the id, approve and execute carry it through", async function () {
      const { connect, kgAdmin, kzAdmin, signers } = await loadFixture(client);
      const tjAdmin = signers[13];
      const proposed = await connect(kgAdmin).propose({ kind: "AdmitParty", party: "TJ", admin: tjAdmin.address });
      expect(proposed.proposalId).to.equal(1n);
      const proposal = await connect().getProposal(1n);
      expect([proposal?.kind, proposal?.party, proposal?.admin, proposal?.approvals, proposal?.executed]).to.deep.equal([
        "AdmitParty",
        "TJ",
        tjAdmin.address,
        1,
        false,
      ]);
      const before = await connect().blockNumber();
      await connect(kzAdmin).approve(1n);
      const executed = await connect(kzAdmin).execute(1n);
      expect((await connect().getParty("TJ"))?.status).to.equal("Active");
      expect(await connect().getProposal(2n)).to.equal(undefined);
      // What a node's peer list follows: the registry's events, by block range, typed (no raw logs outside src/chain).
      const events = await connect().registryEvents({ fromBlock: before + 1 });
      expect(events.map((e) => [e.event, e.blockNumber, e.txHash])).to.deep.equal([
        ["PartyAdmitted", executed.blockNumber, executed.txHash],
      ]);
      expect(await connect().registryEvents({ fromBlock: executed.blockNumber + 1 })).to.deep.equal([]);
    });
  });

  it("reads the chain's id and block number, and checks that the deployment is on the chain", async function () {
    const { connect, deployment } = await loadFixture(client);
    const reader = connect();
    expect(await reader.chainId()).to.equal(31337);
    expect(await reader.blockNumber()).to.equal(await ethers.provider.getBlockNumber());
    await reader.assertDeployment();
    const elsewhere = LedgerClient.connect({ deployment: { ...deployment, chainId: 1 }, provider: ethers.provider });
    expect(await elsewhere.assertDeployment().catch((e: { code: string }) => e.code)).to.equal("CHAIN_MISMATCH");
    const nothing = LedgerClient.connect({
      deployment: { ...deployment, ledger: { ...deployment.ledger, address: ethers.Wallet.createRandom().address } },
      provider: ethers.provider,
    });
    expect(await nothing.assertDeployment().catch((e: { code: string }) => e.code)).to.equal("CHAIN_MISMATCH");
    expect(await nothing.getCertificate(randomHash()).catch((e: { code: string }) => e.code)).to.equal("CHAIN_MISMATCH");
  });

  it("a certificate anchored by the fixture reads the same through the client", async function () {
    const { deployment, certHash, issuedAt, validUntil } = await loadFixture(withCertificate);
    const reader = LedgerClient.connect({ deployment, provider: ethers.provider });
    const record = await reader.getCertificate(certHash.toUpperCase().replace("0X", "0x"));
    expect([record?.certHash, record?.issuedAt, record?.validUntil]).to.deep.equal([certHash, issuedAt, validUntil]);
  });
});
