/**
 * The importing side across borders, on real server processes (KG, KZ, UZ sharing one anvil chain, each with its own
 * data, keys and Helia node, each party with its customs registered as a border agency): KG issues a certificate of
 * origin for 18,000 KGM addressed to KZ; KZ's customs answers for it from the payload its server opens, and writes it
 * off in two declarations; UZ's customs cannot accept it any more; a rejection by UZ shows at KG's server; a bank
 * sees the use; the issuer follows a payload's delivery to KZ (pending while KZ's node is down, then delivered,
 * acknowledged, answered). Then a write-off whose server is SIGKILLed mid-request counts exactly once after the restart.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { JsonRpcProvider } from "ethers";
import { partyApi, startNetwork, type NetworkParty, type RunningNetwork } from "../../scripts/network";
import { buildCredential, type CredentialInputOf } from "../../src/documents/credentials";
import { readDeployment } from "../../src/chain/deployment";
import { declarationHashOf } from "../../src/outcomes";
import { ICertificateOutcomes__factory } from "../../typechain-types";
import { EXAMPLE_INPUTS } from "../documents/credential-examples";
import { until } from "./until";

describe("importing side across borders: outcomes and utilisation on real servers, exactly once through a SIGKILL", function () {
  this.timeout(240_000);
  let dir: string;
  let network: RunningNetwork;
  const party = (code: string): NetworkParty => network.parties.find((p) => p.code === code)!;

  before(async function () {
    dir = await mkdtemp(path.join(os.tmpdir(), "certledger-importing-"));
    network = await startNetwork({ dir, scryptN: 1024, env: { LOG_LEVEL: "warn" } });
  });

  after(async function () {
    await network?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** KG's certification body issues a certificate of origin for 18,000 KGM through KG's server, addressed to KZ. */
  async function issueOrigin(number: string): Promise<{ certHash: string; jws: string }> {
    const kg = party("KG");
    const input: CredentialInputOf<"certificateOfOrigin"> = {
      ...EXAMPLE_INPUTS.certificateOfOrigin,
      issuer: { party: "KG", authorityId: kg.authorityId, name: "KG certification body" },
      certificateNumber: `${number}-${Date.now()}`,
      validFrom: new Date().toISOString(),
      validUntil: new Date(Date.now() + 180 * 86_400_000).toISOString(),
    };
    const submitted = await partyApi(kg, "/v1/certificates", {
      method: "POST",
      token: kg.issuerToken,
      json: { credential: buildCredential(input), recipients: ["KZ"] },
    });
    expect(submitted.status, submitted.text).to.equal(202);
    const { certHash } = submitted.body as { certHash: string };
    await until(`KG anchors ${certHash}`, async () => {
      const answer = await partyApi(kg, `/v1/certificates/${certHash}`);
      return (answer.body as { anchoring?: string }).anchoring === "anchored";
    });
    // The trader holds the credential; here it is taken from the issuer's server.
    const document = await fetch(`${kg.url}/v1/certificates/${certHash}/document`, {
      headers: { authorization: `Bearer ${kg.issuerToken}` },
    });
    return { certHash, jws: await document.text() };
  }

  const post = (p: NetworkParty, certHash: string, what: "outcomes" | "utilisations", json: unknown) =>
    partyApi(p, `/v1/certificates/${certHash}/${what}`, { method: "POST", token: p.customs!.token, json });

  it("KZ answers from the payload addressed to it, uses 10,000 then 8,000 KGM; 1 more is refused; UZ sees it used in full at KZ", async function () {
    const { certHash, jws } = await issueOrigin("KG-CO");
    const kz = party("KZ");
    const uz = party("UZ");
    // No document sent: KZ's server opens the payload addressed to KZ (fetched from KG's node; the first try may wait for it).
    const ack = await until("KZ acknowledges from the payload", async () => {
      const answer = await post(kz, certHash, "outcomes", { outcome: "acknowledged" });
      return answer.status === 201 ? answer : undefined;
    });
    expect(ack.body).to.include({ party: "KZ" });
    expect((await post(kz, certHash, "outcomes", { outcome: "accepted" })).status).to.equal(201);
    const use = (declaration: string, quantity: number) =>
      post(kz, certHash, "utilisations", { declaration, items: [{ item: 1, quantity, unit: "KGM" }] });
    expect((await use("KZ-DT-0001", 10_000)).status).to.equal(201);
    const second = await use("KZ-DT-0002", 8_000);
    expect(second.status, second.text).to.equal(201);
    const third = await use("KZ-DT-0003", 1);
    expect(third.status, third.text).to.equal(409);
    expect(third.body).to.include({ code: "OVER_UTILISATION" });
    expect((third.body as { detail: string }).detail).to.contain("1 KGM asked, 0 KGM left");

    // UZ's customs, asked to accept it for a preferential claim (the trader presents the credential), sees it used at KZ.
    const uzAccept = await post(uz, certHash, "outcomes", { outcome: "accepted", credential: jws });
    expect(uzAccept.status, uzAccept.text).to.equal(409);
    expect((uzAccept.body as { detail: string }).detail).to.match(/already used in full at KZ on \d{4}-\d{2}-\d{2}/);

    // A bank verifying at UZ's server, with no token, sees the use.
    const verified = await partyApi(uz, `/v1/verify/${certHash}`);
    const report = (
      verified.body as { report: { use: { items: { used: string; total: string; unit: string }[]; usedInFull?: { party: string } } } }
    ).report;
    expect(report.use.items).to.deep.equal([{ item: 1, total: "18000", used: "18000", remaining: "0", unit: "KGM", declaredBy: "KZ" }]);
    expect(report.use.usedInFull?.party).to.equal("KZ");
  });

  it("UZ's rejection of another certificate, with its reason, shows at KG's server", async function () {
    const { certHash, jws } = await issueOrigin("KG-CO-R");
    const rejected = await post(party("UZ"), certHash, "outcomes", {
      outcome: "rejected",
      rejectionReason: "goodsDoNotMatch",
      credential: jws,
    });
    expect(rejected.status, rejected.text).to.equal(201);
    const atKg = await partyApi(party("KG"), `/v1/certificates/${certHash}/use`);
    expect(atKg.status).to.equal(200);
    // One line a party, in the order their events came: KZ's node may have recorded its delivery of the payload first.
    const summary = (atKg.body as { summary: string[] }).summary;
    expect(summary.filter((line) => line.includes(" UZ"))).to.have.length(1);
    expect(summary.find((line) => line.includes(" UZ"))).to.match(
      /^rejected by UZ \(UZ customs\) on \d{4}-\d{2}-\d{2}: the goods, quantities or marks do not match the consignment$/,
    );
  });

  it("delivery states at the issuer: pending while KZ's node is down, delivered once it holds the payload, acknowledged, answered", async function () {
    const use = async () => {
      const answer = await partyApi(party("KG"), `/v1/certificates/${certHash}/use`);
      return (answer.body as { use: { deliveries?: { party: string; state: string }[] } }).use.deliveries;
    };
    await network.stopParty("KZ");
    const { certHash } = await issueOrigin("KG-CO-D");
    expect(await use()).to.deep.equal([{ party: "KZ", state: "pending" }]);
    const kz = await network.addParty("KZ");
    // KZ's node pins the payload addressed to KZ and records the delivery with its customs' account.
    await until("KG sees the payload delivered to KZ", async () => (await use())?.[0]?.state === "delivered");
    expect((await post(kz, certHash, "outcomes", { outcome: "acknowledged" })).status).to.equal(201);
    // KG's server reads at a head shared for up to 250 ms: the next block shows within that.
    await until("KG sees KZ's acknowledgement", async () => (await use())?.[0]?.state === "acknowledged");
    expect((await post(kz, certHash, "outcomes", { outcome: "accepted" })).status).to.equal(201);
    await until("KG sees KZ's answer", async () => (await use())?.[0]?.state === "answered");
    const summary = (await partyApi(party("KG"), `/v1/certificates/${certHash}/use`)).body as { summary: string[] };
    expect(summary.summary[0]).to.match(/^accepted by KZ/);
  });

  it("a write-off whose server is SIGKILLed as its transaction lands counts once when sent again after the restart", async function () {
    const { certHash } = await issueOrigin("KG-CO-K");
    const kz = party("KZ");
    await until(
      "KZ's server opens the payload",
      async () => (await post(kz, certHash, "outcomes", { outcome: "acknowledged" })).status === 201,
    );
    const deployment = await readDeployment(network.deploymentFile);
    const provider = new JsonRpcProvider(network.rpcUrl, deployment.chainId, { staticNetwork: true, cacheTimeout: -1 });
    const outcomes = ICertificateOutcomes__factory.connect(deployment.outcomes!.address, provider);
    const declarationHash = declarationHashOf("KZ", "KZ-DT-KILL");
    const json = { declaration: "KZ-DT-KILL", items: [{ item: 1, quantity: 12_500, unit: "KGM" }] };
    try {
      const request = post(kz, certHash, "utilisations", json).catch(() => undefined);
      // The moment the write-off is on chain, before the server has answered, the power goes.
      await until(
        "the write-off is on chain",
        async () => (await outcomes.queryFilter(outcomes.filters.ItemUsed(certHash, undefined, declarationHash))).length > 0,
        5,
      );
      kz.process.kill("SIGKILL");
      await request;
      await network.stopParty("KZ");
      const restarted = await network.addParty("KZ");
      const again = await post(restarted, certHash, "utilisations", json);
      expect(again.status, again.text).to.equal(200);
      expect(again.body).to.include({ alreadyRecorded: true });
      const item = await outcomes.getItem(certHash, party("KG").authorityId, "0x" + "00".repeat(32), 0);
      expect(item.used).to.equal(12_500_000n);
      expect(await outcomes.queryFilter(outcomes.filters.ItemUsed(certHash, undefined, declarationHash))).to.have.length(1);
    } finally {
      provider.destroy();
    }
  });
});
