import { expect } from "chai";
import { ethers } from "hardhat";
import { certHashOf, certificateNumberHash } from "../../src/documents/hashing";
import { decryptWithLinkKey } from "../../src/crypto/payload-encryption";
import { certificateAccepted, certificateDetail, certificateListing, numberLookup, batchResult } from "../../server/schemas";
import { expectNoServerError, expectProblem } from "./expect-problem";
import {
  call,
  eventually,
  form,
  pdfBytes,
  signedCredential,
  startServer,
  stopPayloadStore,
  stopServers,
  PUBLIC_URL,
  type TestServer,
  validUntilInDays,
} from "./server-world";

/** What a bad request must leave alone: no transaction mined, nothing added to the outbox. */
async function storedState(server: TestServer) {
  return {
    block: await ethers.provider.getBlockNumber(),
    counts: server.outbox.counts(),
    requests: server.outbox.list({ limit: 1000 }).map((r) => `${r.certHash}:${r.status}`),
  };
}

async function anchored(server: TestServer, certHash: string) {
  return eventually(async () => {
    const answer = await call(server, `/v1/certificates/${certHash}`);
    const body = answer.body as { anchoring?: string; certificate?: unknown };
    return answer.status === 200 && body.anchoring === "anchored" && body.certificate ? answer : undefined;
  }, `certificate ${certHash} is anchored and indexed`);
}

