import { expect } from "chai";
import { certHashOf } from "../../src/documents/hashing";
import { certificateAccepted, certificateLinkView, consoleListing } from "../../server/schemas";
import { qrTextOfPng } from "../documents/qr-reading";
import { expectProblem } from "./expect-problem";
import {
  call,
  eventually,
  form,
  pdfBytes,
  PUBLIC_URL,
  signedCredential,
  startServer,
  stopPayloadStore,
  stopServers,
  type TestServer,
  validUntilInDays,
} from "./server-world";

/** Anchors a stamped PDF numbered `number` by KG's certification body; returns the 202's body. */
async function submitPdf(server: TestServer, number: string) {
  const answer = await call(server, "/v1/certificates", {
    method: "POST",
    token: await server.issuerToken(server.world.authorities.kgBody.id),
    body: form({ type: "conformityCertificate", number, validUntil: await validUntilInDays(90) }, { bytes: pdfBytes(number) }),
  });
  expect(answer.status, answer.text).to.equal(202);
  return certificateAccepted.parse(answer.body);
}

async function png(server: TestServer, certHash: string, token?: string) {
  const response = await fetch(`${server.url}/v1/certificates/${certHash}/qr.png`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  expect(response.status).to.equal(200);
  expect(response.headers.get("content-type")).to.equal("image/png");
  return new Uint8Array(await response.arrayBuffer());
}

describe("API: the issuer console (links, QR codes, listing)", function () {
  this.timeout(120_000);
  afterEach(stopServers);
  after(stopPayloadStore);

  it("shows its issuer the link and key again, also after a restart, and the QR codes decode to it; the public gets the keyless link", async function () {
    const first = await startServer();
    const { kgBody } = first.world.authorities;
    const accepted = await submitPdf(first, "KG-LINK-1");
    await eventually(async () => first.index.certificate(accepted.certHash), "the certificate is anchored and indexed");
    first.keepDataDir = true;
    await first.stop();

    const server = await startServer({ world: first.world, dataDir: first.dataDir });
    const token = await server.issuerToken(kgBody.id);
    const answer = await call(server, `/v1/certificates/${accepted.certHash}/link`, { token });
    expect(answer.status, answer.text).to.equal(200);
    expect(answer.headers.get("cache-control")).to.equal("private, no-store");
    const link = certificateLinkView.parse(answer.body);
    expect(link).to.deep.include({
      certHash: accepted.certHash,
      link: `${PUBLIC_URL}/v/${accepted.certHash}#k=${accepted.linkKey}`,
      linkKey: accepted.linkKey,
      stampedLink: accepted.links.stamped,
      number: "KG-LINK-1",
      party: "KG",
      stamped: true,
      document: `${PUBLIC_URL}/v1/certificates/${accepted.certHash}/document`,
    });
    expect(link.qr).to.deep.equal({
      png: `${PUBLIC_URL}/v1/certificates/${accepted.certHash}/qr.png`,
      svg: `${PUBLIC_URL}/v1/certificates/${accepted.certHash}/qr.svg`,
    });
    expect(qrTextOfPng(await png(server, accepted.certHash, token))).to.equal(link.link);
    // The document comes back from IPFS (the outbox let go of the payload), decrypted with the kept key.
    const document = await fetch(`${server.url}/v1/certificates/${accepted.certHash}/document`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(certHashOf(new Uint8Array(await document.arrayBuffer()))).to.equal(accepted.certHash);

    const keyless = await call(server, `/v1/certificates/${accepted.certHash}/link`);
    expect(keyless.body).to.deep.equal({ certHash: accepted.certHash, link: `${PUBLIC_URL}/v/${accepted.certHash}`, qr: link.qr });
    expect(qrTextOfPng(await png(server, accepted.certHash))).to.equal(`${PUBLIC_URL}/v/${accepted.certHash}`);
    const svg = await fetch(`${server.url}/v1/certificates/${accepted.certHash}/qr.svg`);
    expect(svg.headers.get("content-type")).to.match(/^image\/svg\+xml/);
    expect(await svg.text()).to.match(/^<svg [^>]*viewBox/);
  });

  it("refuses the link and QR codes to another authority's issuer or party (403), and answers 404 and 400 for unknown and bad hashes", async function () {
    const server = await startServer({ anchoring: false });
    const { kzChamber } = server.world.authorities;
    const { certHash } = await submitPdf(server, "KG-LINK-2");
    for (const token of [await server.issuerToken(kzChamber.id), await server.adminToken("KZ")]) {
      expectProblem(await call(server, `/v1/certificates/${certHash}/link`, { token }), 403, "FORBIDDEN");
      expectProblem(await call(server, `/v1/certificates/${certHash}/qr.png`, { token }), 403, "FORBIDDEN");
      expectProblem(await call(server, `/v1/certificates/${certHash}/qr.svg`, { token }), 403, "FORBIDDEN");
    }
    const admin = await call(server, `/v1/certificates/${certHash}/link`, { token: await server.adminToken("KG") });
    expect(admin.body.linkKey).to.be.a("string");
    expectProblem(await call(server, `/v1/certificates/0x${"cd".repeat(32)}/link`), 404, "CERT_NOT_FOUND");
    expectProblem(await call(server, `/v1/certificates/0x${"cd".repeat(32)}/qr.png`), 404, "CERT_NOT_FOUND");
    expectProblem(await call(server, "/v1/certificates/not-a-hash/qr.svg"), 400, "INVALID_CERT_HASH");
    expectProblem(await call(server, `/v1/certificates/${certHash}/link`, { token: "Bearer.broken.token" }), 401, "INVALID_TOKEN");
  });

  it("lists the authority's certificates newest first with their status, filtered by anchoring, ledger status, type and number, page by page", async function () {
    const server = await startServer();
    const { kgBody, kgPlant } = server.world.authorities;
    const token = await server.issuerToken(kgBody.id);
    const a = await submitPdf(server, "KG-LIST-001");
    const b = await submitPdf(server, "KG-LIST-002");
    const report = await signedCredential("testReport", kgBody);
    const c = await call(server, "/v1/certificates", { method: "POST", token, json: { jws: report.jws } });
    expect(c.status).to.equal(202);
    const plant = await call(server, "/v1/certificates", {
      method: "POST",
      token: await server.issuerToken(kgPlant.id),
      body: form(
        { type: "phytosanitaryCertificate", number: "KG-LIST-900", validUntil: await validUntilInDays(9) },
        { bytes: pdfBytes("plant") },
      ),
    });
    expect(plant.status).to.equal(202);
    for (const hash of [a.certHash, b.certHash, report.certHash, plant.body.certHash as string])
      await eventually(async () => server.index.certificate(hash), `${hash} is indexed`);
    const revoked = await call(server, `/v1/certificates/${b.certHash}/revoke`, { method: "POST", token, json: { reason: "superseded" } });
    expect(revoked.status, revoked.text).to.equal(200);
    await eventually(async () => server.index.certificate(b.certHash)?.status === "Revoked", "the revocation is indexed");

    const list = async (query: string, as = token) => {
      const answer = await call(server, `/v1/certificates${query}`, { token: as });
      expect(answer.status, answer.text).to.equal(200);
      return consoleListing.parse(answer.body);
    };
    const all = await list("");
    expect(all.items.map((i) => [i.certHash, i.anchoring, i.status])).to.deep.equal([
      [report.certHash, "anchored", "Active"],
      [b.certHash, "anchored", "Revoked"],
      [a.certHash, "anchored", "Active"],
    ]);
    expect(all.nextCursor).to.equal(undefined);
    expect(all.items[0]).to.include({
      number: report.vc.credentialSubject.certificateNumber,
      certTypeName: "testReport",
      stamped: false,
      party: "KG",
    });
    expect(all.items[1]).to.include({ number: "KG-LIST-002", stamped: true });
    expect(all.items[1].revocation).to.include({ reasonName: "superseded" });
    expect(all.items[2].links).to.include({ qrPng: `${PUBLIC_URL}/v1/certificates/${a.certHash}/qr.png` });

    expect((await list("?status=revoked")).items.map((i) => i.certHash)).to.deep.equal([b.certHash]);
    expect((await list("?status=active&type=conformityCertificate")).items.map((i) => i.certHash)).to.deep.equal([a.certHash]);
    expect((await list("?anchoring=anchored&type=conformityCertificate")).items.map((i) => i.certHash)).to.deep.equal([
      b.certHash,
      a.certHash,
    ]);
    expect((await list("?anchoring=queued")).items).to.deep.equal([]);
    expect((await list("?number=kg-list-00")).items.map((i) => i.certHash)).to.deep.equal([b.certHash, a.certHash]);
    expect((await list("?number=KG-LIST-00&match=exact")).items).to.deep.equal([]);
    expect((await list("?number=KG-LIST-001&match=exact")).items.map((i) => i.certHash)).to.deep.equal([a.certHash]);

    const pageOne = await list("?limit=2");
    expect(pageOne.items.map((i) => i.certHash)).to.deep.equal([report.certHash, b.certHash]);
    const pageTwo = await list(`?limit=2&cursor=${pageOne.nextCursor}`);
    expect(pageTwo.items.map((i) => i.certHash)).to.deep.equal([a.certHash]);
    expect(pageTwo.nextCursor).to.equal(undefined);

    // A party admin sees every authority of its party; another party's admin none of them.
    expect((await list("", await server.adminToken("KG"))).items.map((i) => i.certHash)).to.deep.equal([
      plant.body.certHash,
      report.certHash,
      b.certHash,
      a.certHash,
    ]);
    expect((await list("", await server.adminToken("KZ"))).items).to.deep.equal([]);
  });

  it("shows a queued request, and refuses bad listing queries with 400", async function () {
    const server = await startServer({ anchoring: false });
    const token = await server.issuerToken(server.world.authorities.kgBody.id);
    const queued = await submitPdf(server, "KG-QUEUED-1");
    const listing = consoleListing.parse((await call(server, "/v1/certificates?anchoring=queued", { token })).body);
    expect(listing.items.map((i) => [i.certHash, i.anchoring, i.status, i.anchoredAt])).to.deep.equal([
      [queued.certHash, "queued", undefined, undefined],
    ]);
    expect(consoleListing.parse((await call(server, "/v1/certificates?status=active", { token })).body).items).to.deep.equal([]);
    expectProblem(await call(server, "/v1/certificates?cursor=abc", { token }), 400, "INVALID_REQUEST");
    // The pipeline's words were `status` before 0.2: a client still sending them is told where they went.
    const moved = expectProblem(await call(server, "/v1/certificates?status=queued", { token }), 400, "INVALID_REQUEST");
    expect(moved.detail).to.match(/query\.status: .*anchoring=queued/);
    expectProblem(await call(server, "/v1/certificates?anchoring=queued&status=active", { token }), 400, "INVALID_REQUEST");
    expectProblem(await call(server, "/v1/certificates?status=lost", { token }), 400, "INVALID_REQUEST");
    expectProblem(await call(server, "/v1/certificates?limit=0", { token }), 400, "INVALID_REQUEST");
    expectProblem(await call(server, "/v1/certificates?match=fuzzy&number=K", { token }), 400, "INVALID_REQUEST");
    expectProblem(await call(server, "/v1/certificates?offset=10", { token }), 400, "INVALID_REQUEST");
    expectProblem(await call(server, "/v1/certificates?number=K", { token: "x.y.z" }), 401, "INVALID_TOKEN");
  });
});
