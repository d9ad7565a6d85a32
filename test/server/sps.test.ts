import { expect } from "chai";
import { buildCredential } from "../../src/documents/credentials";
import { certHashOf } from "../../src/documents/hashing";
import { credentialToSpsXml } from "../../src/documents/sps";
import { decodeCredentialJws } from "../../src/documents/vc-jose";
import { KG_APPLES_TO_KZ } from "../documents/sps/sps-examples";
import { expectProblem } from "./expect-problem";
import {
  call,
  eventually,
  form,
  signedCredential,
  startServer,
  stopPayloadStore,
  stopServers,
  type TestServer,
  validUntilInDays,
} from "./server-world";

/** KG's apples to KZ as SPS XML, issued by the world's KG plant-protection authority with a fresh number. */
function applesXml(server: TestServer, number = `KG-PC-${Date.now()}`): string {
  const { kgPlant } = server.world.authorities;
  return credentialToSpsXml(
    buildCredential({
      ...KG_APPLES_TO_KZ,
      issuer: { party: "KG", authorityId: kgPlant.id, name: kgPlant.name },
      certificateNumber: number,
    }),
  );
}

async function anchored(server: TestServer, certHash: string) {
  return eventually(async () => {
    const answer = await call(server, `/v1/certificates/${certHash}`);
    return answer.status === 200 && answer.body.anchoring === "anchored" && answer.body.certificate ? answer : undefined;
  }, `certificate ${certHash} is anchored and indexed`);
}

