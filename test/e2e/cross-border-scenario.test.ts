/**
 * The cross-border scenario of issue #7 end to end, on real server processes (KG, KZ, UZ, then TJ) sharing one anvil
 * chain, each with its own data, keys and Helia node: scripts/cross-border-scenario.ts runs each step (the demo
 * `npm run demo:cross-border` narrates the same code); this test asserts what each step returned. The revocation's
 * propagation delay to each server is printed.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { check, CrossBorderScenario } from "../../scripts/cross-border-scenario";

describe("cross-border scenario: KG issues, KZ and UZ verify, KG revokes, TJ joins, KG goes away", function () {
  this.timeout(120_000);
  let dir: string;
  let scenario: CrossBorderScenario;

  before(async function () {
    dir = await mkdtemp(path.join(os.tmpdir(), "certledger-scenario-"));
    // Cheap keystores: each server unlocks three of them at start.
    scenario = new CrossBorderScenario({ dir, scryptN: 1024 });
    await scenario.start();
  });

  after(async function () {
    await scenario?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("1-2. KG's test laboratory anchors a test report, and its certification body a certificate linking it, both for KZ", async function () {
    const { certHash: report } = await scenario.step1();
    const { certHash: certificate } = await scenario.step2();
    expect(report).to.match(/^0x[0-9a-f]{64}$/);
    expect(certificate)
      .to.match(/^0x[0-9a-f]{64}$/)
      .and.not.equal(report);
  });

  it("3. KZ's customs gets VALID at the KZ server, recognised by KZ, the payload opened with KZ's key, the test report verified too", async function () {
    const { kz } = await scenario.step3();
    expect(kz.report.verdict, JSON.stringify(kz.report.checks)).to.equal("VALID");
    expect(check(kz.report, "recognition").result).to.equal("pass");
    expect(kz.payload).to.deep.include({ result: "pass" });
    expect(kz.payload.detail).to.contain("decrypts to exactly the anchored document");
    expect(kz.report.linked).to.deep.equal([
      { certHash: scenario.testReport, relation: "evidence", verdict: "VALID", certTypeName: "testReport", party: "KG" },
    ]);
  });

  it("4. a bank verifies the holder's link at the UZ server (VALID, the link's key opens the payload) and offline with the bundle", async function () {
    const { uz, documentOpened, offline } = await scenario.step4();
    expect(uz.report.verdict).to.equal("VALID");
    expect(uz.report.forParty).to.equal("UZ");
    expect(uz.payload.result).to.equal("pass");
    // A hash alone opens nothing, so no links are followed there.
    expect(uz.report.linked).to.equal(undefined);
    expect(documentOpened).to.equal(true);
    expect(offline.verdict).to.equal("VALID");
    expect(offline.certHash).to.equal(scenario.certificate);
  });

  it("5. KG revokes it with a replacement: KZ's and UZ's servers report REVOKED, and how soon is measured", async function () {
    const { delaysMs, reports, blockNumber } = await scenario.step5();
    console.log(`      revocation in block ${blockNumber}: REVOKED at KZ after ${delaysMs.KZ} ms, at UZ after ${delaysMs.UZ} ms`);
    for (const code of ["KZ", "UZ"]) {
      expect(reports[code].verdict).to.equal("REVOKED");
      expect(reports[code].certificate?.revocation).to.deep.include({ reasonName: "superseded", replacement: scenario.replacement });
      // Each server reads the chain's head at most 250 ms old: well under a few seconds even on a busy machine.
      expect(delaysMs[code]).to.be.within(0, 5_000);
    }
  });

  it("6. TJ, admitted by consortium vote, starts its server and verifies the earlier test report", async function () {
    const { tj, proposalId } = await scenario.step6();
    expect(proposalId > 0n).to.equal(true);
    expect(tj.report.verdict).to.equal("VALID");
    expect(tj.report.forParty).to.equal("TJ");
    expect(check(tj.report, "recognition").result).to.equal("pass");
    expect(tj.payload.result, tj.payload.detail).to.equal("pass");
  });

  it("7. with KG's server and IPFS node stopped, UZ, KZ and TJ still verify, the payloads served by KZ, which pinned them", async function () {
    const { uz, kz, tj, pinnedAtKz } = await scenario.step7();
    expect(pinnedAtKz).to.have.length.of.at.least(3);
    expect(uz.report.verdict).to.equal("VALID");
    expect(uz.payload.result, uz.payload.detail).to.equal("pass");
    expect(kz.report.verdict).to.equal("VALID");
    expect(kz.payload.detail).to.contain("decrypts to exactly the anchored document");
    expect(tj.report.verdict).to.equal("REVOKED");
    expect(tj.payload.result, tj.payload.detail).to.equal("pass");
  });
});
