/**
 * Origin declarations through the API: KG's origin authority registers exporter KG-REX-000123, which declares the
 * origin of dried apricots under the KG–KZ agreement; KZ recognises exporters' declarations from KG under it, UZ only
 * authorities' certificates of origin under the CIS FTA. Each hostile caller and each bad input comes first: another
 * party, another authority, a trader outside its registration, an authority passing a declaration off as its own.
 */
import { expect } from "chai";
import { CERTIFICATE_TYPES } from "../../src/documents/certificate-types";
import { buildCredential, credentialNumberHash } from "../../src/documents/credentials";
import { certHashOf } from "../../src/documents/hashing";
import { signCredential } from "../../src/documents/vc-jose";
import { generateSigningKey } from "../../src/crypto/keys";
import { OriginClient } from "../../src/origin";
import { time } from "../contracts/fixtures";
import { EXPORTER_DECLARATION_INPUT } from "../documents/credential-examples";
import { expectProblem } from "./expect-problem";
import { agreement as originAgreement, startOriginWorld } from "./origin-world";
import { call, eventually, form, pdfBytes, stopServers, validUntilInDays, type TestServer } from "./server-world";

interface Report {
  verdict: string;
  certificate?: { numberHash: string };
  checks: { id: string; result: string; detail: string }[];
  origin?: { proof: string; agreement?: { code: string }; declarant?: { registrationNumber: string; status: string; name?: string } };
}