describe("API: certificates", function () {
  this.timeout(120_000);
  afterEach(stopServers);
  after(stopPayloadStore);

  describe("POST /v1/certificates", function () {
    it("an issuer's credential is accepted with 202, its link key returned once and in the verification link, then anchored", async function () {
      const server = await startServer();
      const { kgBody } = server.world.authorities;
      const { vc } = await signedCredential("conformityCertificate", kgBody);
      const answer = await call(server, "/v1/certificates", {
        method: "POST",
        token: await server.issuerToken(kgBody.id),
        json: { credential: vc },
      });
      expect(answer.status, answer.text).to.equal(202);
      const accepted = certificateAccepted.parse(answer.body);
      expect(accepted.anchoring).to.equal("queued");
      expect(accepted).not.to.have.property("status");
      expect(accepted.linkKey).to.be.a("string");
      expect(accepted.links.verify).to.equal(`${PUBLIC_URL}/v/${accepted.certHash}#k=${accepted.linkKey}`);
      expect(accepted.links.self).to.equal(`${PUBLIC_URL}/v1/certificates/${accepted.certHash}`);
      expect(answer.headers.get("location")).to.equal(accepted.links.self);

      const detail = certificateDetail.parse((await anchored(server, accepted.certHash)).body);
      expect(detail).to.include({ anchoring: "anchored", status: "Active" });
      expect(detail.certificate).to.include({ authorityId: kgBody.id, certType: 1, status: "Active", numberHash: accepted.numberHash });
      expect(detail.history.map((h) => h.event)).to.include("CertificateAnchored");
      expect(JSON.stringify(detail)).not.to.include(accepted.linkKey!);
      // The payload on IPFS opens with the link key, and holds the credential the server signed.
      const payload = await fetch(`${server.url}/v1/payloads/${detail.certificate!.payloadCid}`);
      expect(payload.status).to.equal(200);
      const jws = new TextDecoder().decode(await decryptWithLinkKey(new Uint8Array(await payload.arrayBuffer()), accepted.linkKey!));
      expect(certHashOf(jws)).to.equal(accepted.certHash);
    });

    it("a signed JWS sent twice with the same Idempotency-Key gives the same certificate, the second time without a link key", async function () {
      const server = await startServer();
      const { kgBody } = server.world.authorities;
      const { jws, certHash } = await signedCredential("testReport", kgBody);
      const token = await server.issuerToken(kgBody.id);
      const headers = { "idempotency-key": "order-42" };
      const first = await call(server, "/v1/certificates", { method: "POST", token, headers, json: { jws } });
      const again = await call(server, "/v1/certificates", { method: "POST", token, headers, json: { jws } });
      expect(first.status).to.equal(202);
      expect(again.status).to.equal(202);
      expect(first.body.certHash).to.equal(certHash);
      expect(again.body.certHash).to.equal(certHash);
      expect(first.body.linkKey).to.be.a("string");
      expect(again.body).not.to.have.property("linkKey");
      expect(again.headers.get("idempotent-replayed")).to.equal("true");
      expect(server.outbox.list({ limit: 10 })).to.have.length(1);
    });

    it("a PDF uploaded as multipart/form-data is accepted and anchored by its SHA-256", async function () {
      const server = await startServer();
      const { kgBody } = server.world.authorities;
      const pdf = pdfBytes("conformity certificate, multipart");
      // stamp=false: anchored as it is (stamping has its own tests in documents.test.ts).
      const fields = { type: "conformityCertificate", number: "KG-PDF-0001", validUntil: await validUntilInDays(90), stamp: "false" };
      const answer = await call(server, "/v1/certificates", {
        method: "POST",
        token: await server.issuerToken(kgBody.id),
        body: form(fields, { bytes: pdf }),
      });
      expect(answer.status, answer.text).to.equal(202);
      expect(answer.body.certHash).to.equal(certHashOf(pdf));
      expect(answer.body.numberHash).to.equal(certificateNumberHash("KG", "KG-PDF-0001"));
      await anchored(server, certHashOf(pdf));
    });

    it("a party admin's token cannot anchor (403 FORBIDDEN)", async function () {
      const server = await startServer();
      const { vc } = await signedCredential("conformityCertificate", server.world.authorities.kgBody);
      const answer = await call(server, "/v1/certificates", {
        method: "POST",
        token: await server.adminToken("KG"),
        json: { credential: vc },
      });
      expectProblem(answer, 403, "FORBIDDEN");
    });
  });

  describe("POST /v1/certificates: bad inputs never give a 5xx and never change stored data", function () {
    let server: TestServer;
    let token: string;
    beforeEach(async function () {
      server = await startServer({ env: { MAX_FILE_BYTES: "4096" } });
      token = await server.issuerToken(server.world.authorities.kgBody.id);
    });

    const cases: [string, () => Promise<RequestInit>, number, string][] = [
      [
        "malformed JSON",
        async () => ({ headers: { "content-type": "application/json" }, body: '{"credential": {' }),
        400,
        "MALFORMED_JSON",
      ],
      ["a wrong content type", async () => ({ headers: { "content-type": "text/plain" }, body: "hello" }), 415, "UNSUPPORTED_CONTENT_TYPE"],
      ["no body at all", async () => ({}), 415, "UNSUPPORTED_CONTENT_TYPE"],
      [
        "JSON that is not an object",
        async () => ({ headers: { "content-type": "application/json" }, body: "[1,2]" }),
        400,
        "INVALID_REQUEST",
      ],
      [
        "both credential and jws",
        async () => ({ headers: { "content-type": "application/json" }, body: '{"credential":{},"jws":"a.b.c"}' }),
        400,
        "INVALID_REQUEST",
      ],
      [
        "an unknown member",
        async () => ({ headers: { "content-type": "application/json" }, body: '{"jwt":"a.b.c"}' }),
        400,
        "INVALID_REQUEST",
      ],
      [
        "a credential that is not one",
        async () => ({ headers: { "content-type": "application/json" }, body: '{"credential":{"type":["X"]}}' }),
        400,
        "INVALID_CREDENTIAL",
      ],
      [
        "a JWS that is not one",
        async () => ({ headers: { "content-type": "application/json" }, body: '{"jws":"not-a-jws"}' }),
        400,
        "INVALID_CREDENTIAL",
      ],
      [
        "a recipient that is not a party code",
        async () => ({ headers: { "content-type": "application/json" }, body: '{"jws":"a.b.c","recipients":["kz"]}' }),
        400,
        "INVALID_PARTY_CODE",
      ],
      [
        "a form without its file",
        async () => ({ body: form({ type: "conformityCertificate", number: "N-1", validUntil: await validUntilInDays(9) }) }),
        400,
        "INVALID_REQUEST",
      ],
      [
        "an oversized file",
        async () => ({
          body: form({ type: "1", number: "N-2", validUntil: await validUntilInDays(9) }, { bytes: pdfBytes("x".repeat(5000)) }),
        }),
        413,
        "FILE_TOO_LARGE",
      ],
      [
        "an empty file",
        async () => ({ body: form({ type: "1", number: "N-3", validUntil: await validUntilInDays(9) }, { bytes: new Uint8Array(0) }) }),
        400,
        "EMPTY_FILE",
      ],
      [
        "a file that is not a certificate document",
        async () => ({
          body: form(
            { type: "1", number: "N-4", validUntil: await validUntilInDays(9) },
            { bytes: new Uint8Array([0x50, 0x4b, 3, 4, 9, 9]), type: "application/octet-stream" },
          ),
        }),
        415,
        "UNSUPPORTED_MEDIA_TYPE",
      ],
      [
        "a file declared as something else than its bytes",
        async () => ({
          body: form({ type: "1", number: "N-5", validUntil: await validUntilInDays(9) }, { bytes: pdfBytes("pdf"), type: "image/png" }),
        }),
        415,
        "MEDIA_TYPE_MISMATCH",
      ],
      [
        "two files",
        async () => {
          const data = form({ type: "1", number: "N-6", validUntil: await validUntilInDays(9) }, { bytes: pdfBytes("one") });
          data.append("file", new Blob([pdfBytes("two")], { type: "application/pdf" }), "two.pdf");
          return { body: data };
        },
        400,
        "MALFORMED_MULTIPART",
      ],
      [
        "a type that does not exist",
        async () => ({ body: form({ type: "passport", number: "N-7", validUntil: await validUntilInDays(9) }, { bytes: pdfBytes("t") }) }),
        400,
        "INVALID_CERTIFICATE_TYPE",
      ],
      [
        "a type out of the authority's scope",
        async () => ({
          body: form(
            { type: "phytosanitaryCertificate", number: "N-8", validUntil: await validUntilInDays(9) },
            { bytes: pdfBytes("scope") },
          ),
        }),
        422,
        "AUTHORITY_NOT_IN_SCOPE",
      ],
      [
        "a validUntil that is not a time",
        async () => ({ body: form({ type: "1", number: "N-9", validUntil: "next year" }, { bytes: pdfBytes("t") }) }),
        400,
        "INVALID_REQUEST",
      ],
      [
        "a validUntil in the past",
        async () => ({ body: form({ type: "1", number: "N-10", validUntil: "2001-01-01T00:00:00Z" }, { bytes: pdfBytes("past") }) }),
        422,
        "INVALID_CERTIFICATE_VALIDITY",
      ],
      [
        "a truncated multipart body",
        async () => ({
          headers: { "content-type": "multipart/form-data; boundary=XYZ" },
          body: '--XYZ\r\nContent-Disposition: form-data; name="type"\r\n\r\n1\r\n--XYZ\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n',
        }),
        400,
        "MALFORMED_MULTIPART",
      ],
      [
        "a JSON body over the size limit",
        async () => ({ headers: { "content-type": "application/json" }, body: JSON.stringify({ jws: "a".repeat(1_200_000) }) }),
        413,
        "REQUEST_TOO_LARGE",
      ],
    ];

    for (const [what, request, status, code] of cases) {
      it(`${what} is refused with ${status} ${code}`, async function () {
        const before = await storedState(server);
        const answer = await call(server, "/v1/certificates", { method: "POST", token, ...(await request()) });
        expectNoServerError(answer);
        expectProblem(answer, status, code);
        expect(await storedState(server)).to.deep.equal(before);
      });
    }

    it("a credential naming another authority as its issuer is refused (403 ISSUER_MISMATCH)", async function () {
      const { vc } = await signedCredential("phytosanitaryCertificate", server.world.authorities.kgPlant);
      const before = await storedState(server);
      expectProblem(await call(server, "/v1/certificates", { method: "POST", token, json: { credential: vc } }), 403, "ISSUER_MISMATCH");
      expect(await storedState(server)).to.deep.equal(before);
    });
  });

  describe("POST /v1/certificates/batch", function () {
    it("accepts each good item and gives each bad one its own problem, in order", async function () {
      const server = await startServer();
      const { kgBody } = server.world.authorities;
      const one = await signedCredential("conformityCertificate", kgBody);
      const two = await signedCredential("testReport", kgBody);
      const pdf = pdfBytes("batch item file");
      const items = [
        { jws: one.jws },
        { jws: "broken" },
        { credential: two.vc },
        {
          file: {
            base64: Buffer.from(pdf).toString("base64"),
            type: 1,
            number: "KG-B-1",
            validUntil: await validUntilInDays(30),
            stamp: false,
          },
        },
        {
          file: {
            base64: Buffer.from(pdfBytes("scope")).toString("base64"),
            type: 4,
            number: "KG-B-2",
            validUntil: await validUntilInDays(30),
          },
        },
        { nonsense: true },
      ];
      const answer = await call(server, "/v1/certificates/batch", {
        method: "POST",
        token: await server.issuerToken(kgBody.id),
        json: { items },
      });
      expect(answer.status, answer.text).to.equal(200);
      const result = batchResult.parse(answer.body);
      expect(result.results.map((r) => [r.index, r.httpStatus, r.problem?.code])).to.deep.equal([
        [0, 202, undefined],
        [1, 400, "INVALID_CREDENTIAL"],
        [2, 202, undefined],
        [3, 202, undefined],
        [4, 422, "AUTHORITY_NOT_IN_SCOPE"],
        [5, 400, "INVALID_REQUEST"],
      ]);
      expect(result).to.include({ accepted: 3, refused: 3 });
      expect(result.results[0].certificate?.certHash).to.equal(one.certHash);
      expect(result.results[3].certificate?.certHash).to.equal(certHashOf(pdf));
      expect(result.results[5].problem?.detail).to.match(/body\.items\.5/);
      await anchored(server, one.certHash);
    });

    it("refuses more items than MAX_BATCH_REQUEST (413) without accepting any", async function () {
      const server = await startServer({ env: { MAX_BATCH_REQUEST: "2" } });
      const { kgBody } = server.world.authorities;
      const items = await Promise.all([1, 2, 3].map(async () => ({ jws: (await signedCredential("testReport", kgBody)).jws })));
      const before = await storedState(server);
      const answer = await call(server, "/v1/certificates/batch", {
        method: "POST",
        token: await server.issuerToken(kgBody.id),
        json: { items },
      });
      expectProblem(answer, 413, "REQUEST_TOO_LARGE");
      expect(await storedState(server)).to.deep.equal(before);
    });
  });

  describe("GET /v1/certificates/{certHash}", function () {
    it("a hash that is not 64 hex digits is refused (400 INVALID_CERT_HASH)", async function () {
      const server = await startServer();
      for (const bad of ["abc", "0x" + "g".repeat(64), "1".repeat(63), "1".repeat(65)]) {
        expectProblem(await call(server, `/v1/certificates/${bad}`), 400, "INVALID_CERT_HASH");
      }
    });

    it("an unknown certificate is 404 CERT_NOT_FOUND", async function () {
      const server = await startServer();
      expectProblem(await call(server, `/v1/certificates/${"ab".repeat(32)}`), 404, "CERT_NOT_FOUND");
    });

    it("shows why an anchoring request failed to its issuer only", async function () {
      const server = await startServer({ anchoring: false });
      const { kgBody } = server.world.authorities;
      const token = await server.issuerToken(kgBody.id);
      const { jws, certHash } = await signedCredential("conformityCertificate", kgBody);
      expect((await call(server, "/v1/certificates", { method: "POST", token, json: { jws } })).status).to.equal(202);
      // The authority is suspended after the request was accepted: the ledger refuses the anchor.
      await server.world.client.withSigner(server.world.kgAdmin).suspendAuthority(kgBody.id);
      server.batcher.start();
      const failed = await eventually(async () => {
        const answer = await call(server, `/v1/certificates/${certHash}`, { token });
        return answer.body.anchoring === "failed" ? answer : undefined;
      }, "the request failed");
      expect((failed.body.request as { error: string }).error).to.match(/^AUTHORITY_NOT_ACTIVE: /);
      const asPublic = await call(server, `/v1/certificates/${certHash}`);
      expect(asPublic.body).to.include({ anchoring: "failed" });
      expect(asPublic.body).not.to.have.property("status");
      expect(asPublic.body.request).to.include({ anchoring: "failed" });
      expect(asPublic.body.request).not.to.have.property("error");
      const listing = await call(server, `/v1/certificates?authority=${kgBody.id}&anchoring=failed`, { token });
      expect((listing.body.items as { certHash: string; error: string }[]).map((i) => [i.certHash, i.error.split(":")[0]])).to.deep.equal([
        [certHash, "AUTHORITY_NOT_ACTIVE"],
      ]);
    });
  });

  describe("GET /v1/certificates", function () {
    it("finds certificates by number and issuing party, and lists an authority's for its console", async function () {
      const server = await startServer();
      const { kgBody } = server.world.authorities;
      const token = await server.issuerToken(kgBody.id);
      const { vc, certHash } = await signedCredential("conformityCertificate", kgBody);
      const { jws } = await signedCredential("testReport", kgBody);
      const submitted = await call(server, "/v1/certificates", { method: "POST", token, json: { jws } });
      await anchored(server, submitted.body.certHash as string);
      const direct = await call(server, "/v1/certificates", { method: "POST", token, json: { credential: vc } });
      await anchored(server, direct.body.certHash as string);

      const number = encodeURIComponent(vc.credentialSubject.certificateNumber);
      const lookup = await call(server, `/v1/certificates?number=${number}&party=KG`);
      expect(lookup.status, lookup.text).to.equal(200);
      const found = numberLookup.parse(lookup.body);
      expect(found.certificates.map((c) => c.certHash)).to.deep.equal([direct.body.certHash]);
      expect(direct.body.certHash).not.to.equal(certHash); // the server signed it anew

      const listing = certificateListing.parse(
        (await call(server, `/v1/certificates?authority=${kgBody.id}&status=active`, { token })).body,
      );
      expect(listing.total).to.equal(2);
      expect(listing.items.map((i) => i.certHash).sort()).to.deep.equal([direct.body.certHash, submitted.body.certHash].sort());
      const byType = certificateListing.parse(
        (await call(server, `/v1/certificates?authority=${kgBody.id}&type=testReport`, { token })).body,
      );
      expect(byType.items.map((i) => i.certHash)).to.deep.equal([submitted.body.certHash]);
      const byAdmin = await call(server, `/v1/certificates?authority=${kgBody.id}`, { token: await server.adminToken("KG") });
      expect(byAdmin.status).to.equal(200);
    });

    it("an authority's listing needs its own issuer token or its party's admin", async function () {
      const server = await startServer();
      const { kgBody, kzChamber } = server.world.authorities;
      expectProblem(await call(server, `/v1/certificates?authority=${kgBody.id}`), 401, "UNAUTHENTICATED");
      expectProblem(
        await call(server, `/v1/certificates?authority=${kgBody.id}`, { token: await server.issuerToken(kzChamber.id) }),
        403,
        "FORBIDDEN",
      );
      expectProblem(
        await call(server, `/v1/certificates?authority=${kgBody.id}`, { token: await server.adminToken("KZ") }),
        403,
        "FORBIDDEN",
      );
    });

    it("refuses a lookup without its party or with a bad party (400), and the console's listing without a token (401)", async function () {
      const server = await startServer();
      expectProblem(await call(server, "/v1/certificates?number=KG-1"), 400, "INVALID_REQUEST");
      expectProblem(await call(server, "/v1/certificates?number=KG-1&party=kg"), 400, "INVALID_PARTY_CODE");
      expectProblem(await call(server, "/v1/certificates"), 401, "UNAUTHENTICATED");
      expectProblem(await call(server, "/v1/certificates?number=a&number=b&party=KG"), 400, "INVALID_CERTIFICATE_NUMBER");
    });
  });
});