describe("API: UN/CEFACT SPS certificate XML", function () {
  this.timeout(120_000);
  afterEach(stopServers);
  after(stopPayloadStore);

  it("anyone exports a phytosanitary credential JWS as SPS XML, sent as application/vc+jwt or as JSON", async function () {
    const server = await startServer({ anchoring: false, indexing: false });
    const { jws, vc } = await signedCredential("phytosanitaryCertificate", server.world.authorities.kgPlant);
    const asJwt = await call(server, "/v1/sps/export", { method: "POST", headers: { "content-type": "application/vc+jwt" }, body: jws });
    expect(asJwt.status, asJwt.text).to.equal(200);
    expect(asJwt.contentType).to.match(/^application\/xml/);
    expect(asJwt.text).to.include("<rsm:SPSCertificate").and.include(`<ram:ID>${vc.credentialSubject.certificateNumber}</ram:ID>`);
    const asJson = await call(server, "/v1/sps/export", { method: "POST", json: { jws } });
    expect(asJson.text).to.equal(asJwt.text);
  });

  it("refuses to export another certificate type (422 NOT_PHYTOSANITARY_CERTIFICATE), a tampered JWS and a wrong content type", async function () {
    const server = await startServer({ anchoring: false, indexing: false });
    const { jws } = await signedCredential("conformityCertificate", server.world.authorities.kgBody);
    const refused = await call(server, "/v1/sps/export", { method: "POST", json: { jws } });
    expect(expectProblem(refused, 422, "NOT_PHYTOSANITARY_CERTIFICATE").detail).to.match(/conformityCertificate/);
    const phyto = (await signedCredential("phytosanitaryCertificate", server.world.authorities.kgPlant)).jws;
    const [header, payload, signature] = phyto.split(".");
    const tampered = `${header}.${payload.slice(0, -4)}AAAA.${signature}`;
    expectProblem(await call(server, "/v1/sps/export", { method: "POST", json: { jws: tampered } }), 422, "INVALID_SIGNATURE");
    const asText = await call(server, "/v1/sps/export", { method: "POST", headers: { "content-type": "text/plain" }, body: phyto });
    expectProblem(asText, 415, "UNSUPPORTED_CONTENT_TYPE");
  });

  it("an issuer imports SPS XML: anchored as its phytosanitary credential, whose subject is the XML's", async function () {
    const server = await startServer();
    const { kgPlant } = server.world.authorities;
    const token = await server.issuerToken(kgPlant.id);
    const number = `KG-PC-IMPORT-${Date.now()}`;
    const validUntil = await validUntilInDays(30);
    const answer = await call(server, `/v1/sps/import?validUntil=${encodeURIComponent(validUntil)}`, {
      method: "POST",
      token,
      headers: { "content-type": "application/xml" },
      body: applesXml(server, number),
    });
    expect(answer.status, answer.text).to.equal(202);
    const certHash = answer.body.certHash as string;
    await anchored(server, certHash);
    const document = await fetch(`${server.url}/v1/certificates/${certHash}/document`, { headers: { authorization: `Bearer ${token}` } });
    const jws = await document.text();
    expect(certHashOf(jws)).to.equal(certHash);
    const { credential } = decodeCredentialJws(jws);
    const expected = buildCredential({ ...KG_APPLES_TO_KZ, certificateNumber: number }).credentialSubject;
    expect(credential.credentialSubject).to.deep.equal(expected);
    expect(credential.validUntil).to.equal(validUntil.replace(".000Z", "Z"));
  });

  it("refuses XML the credential cannot hold (422 INVALID_SPS_XML naming the element), a DTD, and a caller without an issuer token", async function () {
    const server = await startServer({ anchoring: false, indexing: false });
    const token = await server.issuerToken(server.world.authorities.kgPlant.id);
    const send = (body: string, auth: string | null = token) =>
      call(server, "/v1/sps/import", { method: "POST", token: auth ?? undefined, headers: { "content-type": "application/xml" }, body });
    const withTransit = applesXml(server).replace(
      "<ram:ExportSPSCountry>",
      "<ram:TransitSPSCountry><ram:ID>UZ</ram:ID></ram:TransitSPSCountry><ram:ExportSPSCountry>",
    );
    const problem = expectProblem(await send(withTransit), 422, "INVALID_SPS_XML");
    expect(problem.details).to.deep.equal({ element: "SPSConsignment/TransitSPSCountry" });
    const xxe = `<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>`;
    expect(expectProblem(await send(xxe), 422, "INVALID_SPS_XML").detail).to.match(/DOCTYPE/);
    expectProblem(await send(applesXml(server), null), 401, "UNAUTHENTICATED");
    expectProblem(await send(applesXml(server), await server.adminToken("KG")), 403, "FORBIDDEN");
    // The certification body's scope has no phytosanitary certificates, and its party is KG: the ledger's rule refuses it.
    const bodyToken = await server.issuerToken(server.world.authorities.kgBody.id);
    const outOfScope = await call(server, `/v1/sps/import?validUntil=${encodeURIComponent(await validUntilInDays(30))}`, {
      method: "POST",
      token: bodyToken,
      headers: { "content-type": "application/xml" },
      body: applesXml(server).replace(/<ram:ID>KG-PC-[0-9]+<\/ram:ID>/, "<ram:ID>KG-PC-SCOPE</ram:ID>"),
    });
    expectProblem(outOfScope, 422, "AUTHORITY_NOT_IN_SCOPE");
  });

  it("verifying an anchored ePhyto XML file shows its key fields; a malformed XML file verifies without them", async function () {
    const server = await startServer();
    const { kgPlant } = server.world.authorities;
    const token = await server.issuerToken(kgPlant.id);
    const number = `KG-PC-FILE-${Date.now()}`;
    const xml = new TextEncoder().encode(applesXml(server, number));
    const broken = new TextEncoder().encode(
      `<?xml version="1.0"?><rsm:SPSCertificate xmlns:rsm="x"><unclosed>${Date.now()}</rsm:SPSCertificate>`,
    );
    for (const [bytes, n] of [
      [xml, number],
      [broken, `${number}-B`],
    ] as const) {
      const submitted = await call(server, "/v1/certificates", {
        method: "POST",
        token,
        body: form(
          { type: "phytosanitaryCertificate", number: n, validUntil: await validUntilInDays(30) },
          { bytes, type: "application/xml", name: "ephyto.xml" },
        ),
      });
      expect(submitted.status, submitted.text).to.equal(202);
      await anchored(server, submitted.body.certHash as string);
    }
    const verify = (bytes: Uint8Array) =>
      call(server, "/v1/verify", { method: "POST", body: form({}, { bytes, type: "application/xml", name: "ephyto.xml" }) });
    const good = await verify(xml);
    expect(good.status, good.text).to.equal(200);
    const report = good.body.report as { verdict: string; document?: { format: string; fields: Record<string, unknown> } };
    expect(report.verdict).to.equal("VALID");
    expect(report.document?.format).to.equal("UN/CEFACT SPS");
    expect(report.document?.fields).to.deep.include({
      certificateNumber: number,
      exportingCountry: "KG",
      importingCountry: "KZ",
      consignor: "Issyk-Kul Orchards LLC",
      consignee: "Almaty Fresh Produce LLP",
      pointOfEntry: "Korday",
    });
    expect(report.document?.fields.commodities).to.deep.equal([
      {
        botanicalName: "Malus domestica",
        commonName: "apple",
        description: "Fresh apples",
        quantity: { value: "20000", unit: "KGM" },
        packages: { count: "1000", kind: "cartons" },
        origin: "KG",
      },
    ]);
    const bad = await verify(broken);
    expect(bad.status, bad.text).to.equal(200);
    const badReport = bad.body.report as { verdict: string; document?: unknown };
    expect(badReport.verdict).to.equal("VALID");
    expect(badReport.document).to.equal(undefined);
  });
});