describe("API: origin declarations by registered exporters and importers", function () {
  this.timeout(90_000);
  let server: TestServer;
  let exporter: { token: string; registrationId: number };
  let originToken: string;

  const admin = (party: string) => server.adminToken(party);
  const declaration = (overrides: Record<string, unknown> = {}) => ({
    tradeAgreement: "KG-KZ",
    importingCountry: "KZ",
    invoice: { number: `INV-${Date.now()}-${Math.random().toString(36).slice(2, 7)}`, date: "2026-12-01" },
    goods: [
      { itemNumber: 1, description: "Dried apricots", hsCode: "081310", originCriterion: "WO", quantity: { value: 12000, unit: "KGM" } },
    ],
    ...overrides,
  });
  const declare = (token: string, body: unknown) => call(server, "/v1/declarations", { method: "POST", token, json: body });
  const verify = async (certHash: string, forParty?: string): Promise<Report> => {
    const answer = await call(server, "/v1/verify", { method: "POST", json: forParty ? { certHash, forParty } : { certHash } });
    expect(answer.status, answer.text).to.equal(200);
    return answer.body.report as Report;
  };
  const anchored = (certHash: string) =>
    eventually(async () => (await call(server, `/v1/certificates/${certHash}`)).body.anchoring === "anchored", `${certHash} is anchored`);
  const agreement = (code: string, parties: string[]) => originAgreement(server, code, `${code} free trade agreement`, parties);

  beforeEach(async function () {
    // KG's certification body is also its origin authority (exporters, type 5); KZ's chamber registers importers (type 6);
    // KG-KZ and CISFTA in force; KZ accepts KG's exporters' declarations under KG-KZ, UZ only certificates under CISFTA.
    let exporterToken: string;
    let registrationId: number;
    ({ server, originToken, exporterToken, exporterRegistrationId: registrationId } = await startOriginWorld());
    exporter = { token: exporterToken, registrationId };
  });
  afterEach(stopServers);

  it("the exporter's declaration verifies VALID and recognised for KZ, NOT_RECOGNISED for UZ naming why", async function () {
    const body = declaration();
    const accepted = await declare(exporter.token, body);
    expect(accepted.status, accepted.text).to.equal(202);
    expect(accepted.body).to.include({ registrationNumber: "KG-REX-000123", agreement: "KG-KZ" });
    const certHash = accepted.body.certHash as string;
    await anchored(certHash);
    // The same invoice declared again is refused, naming the declaration it already has (here, and on the way too).
    const again = expectProblem(await declare(exporter.token, body), 409, "DUPLICATE_DECLARATION");
    expect(again.detail).to.contain(`is declared already: certificate ${certHash}`);

    const forKz = await verify(certHash, "KZ");
    expect(forKz.verdict, JSON.stringify(forKz.checks)).to.equal("VALID");
    expect(forKz.origin).to.deep.include({ proof: "exporterDeclaration" });
    expect(forKz.origin?.agreement?.code).to.equal("KG-KZ");
    expect(forKz.origin?.declarant).to.include({ registrationNumber: "KG-REX-000123", status: "Active", name: "Osh Dried Fruit LLC" });
    expect(forKz.checks.find((c) => c.id === "issuer")?.detail).to.contain("Declared by registered exporter KG-REX-000123 of KG");
    expect(forKz.checks.find((c) => c.id === "recognition")?.detail).to.contain(
      "KZ recognises origin declarations by registered exporters from KG under KG-KZ",
    );

    const forUz = await verify(certHash, "UZ");
    expect(forUz.verdict).to.equal("NOT_RECOGNISED");
    const why = forUz.checks.find((c) => c.id === "recognition")!.detail;
    expect(why).to.contain("UZ is not a party to KG-KZ");
    expect(why).to.contain("certificates of origin issued by an authority under CISFTA");
  });

  it("a suspended registration declares nothing more; its earlier declaration verifies as made while it was valid", async function () {
    const earlier = await declare(exporter.token, declaration());
    expect(earlier.status, earlier.text).to.equal(202);
    await anchored(earlier.body.certHash as string);
    // Another party's admin, another authority and the trader itself cannot suspend it.
    for (const token of [await admin("KZ"), await server.issuerToken(server.world.authorities.kzChamber.id)]) {
      expectProblem(
        await call(server, "/v1/registrations/KG-REX-000123/status", { method: "PUT", token, json: { status: "Suspended" } }),
        403,
        "NOT_A_REGISTRAR",
      );
    }
    expectProblem(
      await call(server, "/v1/registrations/KG-REX-000123/status", { method: "PUT", token: exporter.token, json: { status: "Suspended" } }),
      403,
      "FORBIDDEN",
    );
    const suspended = await call(server, "/v1/registrations/KG-REX-000123/status", {
      method: "PUT",
      token: originToken,
      json: { status: "Suspended" },
    });
    expect(suspended.status, suspended.text).to.equal(200);
    expect(suspended.body.status).to.equal("Suspended");

    const refused = expectProblem(await declare(exporter.token, declaration()), 422, "REGISTRATION_NOT_ACTIVE");
    expect(refused.detail).to.contain("KG-REX-000123 is suspended");
    const report = await verify(earlier.body.certHash as string, "KZ");
    expect(report.verdict).to.equal("VALID");
    const issuer = report.checks.find((c) => c.id === "issuer")!;
    expect(issuer.result).to.equal("warn");
    expect(issuer.detail).to.contain("its registration active and valid when it declared");
    expect(issuer.detail).to.contain("has since been suspended");
  });

  it("the same invoice declared twice at once is refused the second time, before the first is anchored", async function () {
    const body = declaration();
    const first = await declare(exporter.token, body);
    expect(first.status, first.text).to.equal(202);
    const again = expectProblem(await declare(exporter.token, body), 409, "DUPLICATE_DECLARATION");
    expect(again.detail).to.contain(`certificate ${first.body.certHash as string}`);
  });

  it("refuses, storing nothing: a heading outside the registration, an agreement without KG, an unknown agreement, another party's imports", async function () {
    const before = await server.outbox.counts();
    const outside = expectProblem(
      await declare(
        exporter.token,
        declaration({
          goods: [{ itemNumber: 1, description: "Walnuts", hsCode: "080232", originCriterion: "WO", quantity: { value: 10, unit: "KGM" } }],
        }),
      ),
      422,
      "HEADING_NOT_REGISTERED",
    );
    expect(outside.detail).to.contain("heading 0802 is not among KG-REX-000123's registered headings (0813)");
    await agreement("KZ-UZ", ["KZ", "UZ"]);
    expect(
      expectProblem(await declare(exporter.token, declaration({ tradeAgreement: "KZ-UZ" })), 422, "NOT_AGREEMENT_PARTY").detail,
    ).to.contain("KG is not a party to KZ-UZ");
    expectProblem(await declare(exporter.token, declaration({ tradeAgreement: "EAEU" })), 404, "AGREEMENT_NOT_FOUND");
    expectProblem(await declare(exporter.token, declaration({ importingCountry: "UZ" })), 422, "NOT_AGREEMENT_PARTY");
    expectProblem(await declare(exporter.token, declaration({ exportingCountry: "KZ" })), 422, "EXPORTER_NOT_OWN_PARTY");
    expectProblem(await declare(exporter.token, { ...declaration(), goods: [] }), 400, "INVALID_REQUEST");
    expect(await server.outbox.counts()).to.deep.equal(before);
  });

  it("only an origin authority registers, a number once; a declarant token anchors nothing else, an authority no declaration", async function () {
    const { kgPlant, kgBody, kzChamber } = server.world.authorities;
    const body = {
      kind: "exporter",
      number: "KG-REX-000777",
      name: "Naryn Honey",
      address: "Naryn",
      headings: ["0409"],
      validUntil: await validUntilInDays(100),
      consent: false,
    };
    // An authority without exporters' declarations in its scope, another party's authority registering for its party.
    expectProblem(
      await call(server, "/v1/registrations", { method: "POST", token: await server.issuerToken(kgPlant.id), json: body }),
      403,
      "NOT_AN_ORIGIN_AUTHORITY",
    );
    expectProblem(
      await call(server, "/v1/registrations", { method: "POST", token: await server.issuerToken(kzChamber.id), json: body }),
      403,
      "NOT_AN_ORIGIN_AUTHORITY",
    );
    expectProblem(await call(server, "/v1/registrations", { method: "POST", token: await admin("KG"), json: body }), 403, "FORBIDDEN");
    expectProblem(
      await call(server, "/v1/registrations", { method: "POST", token: originToken, json: { ...body, number: "KG-REX-000123" } }),
      409,
      "REGISTRATION_NUMBER_UNAVAILABLE",
    );
    // Without consent, anyone sees only the number, its party, status and validity.
    expect((await call(server, "/v1/registrations", { method: "POST", token: originToken, json: body })).status).to.equal(201);
    const hidden = await call(server, "/v1/registrations/KG-REX-000777");
    expect(hidden.status).to.equal(200);
    expect(hidden.body).to.include({ registrationNumber: "KG-REX-000777", party: "KG", status: "Active", consent: false });
    expect(hidden.body).not.to.have.any.keys("name", "address", "headings");
    const shown = await call(server, "/v1/registrations/KG-REX-000123");
    expect(shown.body).to.include({ name: "Osh Dried Fruit LLC", consent: true });
    expectProblem(await call(server, "/v1/registrations/KG-REX-999999"), 404, "REGISTRATION_NOT_FOUND");

    // The declarant's token anchors no certificate; the authority's token anchors no declaration.
    const vc = buildCredential({
      ...EXPORTER_DECLARATION_INPUT,
      issuer: { ...EXPORTER_DECLARATION_INPUT.issuer, authorityId: kgBody.id },
      validUntil: await validUntilInDays(30),
    });
    expectProblem(
      await call(server, "/v1/certificates", { method: "POST", token: exporter.token, json: { credential: vc } }),
      403,
      "FORBIDDEN",
    );
    expectProblem(
      await call(server, "/v1/certificates", { method: "POST", token: originToken, json: { credential: vc } }),
      403,
      "DECLARATION_NEEDS_DECLARANT",
    );
    // Recognition naming an unknown agreement.
    expectProblem(
      await call(server, "/v1/recognition/agreements", {
        method: "PUT",
        token: await admin("KZ"),
        json: { issuer: "KG", agreement: "EAEU", proofs: ["exporterDeclaration"] },
      }),
      404,
      "AGREEMENT_NOT_FOUND",
    );
  });

  it("an authority that anchors a declaration of its own making, bypassing the registry, is UNTRUSTED_ISSUER", async function () {
    const { kgBody } = server.world.authorities;
    const vc = buildCredential({
      ...EXPORTER_DECLARATION_INPUT,
      issuer: { ...EXPORTER_DECLARATION_INPUT.issuer, authorityId: kgBody.id },
      validUntil: await validUntilInDays(30),
    });
    // Signed with the authority's own key, anchored straight on the ledger as an exporter's declaration.
    const jws = await signCredential(vc, kgBody.key);
    const certHash = certHashOf(jws);
    await server.world.client.withSigner(kgBody.account).anchorCertificate({
      certHash,
      certType: CERTIFICATE_TYPES.exporterDeclaration,
      validUntil: BigInt(await time.latest()) + 86_400n,
      numberHash: credentialNumberHash(vc),
    });
    const report = (await call(server, "/v1/verify", { method: "POST", json: { jws, forParty: "KZ" } })).body.report as Report;
    expect(report.verdict).to.equal("UNTRUSTED_ISSUER");
    expect(report.checks.find((c) => c.id === "issuer")!.detail).to.contain("holds no registered trader's declaration of it");
    // Even recorded under the exporter's registration, a signature by another key than the trader's is not the trader's.
    await OriginClient.of(server.world.client.withSigner(kgBody.account)).recordDeclaration({
      certHash,
      registrationId: exporter.registrationId,
      agreementId: 1,
      counterpart: "KZ",
      headings: [813],
    });
    const again = (await call(server, "/v1/verify", { method: "POST", json: { jws, forParty: "KZ" } })).body.report as Report;
    expect(again.verdict).to.equal("UNTRUSTED_ISSUER");
    expect(again.checks.find((c) => c.id === "signature")!.detail).to.contain("not registered under KG-REX-000123");
  });

  it("a PDF invoice carrying the statement: checked the same, stamped, recorded and anchored; VALID for KZ", async function () {
    const declarationForm = (body: unknown) => {
      const data = form({ declaration: JSON.stringify(body) }, { bytes: pdfBytes("Invoice INV-PDF-1: dried apricots, 12,000 kg") });
      return call(server, "/v1/declarations", { method: "POST", token: exporter.token, body: data });
    };
    const before = await server.outbox.counts();
    const outside = declaration({
      goods: [{ itemNumber: 1, description: "Walnuts", hsCode: "080232", originCriterion: "WO", quantity: { value: 10, unit: "KGM" } }],
    });
    expectProblem(await declarationForm(outside), 422, "HEADING_NOT_REGISTERED");
    expect(await server.outbox.counts()).to.deep.equal(before);
    const accepted = await declarationForm(declaration());
    expect(accepted.status, accepted.text).to.equal(202);
    expect(accepted.body).to.include({ registrationNumber: "KG-REX-000123", agreement: "KG-KZ" });
    expect((accepted.body.links as { stamped?: string }).stamped).to.be.a("string");
    const certHash = accepted.body.certHash as string;
    await anchored(certHash);
    const report = await verify(certHash, "KZ");
    expect(report.verdict, JSON.stringify(report.checks)).to.equal("VALID");
    expect(report.checks.find((c) => c.id === "issuer")!.detail).to.contain("Declared by registered exporter KG-REX-000123 of KG");
  });

  it("a trader holding its own key: the server cannot sign in its name; its own signed declaration verifies, another key's does not", async function () {
    const own = await generateSigningKey();
    const registered = await call(server, "/v1/registrations", {
      method: "POST",
      token: originToken,
      json: {
        kind: "exporter",
        number: "KG-REX-000500",
        name: "Chui Walnut LLC",
        address: "Tokmok",
        headings: ["0813"],
        validUntil: await validUntilInDays(300),
        consent: false,
        publicJwk: own.publicJwk,
      },
    });
    expect(registered.status, registered.text).to.equal(201);
    const token = registered.body.token as string;
    // The registering server holds no key of this trader: it cannot declare in its name.
    expect(expectProblem(await declare(token, declaration()), 403, "FORBIDDEN").detail).to.contain("holds its own key");
    const { kgBody } = server.world.authorities;
    const signed = async (key: typeof own, registration = "KG-REX-000500") => {
      const vc = buildCredential({
        ...EXPORTER_DECLARATION_INPUT,
        issuer: { party: "KG", authorityId: kgBody.id, registration, name: "Chui Walnut LLC" },
        certificateNumber: `KG-REX-000500/INV-${Date.now()}-${Math.random().toString(36).slice(2, 6)}`,
        validFrom: new Date().toISOString(),
        validUntil: await validUntilInDays(200),
        subject: {
          ...EXPORTER_DECLARATION_INPUT.subject,
          declarant: { kind: "exporter", registrationNumber: registration, name: "Chui Walnut LLC" },
        },
      });
      return signCredential(vc, key);
    };
    const send = async (jws: string) => call(server, "/v1/declarations/signed", { method: "POST", token, json: { jws } });
    expectProblem(await send(await signed(kgBody.key)), 422, "UNTRUSTED_KEY");
    expectProblem(await send(await signed(own, "KG-REX-000123")), 403, "ISSUER_MISMATCH");
    const accepted = await send(await signed(own));
    expect(accepted.status, accepted.text).to.equal(202);
    const certHash = accepted.body.certHash as string;
    await anchored(certHash);
    const report = (await call(server, "/v1/verify", { method: "POST", json: { jws: accepted.body.jws, forParty: "KZ" } })).body
      .report as Report;
    expect(report.verdict, JSON.stringify(report.checks)).to.equal("VALID");
    expect(report.checks.find((c) => c.id === "signature")!.detail).to.contain("of KG-REX-000500, the declarant's own");
  });

  it("model 5: a KZ importer declares for an import into KZ; KZ verifies it, UZ sees an importer of KZ declared it", async function () {
    const { kzChamber } = server.world.authorities;
    const registered = await call(server, "/v1/registrations", {
      method: "POST",
      token: await server.issuerToken(kzChamber.id),
      json: {
        kind: "importer",
        number: "KZ-IMP-000042",
        name: "Almaty Fruit Trade LLP",
        address: "Almaty",
        headings: ["0813"],
        validUntil: await validUntilInDays(500),
        consent: false,
      },
    });
    expect(registered.status, registered.text).to.equal(201);
    const importer = registered.body.token as string;
    expectProblem(
      await declare(importer, declaration({ importingCountry: "UZ", exportingCountry: "KG", tradeAgreement: "CISFTA" })),
      422,
      "IMPORTER_NOT_OWN_PARTY",
    );
    const accepted = await declare(importer, declaration({ importingCountry: undefined, exportingCountry: "KG", tradeAgreement: "KG-KZ" }));
    expect(accepted.status, accepted.text).to.equal(202);
    const certHash = accepted.body.certHash as string;
    await anchored(certHash);
    const forKz = await verify(certHash, "KZ");
    expect(forKz.verdict, JSON.stringify(forKz.checks)).to.equal("VALID");
    expect(forKz.checks.find((c) => c.id === "recognition")!.detail).to.contain(
      "KZ recognises its own origin declarations by registered importers",
    );
    const forUz = await verify(certHash, "UZ");
    expect(forUz.origin?.proof).to.equal("importerDeclaration");
    expect(forUz.origin?.declarant).to.include({ registrationNumber: "KZ-IMP-000042" });
    expect(forUz.origin?.declarant).not.to.have.property("name");
    expect(forUz.checks.find((c) => c.id === "issuer")!.detail).to.contain("Declared by registered importer KZ-IMP-000042 of KZ");
    expect(forUz.verdict).to.equal("NOT_RECOGNISED");
  });
});
