/**
 * Issue #11's defects 1 and 2, as a hostile party would try them: KG's authority, holding its own key, calls the
 * contract directly against KZ's certificates and numbers, and every way in (library, API, number links) must still
 * answer for KZ with KZ's certificate.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { CERTIFICATE_TYPES } from "../../src/documents/certificate-types";
import { credentialNumber } from "../../src/documents/credentials";
import { certificateNumberHash } from "../../src/documents/hashing";
import { cidToBytes } from "../../src/ipfs/cid";
import { buildBatch, encodeBatchManifest } from "../../src/merkle/batch";
import { ManifestBatchLocator, Verifier } from "../../src/verify";
import { DAY, payloadStore, signedCredential } from "../verify/world";
import { call, eventually, startServer, stopPayloadStore, stopServers, type TestServer } from "../server/server-world";
import { time } from "../contracts/fixtures";
import { runCli } from "../cli/cli-process";
import { openIndex, removeIndexFolders } from "../index/index-world";
import { verifierEvents } from "../../src/index";

interface Report {
  verdict: string;
  checks: { id: string; result: string; detail: string }[];
  certificate?: { certHash: string; certType: number; authority: { id: number; party: string }; status: string };
  conflicts?: { kind: string; authorityId: number; root?: string }[];
}

async function verify(server: TestServer, certHash: string): Promise<Report> {
  const answer = await call(server, `/v1/verify/${certHash}`);
  expect(answer.status, answer.text).to.equal(200);
  return answer.body.report as Report;
}

/** KZ's chamber anchors two certificates of origin through the API; they land in one Merkle batch. */
async function kzBatch(server: TestServer) {
  const { kzChamber } = server.world.authorities;
  const token = await server.issuerToken(kzChamber.id);
  const credentials = await Promise.all([0, 1].map(() => signedCredential("certificateOfOrigin", kzChamber)));
  const answer = await call(server, "/v1/certificates/batch", {
    method: "POST",
    token,
    json: { items: credentials.map((c) => ({ jws: c.jws })) },
  });
  expect(answer.body.accepted, answer.text).to.equal(2);
  for (const c of credentials) {
    await eventually(async () => {
      const view = await call(server, `/v1/certificates/${c.certHash}`);
      return (view.body.certificate as { batchRoot?: string } | undefined)?.batchRoot !== undefined;
    }, "KZ's certificate is indexed in its batch");
  }
  const root = server.outbox.get(credentials[0].certHash)!.batchRoot!;
  expect(server.outbox.get(credentials[1].certHash)!.batchRoot, "one batch").to.equal(root);
  return { credentials, token, root };
}

