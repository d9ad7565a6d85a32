import { expect } from "chai";
import { certHashOf, certificateNumberHash } from "../../src/documents/hashing";
import { batchResult, certificateAccepted, numberLookup } from "../../server/schemas";
import { firstPageText, qrTextsOfFirstPage } from "../documents/qr-reading";
import { expectProblem } from "./expect-problem";
import {
  call,
  eventually,
  form,
  pdfBytes,
  PUBLIC_URL,
  startServer,
  stopPayloadStore,
  stopServers,
  type TestServer,
  validUntilInDays,
} from "./server-world";

/** Submits `bytes` as a file certificate of KG's certification body; `fields` override the form's. */
async function submit(server: TestServer, bytes: Uint8Array, fields: Record<string, string> = {}, type = "application/pdf") {
  const { kgBody } = server.world.authorities;
  const all = { type: "conformityCertificate", number: `KG-DOC-${Date.now()}`, validUntil: await validUntilInDays(90), ...fields };
  const answer = await call(server, "/v1/certificates", {
    method: "POST",
    token: await server.issuerToken(kgBody.id),
    body: form(all, { bytes, type }),
  });
  return { answer, number: all.number };
}

async function download(server: TestServer, certHash: string, token?: string) {
  const response = await fetch(`${server.url}/v1/certificates/${certHash}/document`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  return { response, bytes: new Uint8Array(await response.arrayBuffer()) };
}

/** How pdf-lib writes a line of text: a hex string. */
function hexOf(text: string): string {
  return `<${Buffer.from(text, "latin1").toString("hex").toUpperCase()}>`;
}

describe("API: stamped PDFs and their download", function () {
  this.timeout(120_000);
  afterEach(stopServers);
  after(stopPayloadStore);

  it("stamps a PDF before anchoring: the issuer downloads the exact bytes anchored, whose QR code carries the party-and-number link", async function () {
    const server = await startServer();
    const { kgBody } = server.world.authorities;
    const pdf = pdfBytes("conformity certificate to stamp");
    const { answer, number } = await submit(server, pdf, { number: "KG-2025/0042" });
    expect(answer.status, answer.text).to.equal(202);
    const accepted = certificateAccepted.parse(answer.body);
    expect(accepted.certHash).not.to.equal(certHashOf(pdf));
    expect(accepted.links.stamped).to.equal(`${PUBLIC_URL}/v/KG/KG-2025%2F0042#k=${accepted.linkKey}`);
    expect(accepted.links.document).to.equal(`${PUBLIC_URL}/v1/certificates/${accepted.certHash}/document`);

    const { response, bytes } = await download(server, accepted.certHash, await server.issuerToken(kgBody.id));
    expect(response.status).to.equal(200);
    expect(response.headers.get("content-type")).to.match(/^application\/pdf/);
    expect(response.headers.get("content-disposition")).to.equal('attachment; filename="KG-2025_0042.pdf"');
    expect(certHashOf(bytes)).to.equal(accepted.certHash);
    expect(await qrTextsOfFirstPage(bytes)).to.deep.equal([accepted.links.stamped]);
    const text = await firstPageText(bytes);
    expect(text).to.include(hexOf(`Verify at ${PUBLIC_URL}/v/KG/KG-2025%2F0042`));
    expect(text).to.include(hexOf(`Certificate No. ${number}`));

    // The stamped link resolves through the public number lookup, and the downloaded file verifies VALID.
    await eventually(async () => server.index.certificate(accepted.certHash), "the certificate is indexed");
    const lookup = numberLookup.parse((await call(server, `/v1/certificates?number=${encodeURIComponent(number)}&party=KG`)).body);
    expect(lookup.numberHash).to.equal(certificateNumberHash("KG", number));
    expect(lookup.certificates.map((c) => c.certHash)).to.deep.equal([accepted.certHash]);
    const verified = await call(server, "/v1/verify", { method: "POST", body: form({}, { bytes }) });
    expect(verified.status, verified.text).to.equal(200);
    expect((verified.body.report as { verdict: string }).verdict).to.equal("VALID");
    // The original, unstamped PDF is not what was anchored.
    const original = await call(server, "/v1/verify", { method: "POST", body: form({}, { bytes: pdf }) });
    expect((original.body.report as { verdict: string }).verdict).to.equal("NOT_FOUND");
  });

  it("recognises the same PDF sent again as the first request (stamping is deterministic)", async function () {
    const server = await startServer({ anchoring: false });
    const pdf = pdfBytes("sent twice");
    const first = await submit(server, pdf, { number: "KG-TWICE-1" });
    const again = await submit(server, pdf, { number: "KG-TWICE-1" });
    expect(first.answer.status).to.equal(202);
    expect(again.answer.status).to.equal(202);
    expect(again.answer.body.certHash).to.equal(first.answer.body.certHash);
    expect(again.answer.headers.get("idempotent-replayed")).to.equal("true");
    expect(again.answer.body).not.to.have.property("linkKey");
    expect(server.outbox.list({ limit: 10 })).to.have.length(1);
  });

  it("anchors a PDF as it is with stamp=false, and never changes an XML file", async function () {
    const server = await startServer({ anchoring: false });
    const pdf = pdfBytes("stamped already");
    const unstamped = await submit(server, pdf, { stamp: "false" });
    expect(unstamped.answer.status, unstamped.answer.text).to.equal(202);
    expect(unstamped.answer.body.certHash).to.equal(certHashOf(pdf));
    expect((unstamped.answer.body.links as Record<string, unknown>).stamped).to.equal(undefined);
    const xml = new TextEncoder().encode(`<?xml version="1.0" encoding="UTF-8"?><SPSCertificate id="${Date.now()}"/>`);
    const asXml = await submit(server, xml, { type: "phytosanitaryCertificate" }, "application/xml");
    // The plant-protection type is not in the certification body's scope; the KG plant authority anchors it.
    expectProblem(asXml.answer, 422, "AUTHORITY_NOT_IN_SCOPE");
    const { kgPlant } = server.world.authorities;
    const xmlAnswer = await call(server, "/v1/certificates", {
      method: "POST",
      token: await server.issuerToken(kgPlant.id),
      body: form(
        { type: "phytosanitaryCertificate", number: "KG-SPS-1", validUntil: await validUntilInDays(30) },
        { bytes: xml, type: "application/xml" },
      ),
    });
    expect(xmlAnswer.status, xmlAnswer.text).to.equal(202);
    expect(xmlAnswer.body.certHash).to.equal(certHashOf(xml));
    const { response, bytes } = await download(server, certHashOf(xml), await server.issuerToken(kgPlant.id));
    expect(response.status).to.equal(200);
    expect(response.headers.get("content-type")).to.match(/^application\/xml/);
    expect(Buffer.from(bytes).equals(Buffer.from(xml))).to.equal(true);
  });

  it("refuses a PDF that cannot be stamped with 422 PDF_UNREADABLE (stamp=false anchors it as it is), storing nothing", async function () {
    const server = await startServer({ anchoring: false });
    const broken = new TextEncoder().encode(`%PDF-1.4\n% not really a PDF ${Date.now()}\n%%EOF\n`);
    const refused = await submit(server, broken);
    const problem = expectProblem(refused.answer, 422, "PDF_UNREADABLE");
    expect(problem.detail).to.match(/stamp/);
    expect(server.outbox.list({ limit: 10 })).to.have.length(0);
    const asIs = await submit(server, broken, { stamp: "false" });
    expect(asIs.answer.status).to.equal(202);
    expect(asIs.answer.body.certHash).to.equal(certHashOf(broken));
    expectProblem((await submit(server, pdfBytes("bad flag"), { stamp: "maybe" })).answer, 400, "INVALID_REQUEST");
  });

  it("stamps the batch route's base64 PDFs too, unless an item says stamp: false", async function () {
    const server = await startServer({ anchoring: false });
    const { kgBody } = server.world.authorities;
    const [one, two] = [pdfBytes("batch one"), pdfBytes("batch two")];
    const validUntil = await validUntilInDays(30);
    const file = (bytes: Uint8Array, number: string, stamp?: boolean) => ({
      file: { base64: Buffer.from(bytes).toString("base64"), type: 1, number, validUntil, ...(stamp === undefined ? {} : { stamp }) },
    });
    const answer = await call(server, "/v1/certificates/batch", {
      method: "POST",
      token: await server.issuerToken(kgBody.id),
      json: { items: [file(one, "KG-BATCH-1"), file(two, "KG-BATCH-2", false)] },
    });
    expect(answer.status, answer.text).to.equal(200);
    const [stamped, asIs] = batchResult.parse(answer.body).results.map((r) => r.certificate!);
    expect(stamped.certHash).not.to.equal(certHashOf(one));
    expect(stamped.links.stamped).to.equal(`${PUBLIC_URL}/v/KG/KG-BATCH-1#k=${stamped.linkKey}`);
    expect(asIs.certHash).to.equal(certHashOf(two));
    const { bytes } = await download(server, stamped.certHash, await server.issuerToken(kgBody.id));
    expect(await qrTextsOfFirstPage(bytes)).to.deep.equal([stamped.links.stamped]);
  });

  it("gives the document to its issuer and its party's admin only: 401 without a token, 403 for others, 404 for unknown", async function () {
    const server = await startServer({ anchoring: false });
    const { kgBody, kzChamber } = server.world.authorities;
    const { answer } = await submit(server, pdfBytes("who may download"));
    const certHash = answer.body.certHash as string;
    expect((await download(server, certHash, await server.adminToken("KG"))).response.status).to.equal(200);
    const problemOf = async (token?: string, hash = certHash) => {
      const response = await fetch(`${server.url}/v1/certificates/${hash}/document`, {
        headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      });
      return { status: response.status, body: (await response.json()) as { code: string } };
    };
    expect(await problemOf()).to.deep.include({ status: 401 });
    expect((await problemOf(await server.issuerToken(kzChamber.id))).body.code).to.equal("FORBIDDEN");
    expect((await problemOf(await server.adminToken("KZ"))).status).to.equal(403);
    expect((await problemOf(await server.issuerToken(kgBody.id), "0x" + "ab".repeat(32))).body.code).to.equal("CERT_NOT_FOUND");
    expect((await problemOf(await server.issuerToken(kgBody.id), "0x1234")).body.code).to.equal("INVALID_CERT_HASH");
  });
});
