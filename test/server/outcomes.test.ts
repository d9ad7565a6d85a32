/**
 * The importing side through the API: border agencies record outcomes and write quantities off certificates presented
 * to them. KZ's chamber issues a certificate of origin for 18,000 KGM; UZ's and KG's customs answer for it. Each hostile
 * caller (the issuer's own border, an issuer token, a border the certificate was not presented to) comes first.
 */
import { expect } from "chai";
import { ZeroHash } from "ethers";
import { OutcomesClient } from "../../src/outcomes";
import {
  call,
  eventually,
  form,
  issueCredential,
  pdfBytes,
  recogniseOrigin,
  startServer,
  stopServers,
  validUntilInDays,
  type TestServer,
} from "./server-world";
import { expectProblem } from "./expect-problem";

describe("API: the importing side (outcomes and utilisation)", function () {
  this.timeout(60_000);
  let server: TestServer;
  let uz: { agencyId: number; token: string };
  let kg: { agencyId: number; token: string };
  let kz: { agencyId: number; token: string };

  beforeEach(async function () {
    server = await startServer();
    uz = await server.agency("UZ", "UZ Customs Committee");
    // UZ and KG recognise KZ's certificates of origin: an acceptance needs the certificate VALID at the accepting border.
    await recogniseOrigin(server, ["UZ", "KG"]);
    kg = await server.agency("KG", "KG State Customs Service");
    kz = await server.agency("KZ", "KZ customs");
  });
  afterEach(stopServers);

  const origin = () => issueCredential(server.world, "certificateOfOrigin");
  const post = (certHash: string, what: "outcomes" | "utilisations", token: string, json: unknown) =>
    call(server, `/v1/certificates/${certHash}/${what}`, { method: "POST", token, json });

  it("the issuing party's own border, an issuer token and an anonymous caller cannot answer for a certificate", async function () {
    const cert = await origin();
    expectProblem(
      await post(cert.certHash, "outcomes", kz.token, { outcome: "accepted", credential: cert.jws }),
      403,
      "OWN_PARTY_CERTIFICATE",
    );
    const issuer = await server.issuerToken(server.world.authorities.kzChamber.id);
    expectProblem(await post(cert.certHash, "outcomes", issuer, { outcome: "accepted", credential: cert.jws }), 403, "FORBIDDEN");
    expectProblem(
      await call(server, `/v1/certificates/${cert.certHash}/outcomes`, {
        method: "POST",
        json: { outcome: "accepted", credential: cert.jws },
      }),
      401,
      "UNAUTHENTICATED",
    );
  });

  it("the border desk, called as a library, takes a hash without 0x or in capitals as the same certificate", async function () {
    const cert = await origin();
    const recorded = await server.deps.desk!.recordOutcome({
      agencyId: uz.agencyId,
      certHash: cert.certHash.slice(2).toUpperCase(),
      outcome: "acknowledged",
      document: { kind: "credential", jws: cert.jws },
    });
    expect(recorded.party).to.equal("UZ");
    expect(recorded.use.outcomes.map((o) => o.outcome)).to.deep.equal(["acknowledged"]);
  });

  it("a border the certificate was not presented to (no document, no payload addressed to it) cannot answer for it", async function () {
    const cert = await origin();
    const problem = expectProblem(await post(cert.certHash, "outcomes", uz.token, { outcome: "acknowledged" }), 422, "NOT_PRESENTED");
    expect(problem.detail).to.contain("was not presented to UZ");
    // Another certificate's document does not present this one.
    const other = await origin();
    expectProblem(
      await post(cert.certHash, "outcomes", uz.token, { outcome: "acknowledged", credential: other.jws }),
      400,
      "INVALID_REQUEST",
    );
  });

  it("UZ acknowledges, accepts, uses 10,000 then 8,000 of 18,000 KGM; a third use is refused naming 0 KGM left; KG sees it used in full", async function () {
    const cert = await origin();
    const ack = await post(cert.certHash, "outcomes", uz.token, { outcome: "acknowledged", credential: cert.jws });
    expect(ack.status, ack.text).to.equal(201);
    expect(ack.body).to.include({ party: "UZ", alreadyRecorded: false });
    const accepted = await post(cert.certHash, "outcomes", uz.token, { outcome: "accepted", credential: cert.jws });
    expect(accepted.status, accepted.text).to.equal(201);

    const use = (declaration: string, quantity: number | string) =>
      post(cert.certHash, "utilisations", uz.token, { declaration, items: [{ item: 1, quantity, unit: "KGM" }], credential: cert.jws });
    const first = await use("UZ-GTD-2026/000101", 10_000);
    expect(first.status, first.text).to.equal(201);
    const second = await use("UZ-GTD-2026/000102", "8000");
    expect(second.status, second.text).to.equal(201);
    const body = second.body as { use: { items: unknown[]; usedInFull?: { party: string } }; summary: string[] };
    expect(body.use.items).to.deep.equal([{ item: 1, total: "18000", used: "18000", remaining: "0", unit: "KGM", declaredBy: "UZ" }]);
    expect(body.use.usedInFull?.party).to.equal("UZ");
    expect(body.summary).to.include("item 1: 18,000 of 18,000 KGM used");

    const third = expectProblem(await use("UZ-GTD-2026/000103", 1), 409, "OVER_UTILISATION");
    expect(third.detail).to.contain("item 1").and.contain("1 KGM asked, 0 KGM left");

    // KG's customs, asked to accept it for a preferential claim, sees where and when it was used in full.
    const kgAccept = expectProblem(
      await post(cert.certHash, "outcomes", kg.token, { outcome: "accepted", credential: cert.jws }),
      409,
      "ALREADY_USED_IN_FULL",
    );
    expect(kgAccept.detail).to.match(/already used in full at UZ on \d{4}-\d{2}-\d{2}/);
    // And cannot write anything off either: the ledger holds the totals.
    const kgUse = await post(cert.certHash, "utilisations", kg.token, {
      declaration: "KG-1",
      items: [{ item: 1, quantity: 1, unit: "KGM" }],
      credential: cert.jws,
    });
    expectProblem(kgUse, 409, "OVER_UTILISATION");

    // A bank verifying it sees the use in the report.
    const verified = await call(server, `/v1/verify/${cert.certHash}`);
    const report = verified.body.report as { use: { outcomes: { party: string; outcome: string }[]; items: { used: string }[] } };
    expect(report.use.outcomes.map((o) => `${o.party}:${o.outcome}`)).to.deep.equal(["UZ:acknowledged", "UZ:accepted"]);
    expect(report.use.items[0].used).to.equal("18000");
    const useAnswer = await call(server, `/v1/certificates/${cert.certHash}/use`);
    expect(useAnswer.status).to.equal(200);
    expect(useAnswer.body.summary).to.include(
      "accepted by UZ (UZ Customs Committee) on " + (report as unknown as { asOf: string }).asOf.slice(0, 10),
    );
  });

  it("a single window follows its party's certificates in the events feed, page by page, without a token", async function () {
    const cert = await origin();
    await post(cert.certHash, "outcomes", uz.token, { outcome: "accepted", credential: cert.jws });
    await post(cert.certHash, "utilisations", uz.token, {
      declaration: "F-1",
      items: [{ item: 1, quantity: 500, unit: "KGM" }],
      credential: cert.jws,
    });
    await post(cert.certHash, "outcomes", kg.token, { outcome: "rejected", rejectionReason: "goodsDoNotMatch", credential: cert.jws });
    type Page = {
      events: { kind: string; party: string; issuingParty: string; outcome?: string; quantity?: string; cursor: string }[];
      next: string;
    };
    const page = async (query: string) => {
      const answer = await call(server, `/v1/outcomes/events?${query}`);
      expect(answer.status, answer.text).to.equal(200);
      return answer.body as unknown as Page;
    };
    const all = await page("issuer=KZ");
    expect(all.events.map((e) => `${e.party}:${e.kind}:${e.outcome ?? e.quantity ?? ""}`)).to.deep.equal([
      "UZ:outcome:accepted",
      "UZ:itemsDeclared:",
      "UZ:itemUsed:500",
      "KG:outcome:rejected",
    ]);
    expect(all.events.every((e) => e.issuingParty === "KZ")).to.equal(true);
    // Paging: two, then the rest, then nothing new (the cursor stays).
    const first = await page("issuer=KZ&limit=2");
    const second = await page(`issuer=KZ&after=${first.next}`);
    expect([...first.events, ...second.events].map((e) => e.cursor)).to.deep.equal(all.events.map((e) => e.cursor));
    const third = await page(`issuer=KZ&after=${second.next}`);
    expect(third).to.deep.equal({ events: [], next: second.next });
    expect((await page("issuer=KZ&importer=KG")).events.map((e) => e.kind)).to.deep.equal(["outcome"]);
    expect((await page("issuer=KG")).events).to.deep.equal([]);
    expectProblem(await call(server, "/v1/outcomes/events?after=yesterday"), 400, "INVALID_REQUEST");
  });

  it("a declaration sent again is answered from the ledger, not written off twice; with other quantities it is refused", async function () {
    const cert = await origin();
    const json = { declaration: "UZ-GTD-7", items: [{ item: 1, quantity: 5000, unit: "KGM" }], credential: cert.jws };
    const first = await post(cert.certHash, "utilisations", uz.token, json);
    expect(first.status, first.text).to.equal(201);
    const again = await post(cert.certHash, "utilisations", uz.token, { ...json, declaration: "  uz-gtd-7 " });
    expect(again.status, again.text).to.equal(200);
    expect(again.body).to.include({ alreadyRecorded: true, txHash: first.body.txHash });
    expect((again.body.use as { items: { used: string }[] }).items[0].used).to.equal("5000");
    expectProblem(
      await post(cert.certHash, "utilisations", uz.token, { ...json, items: [{ item: 1, quantity: 6000, unit: "KGM" }] }),
      409,
      "DUPLICATE_DECLARATION",
    );
  });

  it("concurrent write-offs at one border never exceed the certificate's quantity", async function () {
    const cert = await origin();
    const answers = await Promise.all(
      [1, 2, 3].map((n) =>
        post(cert.certHash, "utilisations", uz.token, {
          declaration: `UZ-C-${n}`,
          items: [{ item: 1, quantity: 8000, unit: "KGM" }],
          credential: cert.jws,
        }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).to.deep.equal([201, 201, 409]);
    const use = await call(server, `/v1/certificates/${cert.certHash}/use`);
    expect((use.body.use as { items: { used: string }[] }).items[0].used).to.equal("16000");
  });

  it("refuses an unknown item, another unit, too many decimals and a certificate without quantities, each by name", async function () {
    const cert = await origin();
    const use = (items: unknown[]) => post(cert.certHash, "utilisations", uz.token, { declaration: "D-1", items, credential: cert.jws });
    expect(expectProblem(await use([{ item: 2, quantity: 1, unit: "KGM" }]), 404, "UNKNOWN_ITEM").detail).to.contain("items are 1 to 1");
    expect(expectProblem(await use([{ item: 1, quantity: 1, unit: "TNE" }]), 422, "UNIT_MISMATCH").detail).to.contain("KGM");
    expectProblem(await use([{ item: 1, quantity: "1.0001", unit: "KGM" }]), 400, "INVALID_REQUEST");
    const conformity = await issueCredential(server.world, "conformityCertificate");
    expectProblem(
      await post(conformity.certHash, "utilisations", uz.token, {
        declaration: "D-2",
        items: [{ item: 1, quantity: 1, unit: "KGM" }],
        credential: conformity.jws,
      }),
      422,
      "NO_ITEMS",
    );
  });

  it("a rejection carries a reason from the list and remarks encrypted to the parties; a rejection without a reason is refused", async function () {
    const cert = await origin();
    expectProblem(await post(cert.certHash, "outcomes", uz.token, { outcome: "rejected", credential: cert.jws }), 400, "INVALID_REQUEST");
    expectProblem(
      await post(cert.certHash, "outcomes", uz.token, { outcome: "rejected", rejectionReason: "notAReason", credential: cert.jws }),
      400,
      "INVALID_REQUEST",
    );
    const rejected = await post(cert.certHash, "outcomes", kg.token, {
      outcome: "rejected",
      rejectionReason: "originCriterionNotMet",
      remarks: "CTH not met for heading 0806: the grapes were imported",
      credential: cert.jws,
    });
    expect(rejected.status, rejected.text).to.equal(201);
    const outcome = (rejected.body.use as { outcomes: { party: string; reason: { code: number; name: string }; details?: string }[] })
      .outcomes[0];
    expect(outcome).to.deep.include({
      party: "KG",
      reason: { code: 5, name: "originCriterionNotMet", text: "the goods do not meet the origin criterion claimed" },
    });
    // The remarks are on IPFS, encrypted; the chain and the answer hold only where they are, never the text.
    expect(outcome.details).to.match(/^bafkrei/);
    expect(rejected.text).not.to.contain("grapes");
  });

  it("a border that does not recognise the issuer cannot accept its certificate, but can acknowledge and reject it", async function () {
    const phyto = await issueCredential(server.world, "phytosanitaryCertificate");
    const refused = expectProblem(
      await post(phyto.certHash, "outcomes", uz.token, { outcome: "accepted", credential: phyto.jws }),
      422,
      "CERT_NOT_ACCEPTABLE",
    );
    expect(refused.detail).to.contain("NOT_RECOGNISED");
    expect((await post(phyto.certHash, "outcomes", uz.token, { outcome: "acknowledged", credential: phyto.jws })).status).to.equal(201);
  });

  it("a suspended or revoked certificate cannot be accepted or written off, and says so", async function () {
    const cert = await origin();
    const issuer = await server.issuerToken(server.world.authorities.kzChamber.id);
    const suspended = await call(server, `/v1/certificates/${cert.certHash}/suspend`, { method: "POST", token: issuer, json: {} });
    expect(suspended.status, suspended.text).to.equal(200);
    const writeOff = { declaration: "UZ-S-1", items: [{ item: 1, quantity: 1, unit: "KGM" }], credential: cert.jws };
    expect(expectProblem(await post(cert.certHash, "utilisations", uz.token, writeOff), 422, "CERT_NOT_ACTIVE").detail).to.contain(
      "SUSPENDED",
    );
    expectProblem(await post(cert.certHash, "outcomes", uz.token, { outcome: "accepted", credential: cert.jws }), 422, "CERT_NOT_ACTIVE");
    // A rejection of a suspended certificate is an answer like any other.
    const rejected = await post(cert.certHash, "outcomes", uz.token, {
      outcome: "rejected",
      rejectionReason: "certificateNotValid",
      credential: cert.jws,
    });
    expect(rejected.status, rejected.text).to.equal(201);
  });

  it("a PDF certificate whose issuer declared its items at anchoring is written off like a credential; one without takes outcomes only", async function () {
    const issuer = await server.issuerToken(server.world.authorities.kzChamber.id);
    const anchorPdf = async (number: string, items?: unknown) => {
      const fields: Record<string, string> = {
        type: "certificateOfOrigin",
        number,
        validUntil: await validUntilInDays(90),
        stamp: "false",
      };
      if (items !== undefined) fields.items = typeof items === "string" ? items : JSON.stringify(items);
      const bytes = pdfBytes(`KZ certificate of origin ${number}`);
      const answer = await call(server, "/v1/certificates", { method: "POST", token: issuer, body: form(fields, { bytes }) });
      return { answer, bytes };
    };
    const items = [{ description: "Cotton yarn, combed", quantity: { value: 18000, unit: "KGM" } }];
    const { answer, bytes } = await anchorPdf(`KZ-PDF-${Date.now()}`, items);
    expect(answer.status, answer.text).to.equal(202);
    const certHash = answer.body.certHash as string;
    await eventually(async () => (await call(server, `/v1/certificates/${certHash}`)).body.anchoring === "anchored", "the PDF anchored");
    const file = Buffer.from(bytes).toString("base64");
    const written = await post(certHash, "utilisations", uz.token, {
      declaration: "UZ-PDF-1",
      items: [{ item: 1, quantity: 10000, unit: "KGM" }],
      file,
    });
    expect(written.status, written.text).to.equal(201);
    expect((written.body.use as { items: unknown[] }).items).to.deep.equal([
      { item: 1, total: "18000", used: "10000", remaining: "8000", unit: "KGM", declaredBy: "UZ" },
    ]);

    const plain = await anchorPdf(`KZ-PDF-PLAIN-${Date.now()}`);
    const plainHash = plain.answer.body.certHash as string;
    await eventually(
      async () => (await call(server, `/v1/certificates/${plainHash}`)).body.anchoring === "anchored",
      "the plain PDF anchored",
    );
    const plainFile = Buffer.from(plain.bytes).toString("base64");
    expectProblem(
      await post(plainHash, "utilisations", uz.token, {
        declaration: "UZ-PDF-2",
        items: [{ item: 1, quantity: 1, unit: "KGM" }],
        file: plainFile,
      }),
      422,
      "NO_ITEMS",
    );
    expect((await post(plainHash, "outcomes", uz.token, { outcome: "acknowledged", file: plainFile })).status).to.equal(201);
    // Items that are not items are refused at anchoring, naming the field.
    const bad = await anchorPdf(`KZ-PDF-BAD-${Date.now()}`, [{ description: "yarn", quantity: { value: -1, unit: "KGM" } }]);
    expect(expectProblem(bad.answer, 400, "INVALID_REQUEST").detail).to.contain("items");
  });

  it("a border's wrong totals block the others until the issuer corrects them through the API; only the issuer may", async function () {
    const cert = await origin();
    // A hostile border (UZ's agency, straight on the contract) declares 1,000,000 KGM where the certificate says 18,000.
    const outcomes = OutcomesClient.of(server.world.client);
    const hostile = await server.agencyWriter(uz.agencyId);
    await hostile.declareItems({
      anchoring: { certHash: cert.certHash, authorityId: server.world.authorities.kzChamber.id, root: ZeroHash },
      items: [{ total: 1_000_000_000n, unit: "KGM" }],
    });
    const honest = { declaration: "KG-1", items: [{ item: 1, quantity: 100, unit: "KGM" }], credential: cert.jws };
    expectProblem(await post(cert.certHash, "utilisations", kg.token, honest), 409, "ITEMS_MISMATCH");
    const items = { items: [{ description: "Cotton yarn", quantity: { value: 18000, unit: "KGM" } }] };
    // Not another party's admin, not a customs token.
    expectProblem(
      await call(server, `/v1/certificates/${cert.certHash}/items`, { method: "PUT", token: await server.adminToken("UZ"), json: items }),
      403,
      "NOT_CERTIFICATE_MANAGER",
    );
    expectProblem(
      await call(server, `/v1/certificates/${cert.certHash}/items`, { method: "PUT", token: kg.token, json: items }),
      403,
      "FORBIDDEN",
    );
    const issuer = await server.issuerToken(server.world.authorities.kzChamber.id);
    const corrected = await call(server, `/v1/certificates/${cert.certHash}/items`, { method: "PUT", token: issuer, json: items });
    expect(corrected.status, corrected.text).to.equal(200);
    expect((corrected.body.use as { items: unknown[] }).items).to.deep.equal([
      { item: 1, total: "18000", used: "0", remaining: "18000", unit: "KGM", declaredBy: "KZ" },
    ]);
    expect((await post(cert.certHash, "utilisations", kg.token, honest)).status).to.equal(201);
    expect(
      (await outcomes.item({ certHash: cert.certHash, authorityId: server.world.authorities.kzChamber.id, root: ZeroHash }, 0))?.used,
    ).to.equal(100_000n);
  });

  it("a party admin registers a border agency through the API, and anyone reads it", async function () {
    const admin = await server.adminToken("UZ");
    const account = "0x" + "ab".repeat(20);
    const registered = await call(server, "/v1/agencies", {
      method: "POST",
      token: admin,
      json: { name: "UZ plant quarantine at the border", accounts: [account] },
    });
    expect(registered.status, registered.text).to.equal(201);
    const id = registered.body.agencyId as number;
    const agency = await call(server, `/v1/agencies/${id}`);
    expect(agency.body).to.deep.include({ id, party: "UZ", status: "Active", name: "UZ plant quarantine at the border" });
    expect((agency.body.accounts as string[]).map((a) => a.toLowerCase())).to.deep.equal([account]);
    expectProblem(await call(server, "/v1/agencies/9999"), 404, "AGENCY_NOT_FOUND");
    // A customs token cannot register agencies.
    expectProblem(
      await call(server, "/v1/agencies", { method: "POST", token: uz.token, json: { name: "x", accounts: [account] } }),
      403,
      "FORBIDDEN",
    );
  });
});
