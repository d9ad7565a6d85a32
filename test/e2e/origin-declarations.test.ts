/**
 * Origin declarations across borders, on real server processes (KG, KZ, UZ sharing one anvil chain, each with its own
 * data, keys and Helia node), as the issue plays them: KG registers exporter KG-REX-000123 (consenting to publication);
 * it declares the origin of dried apricots under the KG–KZ agreement; KZ recognises exporters' declarations from KG
 * under it and its customs verifies VALID and recognised, accepts it and writes the import off; UZ, which recognises
 * only authorities' certificates of origin from KG under the CIS FTA, gets NOT_RECOGNISED naming why; KG suspends the
 * registration, and a new declaration is refused while the earlier one verifies as made while the registration was
 * valid. Then model 5: a KZ-registered importer declares for an import into KZ, KZ verifies it, and UZ sees an importer
 * of KZ declared it.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { partyApi, startNetwork, type NetworkParty, type RunningNetwork } from "../../scripts/network";
import { until } from "./until";

interface Report {
  verdict: string;
  checks: { id: string; result: string; detail: string }[];
  origin?: {
    proof: string;
    agreement?: { code: string };
    declarant?: { registrationNumber: string; kind: string; party: string; name?: string };
  };
}

describe("origin declarations across borders: registered exporters and importers on real servers", function () {
  this.timeout(240_000);
  let dir: string;
  let network: RunningNetwork;
  const party = (code: string): NetworkParty => network.parties.find((p) => p.code === code)!;
  const inAYear = () => new Date(Date.now() + 365 * 86_400_000).toISOString();
  const goods = [
    {
      itemNumber: 1,
      description: "Dried apricots, pitted",
      hsCode: "081310",
      originCriterion: "WO",
      quantity: { value: 12000, unit: "KGM" },
    },
  ];

  before(async function () {
    dir = await mkdtemp(path.join(os.tmpdir(), "certledger-origin-"));
    network = await startNetwork({ dir, scryptN: 1024, env: { LOG_LEVEL: "warn" } });
    // The agreements, each proposed by one party's admin and approved by every other party's, at its own server.
    const agree = async (code: string, name: string, parties: string[]) => {
      const [first, ...others] = parties.map(party);
      const proposed = await partyApi(first, "/v1/agreements", { method: "POST", token: first.adminToken, json: { code, name, parties } });
      expect(proposed.status, proposed.text).to.equal(201);
      for (const other of others) {
        const approved = await partyApi(other, `/v1/agreements/${code}/approvals`, { method: "POST", token: other.adminToken });
        expect(approved.status, approved.text).to.equal(200);
      }
    };
    await agree("KG-KZ", "Agreement between Kyrgyzstan and Kazakhstan on free trade", ["KG", "KZ"]);
    await agree("CISFTA", "CIS Free Trade Area Agreement", ["KG", "KZ", "UZ"]);
    const recognise = async (importer: string, issuer: string, agreement: string, proofs: string[]) => {
      const p = party(importer);
      const set = await partyApi(p, "/v1/recognition/agreements", {
        method: "PUT",
        token: p.adminToken,
        json: { issuer, agreement, proofs },
      });
      expect(set.status, set.text).to.equal(200);
    };
    await recognise("KZ", "KG", "KG-KZ", ["exporterDeclaration"]);
    await recognise("UZ", "KG", "CISFTA", ["certificate"]);
  });

  after(async function () {
    await network?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const verify = async (at: string, certHash: string, forParty: string): Promise<Report> => {
    const answer = await partyApi(party(at), "/v1/verify", { method: "POST", json: { certHash, forParty } });
    expect(answer.status, answer.text).to.equal(200);
    return (answer.body as { report: Report }).report;
  };
  const anchoredAt = (p: NetworkParty, certHash: string) =>
    until(
      `${p.code} anchors ${certHash}`,
      async () => ((await partyApi(p, `/v1/certificates/${certHash}`)).body as { anchoring?: string }).anchoring === "anchored",
    );
  const detail = (report: Report, id: string) => report.checks.find((c) => c.id === id)!.detail;

  it("KG's exporter declares under KG–KZ: VALID and recognised at KZ, NOT_RECOGNISED at UZ; suspended, it declares no more", async function () {
    const kg = party("KG");
    const registered = await partyApi(kg, "/v1/registrations", {
      method: "POST",
      token: kg.issuerToken,
      json: {
        kind: "exporter",
        number: "KG-REX-000123",
        name: "Osh Dried Fruit LLC",
        address: "12 Kurmanjan Datka St, Osh",
        headings: ["0813"],
        validUntil: inAYear(),
        consent: true,
      },
    });
    expect(registered.status, registered.text).to.equal(201);
    const exporterToken = (registered.body as { token: string }).token;
    // Anyone, at any party's server, looks the number up: consent given, so name and address are public.
    const lookup = await partyApi(party("UZ"), "/v1/registrations/KG-REX-000123");
    expect(lookup.body).to.include({ registrationNumber: "KG-REX-000123", party: "KG", status: "Active", name: "Osh Dried Fruit LLC" });

    const declare = () =>
      partyApi(kg, "/v1/declarations", {
        method: "POST",
        token: exporterToken,
        json: { tradeAgreement: "KG-KZ", importingCountry: "KZ", invoice: { number: `INV-${Date.now()}`, date: "2026-12-01" }, goods },
      });
    const declared = await declare();
    expect(declared.status, declared.text).to.equal(202);
    const { certHash } = declared.body as { certHash: string };
    await anchoredAt(kg, certHash);

    // KZ's customs, at KZ's own server.
    const atKz = await until("KZ's server verifies the declaration", async () => {
      const report = await verify("KZ", certHash, "KZ");
      return report.verdict === "NOT_FOUND" ? undefined : report;
    });
    expect(atKz.verdict, JSON.stringify(atKz.checks)).to.equal("VALID");
    expect(atKz.origin?.declarant).to.include({ registrationNumber: "KG-REX-000123", kind: "exporter", party: "KG" });
    expect(detail(atKz, "issuer")).to.match(
      /^Declared by registered exporter KG-REX-000123 of KG .*its registration active and valid when it declared on .*, under KG-KZ\.$/,
    );
    expect(detail(atKz, "recognition")).to.contain("KZ recognises origin declarations by registered exporters from KG under KG-KZ");

    // KZ's customs accepts it (its server opens the payload addressed to KZ) and writes the import off its goods line.
    const kz = party("KZ");
    const accepted = await until("KZ's customs accepts the declaration", async () => {
      const answer = await partyApi(kz, `/v1/certificates/${certHash}/outcomes`, {
        method: "POST",
        token: kz.customs!.token,
        json: { outcome: "accepted" },
      });
      return answer.status === 201 ? answer : undefined;
    });
    expect(accepted.body).to.include({ party: "KZ" });
    const writtenOff = await partyApi(kz, `/v1/certificates/${certHash}/utilisations`, {
      method: "POST",
      token: kz.customs!.token,
      json: { declaration: "KZ-DT-APRICOTS-1", items: [{ item: 1, quantity: 12000, unit: "KGM" }] },
    });
    expect(writtenOff.status, writtenOff.text).to.equal(201);

    const atUz = await verify("UZ", certHash, "UZ");
    expect(atUz.verdict).to.equal("NOT_RECOGNISED");
    expect(detail(atUz, "recognition")).to.equal(
      "UZ is not a party to KG-KZ (KG, KZ). From KG, UZ recognises certificates of origin issued by an authority under CISFTA.",
    );

    const suspended = await partyApi(kg, "/v1/registrations/KG-REX-000123/status", {
      method: "PUT",
      token: kg.issuerToken,
      json: { status: "Suspended" },
    });
    expect(suspended.status, suspended.text).to.equal(200);
    const refused = await declare();
    expect(refused.status, refused.text).to.equal(422);
    expect(refused.body).to.include({ code: "REGISTRATION_NOT_ACTIVE" });
    const earlier = await until("KZ's server sees the suspension", async () => {
      const report = await verify("KZ", certHash, "KZ");
      return detail(report, "issuer").includes("has since been suspended") ? report : undefined;
    });
    expect(earlier.verdict).to.equal("VALID");
    expect(detail(earlier, "issuer")).to.contain("its registration active and valid when it declared");
  });

  it("model 5: KZ's registered importer declares for an import into KZ; KZ verifies it, UZ sees an importer of KZ declared it", async function () {
    const kz = party("KZ");
    const registered = await partyApi(kz, "/v1/registrations", {
      method: "POST",
      token: kz.issuerToken,
      json: {
        kind: "importer",
        number: "KZ-IMP-000042",
        name: "Almaty Fruit Trade LLP",
        address: "40 Abay Ave, Almaty",
        headings: ["0813"],
        validUntil: inAYear(),
        consent: false,
      },
    });
    expect(registered.status, registered.text).to.equal(201);
    const importerToken = (registered.body as { token: string }).token;
    const body = {
      tradeAgreement: "KG-KZ",
      exportingCountry: "KG",
      invoice: { number: `INV-IMP-${Date.now()}`, date: "2026-12-02" },
      goods,
    };
    // An importer of KZ declares only for imports into KZ.
    const elsewhere = await partyApi(kz, "/v1/declarations", {
      method: "POST",
      token: importerToken,
      json: { ...body, importingCountry: "UZ" },
    });
    expect(elsewhere.status, elsewhere.text).to.equal(422);
    expect(elsewhere.body).to.include({ code: "IMPORTER_NOT_OWN_PARTY" });
    const declared = await partyApi(kz, "/v1/declarations", { method: "POST", token: importerToken, json: body });
    expect(declared.status, declared.text).to.equal(202);
    const { certHash } = declared.body as { certHash: string };
    await anchoredAt(kz, certHash);

    const atKz = await verify("KZ", certHash, "KZ");
    expect(atKz.verdict, JSON.stringify(atKz.checks)).to.equal("VALID");
    expect(detail(atKz, "recognition")).to.equal("KZ recognises its own origin declarations by registered importers.");
    const atUz = await until("UZ's server finds the declaration", async () => {
      const report = await verify("UZ", certHash, "UZ");
      return report.verdict === "NOT_FOUND" ? undefined : report;
    });
    expect(atUz.origin).to.deep.include({ proof: "importerDeclaration" });
    expect(atUz.origin?.declarant).to.include({ registrationNumber: "KZ-IMP-000042", kind: "importer", party: "KZ" });
    expect(atUz.origin?.declarant).not.to.have.property("name");
    expect(detail(atUz, "issuer")).to.match(/^Declared by registered importer KZ-IMP-000042 of KZ /);
  });
});