describe("Adversarial: a hostile party's authority against another party's certificates", function () {
  this.timeout(120_000);
  afterEach(stopServers);
  after(stopPayloadStore);
  after(removeIndexFolders);

  it("KG's authority anchoring a certHash of KZ's batch and revoking it changes nothing: KZ's certificate stays KZ's, and KZ still manages it", async function () {
    const server = await startServer();
    const { kgBody, kzChamber } = server.world.authorities;
    const { credentials, token, root } = await kzBatch(server);
    const victim = credentials[0];

    // The attack, straight against the contract with KG's own account.
    const kg = server.world.client.withSigner(kgBody.account);
    const validUntil = BigInt(await time.latest()) + 30n * DAY;
    await kg.anchorCertificate({
      certHash: victim.certHash,
      certType: CERTIFICATE_TYPES.conformityCertificate,
      validUntil,
      numberHash: victim.numberHash,
    });
    await kg.revokeCertificate({ certHash: victim.certHash, reason: 1, effectiveAt: BigInt(await time.latest()) });
    await eventually(
      async () => server.index.duplicates().some((d) => d.certHash === victim.certHash) || undefined,
      "the index read the attack",
    );

    const report = await verify(server, victim.certHash);
    expect(report.verdict).to.equal("VALID");
    expect(report.certificate).to.deep.include({ certType: CERTIFICATE_TYPES.certificateOfOrigin, status: "Active" });
    expect(report.certificate!.authority).to.include({ id: kzChamber.id, party: "KZ" });
    expect(report.checks.find((c) => c.id === "anchored")).to.include({ result: "warn" });
    expect(report.conflicts).to.have.length(1);
    expect(report.conflicts![0]).to.include({ kind: "direct", authorityId: kgBody.id });
    expect(server.index.certificate(victim.certHash)).to.include({ authorityId: kzChamber.id, status: "Active", batchRoot: root });
    expect(server.index.duplicates().map((d) => d.certHash)).to.include(victim.certHash);

    // The proof bundle a bank would keep names KZ's batch, not KG's later direct anchoring.
    const bundle = await call(server, `/v1/certificates/${victim.certHash}/bundle`);
    expect(bundle.status, bundle.text).to.equal(200);
    expect(bundle.body.anchor).to.deep.include({ kind: "batch", root, authorityId: kzChamber.id });
    const byBundle = await call(server, "/v1/verify", { method: "POST", json: { bundle: bundle.body } });
    expect((byBundle.body.report as Report).certificate!.authority.party, byBundle.text).to.equal("KZ");

    // The command line through the API says the same: exit 0 (VALID), KZ's certificate.
    const cli = await runCli(["verify", victim.certHash, "--api", server.url, "--json"]);
    expect(cli.code, cli.stderr).to.equal(0);
    expect(cli.stdout).to.match(/"party":\s*"KZ"/);
    expect(cli.stdout).to.not.match(/"party":\s*"KG"/);

    // KZ keeps control: suspend, reinstate and revoke with its issuer token.
    for (const [action, verdict] of [
      ["suspend", "SUSPENDED"],
      ["reinstate", "VALID"],
    ] as const) {
      const answer = await call(server, `/v1/certificates/${victim.certHash}/${action}`, { method: "POST", token, json: {} });
      expect(answer.status, `${action}: ${answer.text}`).to.equal(200);
      expect((await verify(server, victim.certHash)).verdict, action).to.equal(verdict);
    }
    const revoked = await call(server, `/v1/certificates/${victim.certHash}/revoke`, {
      method: "POST",
      token,
      json: { reason: "superseded" },
    });
    expect(revoked.status, revoked.text).to.equal(200);
    const after = await verify(server, victim.certHash);
    expect(after.verdict).to.equal("REVOKED");
    expect(after.certificate!.authority.party).to.equal("KZ");
    // The sibling of the batch was never touched.
    expect((await verify(server, credentials[1].certHash)).verdict).to.equal("VALID");
  });

  it("a root anchored first by KG's authority neither blocks KZ's batch nor makes its certificates KG's", async function () {
    const server = await startServer();
    const { kgBody, kzChamber } = server.world.authorities;
    const credentials = await Promise.all([0, 1, 2].map(() => signedCredential("certificateOfOrigin", kzChamber)));
    const batch = buildBatch(
      kzChamber.id,
      CERTIFICATE_TYPES.certificateOfOrigin,
      credentials.map((c) => ({ certHash: c.certHash, numberHash: c.numberHash, validUntil: c.validUntil })),
    );
    const manifestCid = cidToBytes(await (await payloadStore()).add(encodeBatchManifest(batch.manifest)));
    // KG front-runs: the same root (and KZ's manifest), under a type of its own scope.
    const anchorAs = (account: typeof kgBody.account, certType: number) =>
      server.world.client.withSigner(account).anchorBatch({ root: batch.root, certType, leafCount: batch.leafCount, manifestCid });
    await anchorAs(kgBody.account, CERTIFICATE_TYPES.conformityCertificate);
    await anchorAs(kzChamber.account, CERTIFICATE_TYPES.certificateOfOrigin);
    await eventually(async () => server.index.certificate(credentials[0].certHash) !== undefined || undefined, "KZ's batch indexed");

    for (const c of credentials) {
      const report = await verify(server, c.certHash);
      expect(report.verdict).to.equal("VALID");
      expect(report.certificate!.authority).to.include({ id: kzChamber.id, party: "KZ" });
    }
    expect(server.index.batch(batch.root, kgBody.id), "KG's copy rebuilds to another root").to.deep.include({ manifest: "invalid" });
    const member = batch.member(credentials[0].certHash)!;
    expect(await server.world.client.isBatchMember({ ...member, authorityId: kgBody.id })).to.equal(false);
  });

  it("a number of KZ's namespace anchored by KG's authority never answers for KZ: by API, by number link, by the library", async function () {
    const server = await startServer();
    const { kgBody } = server.world.authorities;
    const { credentials } = await kzBatch(server);
    const number = credentialNumber(credentials[0].vc);
    expect(certificateNumberHash("KZ", number), "the credential's number").to.equal(credentials[0].numberHash);
    // An index that read up to KZ's batch and no further (a node catching up): the blocks since come from the logs.
    const { index: lagging } = await openIndex(server.world);
    await lagging.syncOnce();

    // KG anchors its own document under KZ's number, and under a KZ number KZ never used.
    const kg = server.world.client.withSigner(kgBody.account);
    const validUntil = BigInt(await time.latest()) + 30n * DAY;
    const squatter = ethers.hexlify(ethers.randomBytes(32));
    const unused = `KZ-UNUSED-${Date.now()}`;
    await kg.anchorCertificate({ certHash: squatter, certType: 1, validUntil, numberHash: credentials[0].numberHash });
    await kg.anchorCertificate({
      certHash: ethers.hexlify(ethers.randomBytes(32)),
      certType: 1,
      validUntil,
      numberHash: certificateNumberHash("KZ", unused),
    });
    await eventually(async () => server.index.certificate(squatter) !== undefined || undefined, "the index read the squatter");

    const byNumber = await call(server, "/v1/verify", { method: "POST", json: { number, party: "KZ" } });
    expect(byNumber.status, byNumber.text).to.equal(200);
    const report = byNumber.body.report as Report;
    expect(report.verdict).to.equal("VALID");
    expect(report.certificate).to.deep.include({ certHash: credentials[0].certHash });
    expect(report.certificate!.authority.party).to.equal("KZ");

    const unusedAnswer = await call(server, "/v1/verify", { method: "POST", json: { number: unused, party: "KZ" } });
    expect((unusedAnswer.body.report as Report).verdict).to.equal("NOT_FOUND");

    // A node whose index has not read the squatter's blocks yet still finds KZ's batched certificate, not KG's.
    const behind = new Verifier({ client: server.world.client, batches: lagging, events: verifierEvents(lagging) });
    expect(lagging.status().lastBlock).to.be.below(await server.world.client.blockNumber());
    const { report: fromLagging } = await behind.verify({ kind: "number", number, party: "KZ" });
    expect(fromLagging.verdict).to.equal("VALID");
    expect(fromLagging.certificate).to.deep.include({ certHash: credentials[0].certHash });
    lagging.close();

    const listed = await call(server, `/v1/certificates?party=KZ&number=${encodeURIComponent(number)}`);
    expect((listed.body.certificates as { certHash: string }[]).map((c) => c.certHash)).to.deep.equal([credentials[0].certHash]);

    // The library without an index (the CLI's --rpc path) reads the logs, which name only direct anchors (and
    // materialised batch members): the squatter's is there, and is passed over for not being KZ's.
    const verifier = new Verifier({
      client: server.world.client,
      batches: new ManifestBatchLocator(server.world.client, await payloadStore()),
    });
    expect((await verifier.verify({ kind: "number", number, party: "KZ" })).report.verdict).to.equal("NOT_FOUND");
    expect((await verifier.verify({ kind: "number", number: unused, party: "KZ" })).report.verdict).to.equal("NOT_FOUND");
    // Once KZ changes its certificate's status, the batch member is in the logs with its number, and it is found.
    const kzToken = await server.issuerToken(server.world.authorities.kzChamber.id);
    expect((await call(server, `/v1/certificates/${credentials[0].certHash}/suspend`, { method: "POST", token: kzToken })).status).to.equal(
      200,
    );
    const { report: materialised } = await verifier.verify({ kind: "number", number, party: "KZ" });
    expect(materialised.certificate).to.deep.include({ certHash: credentials[0].certHash });
    expect(materialised.verdict).to.equal("SUSPENDED");
  });

  it("a certHash KZ's server accepted but KG's authority anchored first is not shown to KZ's issuer as anchored or active", async function () {
    const server = await startServer({ anchoring: false });
    const { kgBody, kzChamber } = server.world.authorities;
    const token = await server.issuerToken(kzChamber.id);
    const { jws, certHash, numberHash } = await signedCredential("certificateOfOrigin", kzChamber);
    expect((await call(server, "/v1/certificates", { method: "POST", token, json: { jws } })).status).to.equal(202);
    // KG reads the hash off the wire (or the holder's copy) and anchors it on its own before KZ's batcher sends.
    const kg = server.world.client.withSigner(kgBody.account);
    await kg.anchorCertificate({ certHash, certType: 1, validUntil: BigInt(await time.latest()) + 30n * DAY, numberHash });
    server.batcher.start();
    await eventually(async () => server.outbox.get(certHash)?.status === "failed", "KZ's request fails: KG's anchoring came first");
    await eventually(async () => server.index.certificate(certHash) !== undefined, "the index has KG's anchoring");

    const listing = await call(server, "/v1/certificates", { token });
    const items = listing.body.items as { certHash: string; anchoring: string; status?: string }[];
    const entry = items.find((i) => i.certHash === certHash)!;
    expect(entry.anchoring, "KZ's own anchoring failed").to.equal("failed");
    expect(entry, "the ledger's certificate is KG's, not KZ's: no status of KZ's").not.to.have.property("status");
    const detail = await call(server, `/v1/certificates/${certHash}`, { token });
    expect(detail.body.anchoring).to.equal("failed");
    expect((detail.body.request as { error: string }).error).to.match(/^CERT_ALREADY_ANCHORED: .*authority \d+/);
  });
});
