import { expect } from "chai";
import { verifyReceipt, type VerificationReport } from "../../src/verify";
import { proofBundle, verifyResponse } from "../../server/schemas";
import { expectNoServerError, expectProblem } from "./expect-problem";
import {
  call,
  form,
  issueCredential,
  issueFile,
  pdfBytes,
  startServer,
  stopPayloadStore,
  stopServers,
  type TestServer,
} from "./server-world";

async function verify(server: TestServer, json: unknown): Promise<VerificationReport> {
  const answer = await call(server, "/v1/verify", { method: "POST", json });
  expect(answer.status, answer.text).to.equal(200);
  return verifyResponse.parse(answer.body).report;
}

describe("API: verification", function () {
  this.timeout(120_000);
  afterEach(stopServers);
  after(stopPayloadStore);

  it("verifies by hash (GET and POST), by number and party, and by credential, for a party's recognition", async function () {
    const server = await startServer();
    const issued = await issueCredential(server.world, "conformityCertificate");
    const byGet = await call(server, `/v1/verify/${issued.certHash}?forParty=KZ`);
    expect(byGet.status, byGet.text).to.equal(200);
    const report = verifyResponse.parse(byGet.body).report;
    expect(report.verdict).to.equal("VALID");
    expect(report.forParty).to.equal("KZ");
    expect(report.checks.find((c) => c.id === "recognition")?.result).to.equal("pass");
    expect(byGet.body).not.to.have.property("receipt");

    expect((await verify(server, { certHash: issued.certHash })).verdict).to.equal("VALID");
    expect((await verify(server, { number: issued.vc.credentialSubject.certificateNumber, party: "KG" })).certHash).to.equal(
      issued.certHash,
    );
    const byJws = await verify(server, { jws: issued.jws, forParty: "UZ" });
    expect(byJws.verdict).to.equal("NOT_RECOGNISED");
    expect(byJws.checks.find((c) => c.id === "integrity")?.result).to.equal("pass");
  });

  it("answers JSON with its type and its length in bytes, and a HEAD with the GET's length and no body", async function () {
    const server = await startServer();
    const issued = await issueCredential(server.world, "conformityCertificate");
    const get = await call(server, `/v1/verify/${issued.certHash}`);
    expect(get.status, get.text).to.equal(200);
    expect(get.contentType).to.equal("application/json; charset=utf-8");
    expect(Number(get.headers.get("content-length"))).to.equal(Buffer.byteLength(get.text));
    expect(get.body).to.deep.equal(JSON.parse(get.text));
    const head = await call(server, `/v1/verify/${issued.certHash}`, { method: "HEAD" });
    expect(head.status).to.equal(200);
    expect(head.text).to.equal("");
    expect(Number(head.headers.get("content-length"))).to.equal(Buffer.byteLength(get.text));
  });

  it("verifies a file uploaded as multipart/form-data, and calls an altered copy TAMPERED", async function () {
    const server = await startServer();
    const pdf = pdfBytes("phytosanitary certificate by file");
    const issued = await issueFile(server.world, pdf);
    const answer = await call(server, "/v1/verify", { method: "POST", body: form({ forParty: "KG" }, { bytes: pdf }) });
    expect(answer.status, answer.text).to.equal(200);
    expect(verifyResponse.parse(answer.body).report).to.include({ verdict: "VALID", certHash: issued.certHash });

    const altered = pdfBytes("phytosanitary certificate by file, altered");
    const tampered = await call(server, "/v1/verify", {
      method: "POST",
      body: form({ expectedCertHash: issued.certHash }, { bytes: altered }),
    });
    expect((tampered.body.report as VerificationReport).verdict).to.equal("TAMPERED");
  });

  it("gives the proof bundle of a certificate, and verifies that bundle", async function () {
    const server = await startServer();
    const issued = await issueCredential(server.world, "testReport");
    const answer = await call(server, `/v1/certificates/${issued.certHash}/bundle`);
    expect(answer.status, answer.text).to.equal(200);
    const bundle = proofBundle.parse(answer.body);
    expect(bundle).to.include({ certHash: issued.certHash, chainId: 31337 });
    expect(answer.headers.get("content-disposition")).to.include(".bundle.json");
    expect((await verify(server, { bundle })).verdict).to.equal("VALID");
    expectProblem(await call(server, `/v1/certificates/${"ef".repeat(32)}/bundle`), 404, "CERT_NOT_FOUND");
  });

  it("signs a receipt with the key it publishes, when asked", async function () {
    const server = await startServer();
    const issued = await issueCredential(server.world, "certificateOfOrigin");
    const answer = await call(server, "/v1/verify", { method: "POST", json: { certHash: issued.certHash, receipt: true } });
    const { report, receipt } = verifyResponse.parse(answer.body);
    const jwks = await call(server, "/.well-known/jwks.json");
    const [key] = jwks.body.keys as { kid: string; d?: string }[];
    expect(key).not.to.have.property("d");
    const checked = await verifyReceipt(receipt!, { trustedKids: [key.kid] });
    expect(checked.report).to.deep.equal(report);
    const byGet = await call(server, `/v1/verify/${issued.certHash}?receipt=true`);
    expect((await verifyReceipt(byGet.body.receipt as string, { trustedKids: [key.kid] })).report.verdict).to.equal("VALID");
  });

  it("an unknown certificate is an answer, NOT_FOUND, not an error", async function () {
    const server = await startServer();
    expect((await verify(server, { certHash: "0x" + "12".repeat(32) })).verdict).to.equal("NOT_FOUND");
    expect((await verify(server, { number: "NO-SUCH-NUMBER", party: "KG" })).verdict).to.equal("NOT_FOUND");
  });

  it("answers from the chain index by default, from the node with ?source=chain: the same report, naming its source and block", async function () {
    const server = await startServer();
    const issued = await issueCredential(server.world, "conformityCertificate");
    const fromIndex = verifyResponse.parse((await call(server, `/v1/verify/${issued.certHash}`)).body).report;
    const fromChain = verifyResponse.parse((await call(server, `/v1/verify/${issued.certHash}?source=chain`)).body).report;
    const byPost = await verify(server, { certHash: issued.certHash, source: "chain" });
    expect([fromIndex.chain.source, fromChain.chain.source, byPost.chain.source]).to.deep.equal(["index", "chain", "chain"]);
    const same = ({ verifiedAt: _at, chain: { source: _source, ...chain }, ...rest }: VerificationReport) => ({ ...rest, chain });
    expect(same(fromIndex)).to.deep.equal(same(fromChain));
    const refused = await call(server, `/v1/verify/${issued.certHash}?source=cache`);
    expectProblem(refused, 400, "INVALID_REQUEST");
    expect(refused.text).to.include("source");
  });

  it("refuses bad verification requests with 4xx problems", async function () {
    const server = await startServer({ env: { MAX_FILE_BYTES: "2048" } });
    const issued = await issueCredential(server.world, "conformityCertificate");
    const bundle = (await call(server, `/v1/certificates/${issued.certHash}/bundle`)).body;
    const cases = [
      [await call(server, "/v1/verify", { method: "POST", json: {} }), 400, "INVALID_REQUEST"],
      [await call(server, "/v1/verify", { method: "POST", json: { certHash: "0x12" } }), 400, "INVALID_CERT_HASH"],
      [await call(server, "/v1/verify", { method: "POST", json: { certHash: issued.certHash, jws: issued.jws } }), 400, "INVALID_REQUEST"],
      [await call(server, "/v1/verify", { method: "POST", json: { number: "KG-1" } }), 400, "INVALID_REQUEST"],
      [await call(server, "/v1/verify", { method: "POST", json: { number: "KG-1", party: "Kyrgyzstan" } }), 400, "INVALID_PARTY_CODE"],
      [await call(server, "/v1/verify", { method: "POST", json: { jws: "x.y.z" } }), 400, "INVALID_CREDENTIAL"],
      [await call(server, "/v1/verify", { method: "POST", json: { bundle: { format: "nope" } } }), 400, "INVALID_BUNDLE"],
      [await call(server, "/v1/verify", { method: "POST", json: { bundle: { ...bundle, chainId: 1 } } }), 400, "INVALID_BUNDLE"],
      [
        await call(server, "/v1/verify", { method: "POST", json: { certHash: issued.certHash, asOf: "yesterday" } }),
        400,
        "INVALID_REQUEST",
      ],
      [await call(server, "/v1/verify", { method: "POST", json: { certHash: issued.certHash, receipt: "yes" } }), 400, "INVALID_REQUEST"],
      [
        await call(server, "/v1/verify", { method: "POST", headers: { "content-type": "application/json" }, body: "{" }),
        400,
        "MALFORMED_JSON",
      ],
      [
        await call(server, "/v1/verify", { method: "POST", headers: { "content-type": "text/plain" }, body: issued.certHash }),
        415,
        "UNSUPPORTED_CONTENT_TYPE",
      ],
      [await call(server, "/v1/verify", { method: "POST", body: form({ forParty: "KZ" }) }), 400, "INVALID_REQUEST"],
      [await call(server, "/v1/verify", { method: "POST", body: form({}, { bytes: pdfBytes("y".repeat(3000)) }) }), 413, "FILE_TOO_LARGE"],
      [
        await call(server, "/v1/verify", { method: "POST", body: form({}, { bytes: new TextEncoder().encode("plain text") }) }),
        415,
        "UNSUPPORTED_MEDIA_TYPE",
      ],
      [
        await call(server, "/v1/verify", { method: "POST", body: form({ receipt: "maybe" }, { bytes: pdfBytes("r") }) }),
        400,
        "INVALID_REQUEST",
      ],
      [await call(server, "/v1/verify/not-a-hash"), 400, "INVALID_CERT_HASH"],
      [await call(server, `/v1/verify/${issued.certHash}?forParty=kz`), 400, "INVALID_PARTY_CODE"],
      [await call(server, `/v1/verify/${issued.certHash}?colour=red`), 400, "INVALID_REQUEST"],
    ] as const;
    for (const [answer, status, code] of cases) {
      expectNoServerError(answer);
      expectProblem(answer, status, code);
    }
  });

  it("serves an encrypted payload by its CID, and refuses a malformed CID", async function () {
    const server = await startServer();
    const issued = await issueCredential(server.world, "conformityCertificate");
    const answer = await fetch(`${server.url}/v1/payloads/${issued.cid}`);
    expect(answer.status).to.equal(200);
    expect(answer.headers.get("content-type")).to.match(/^application\/jose\+json/);
    expect(answer.headers.get("cache-control")).to.include("immutable");
    expect(new Uint8Array(await answer.arrayBuffer())).to.deep.equal(await server.deps.payloads.get(issued.cid));
    expectProblem(await call(server, "/v1/payloads/QmNotACidV1ButLongEnough"), 400, "INVALID_CID");
    expectProblem(await call(server, "/v1/payloads/bafy!"), 400, "INVALID_CID");
  });
});
