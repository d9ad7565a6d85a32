/**
 * One shape for every answer about a certificate (issue #13, part 3): `anchoring` is where this server's request is and
 * `status` what the ledger says, both at the top level, in the same words everywhere; verification adds `verdict` there.
 * A client written against one answer reads the others the same way: this walks one certificate through all of them.
 */
import { expect } from "chai";
import { batchResult, certificateAccepted, certificateDetail, consoleListing, statusChange, verifyResponse } from "../../server/schemas";
import { API_VERSION } from "../../server/openapi";
import { expectProblem } from "./expect-problem";
import {
  call,
  eventually,
  form,
  pdfBytes,
  signedCredential,
  startServer,
  stopPayloadStore,
  stopServers,
  type Answer,
  type TestServer,
  validUntilInDays,
} from "./server-world";

/** The top-level words of an answer: what a client reads first. */
function words(answer: Answer): Record<string, unknown> {
  const { anchoring, status, verdict } = answer.body as Record<string, unknown>;
  return Object.fromEntries(Object.entries({ anchoring, status, verdict }).filter(([, value]) => value !== undefined));
}

async function detail(server: TestServer, certHash: string, token?: string) {
  const answer = await call(server, `/v1/certificates/${certHash}`, { token });
  expect(answer.status, answer.text).to.equal(200);
  certificateDetail.parse(answer.body);
  return answer;
}

describe("API: one shape for every certificate answer (anchoring, status, verdict at the top)", function () {
  this.timeout(120_000);
  afterEach(stopServers);
  after(stopPayloadStore);

  it("a certificate's submit, detail, console, status change and verification answers say anchoring and status alike", async function () {
    const server = await startServer();
    const { kgBody } = server.world.authorities;
    const token = await server.issuerToken(kgBody.id);
    const validUntil = await validUntilInDays(90);
    const submit = async () =>
      call(server, "/v1/certificates", {
        method: "POST",
        token,
        headers: { "idempotency-key": "shape-1" },
        body: form({ type: "conformityCertificate", number: "KG-SHAPE-1", validUntil }, { bytes: pdfBytes("shape") }),
      });
    const submitted = await submit();
    expect(submitted.status, submitted.text).to.equal(202);
    const { certHash } = certificateAccepted.parse(submitted.body);
    // Accepted: queued here, nothing on the ledger yet (not a `status` meaning the queue, as before 0.2.0).
    expect(words(submitted)).to.deep.equal({ anchoring: "queued" });

    const anchored = await eventually(async () => {
      const answer = await detail(server, certHash);
      // The chain answers first; the console reads the index, which follows it a poll behind.
      return answer.body.anchoring === "anchored" && answer.body.certificate !== undefined ? answer : undefined;
    }, "anchored and indexed");
    expect(words(anchored)).to.deep.equal({ anchoring: "anchored", status: "Active" });
    // The nested request says its state in the same word; nothing says the pipeline's state as `status`.
    expect(anchored.body.request).to.include({ anchoring: "anchored" }).and.not.have.property("status");

    const listed = consoleListing.parse((await call(server, "/v1/certificates", { token })).body).items;
    expect(listed.map((i) => [i.certHash, i.anchoring, i.status])).to.deep.equal([[certHash, "anchored", "Active"]]);

    const verified = await call(server, `/v1/verify/${certHash}`);
    expect(verifyResponse.parse(verified.body)).to.include({ certHash, verdict: "VALID", status: "Active" });
    expect(words(verified)).to.deep.equal({ status: "Active", verdict: "VALID" });

    const suspended = await call(server, `/v1/certificates/${certHash}/suspend`, { method: "POST", token });
    expect(statusChange.parse(suspended.body)).to.include({ certHash, status: "Suspended" });
    await eventually(async () => (await detail(server, certHash)).body.status === "Suspended", "the suspension is read");
    expect(words(await detail(server, certHash))).to.deep.equal({ anchoring: "anchored", status: "Suspended" });
    expect(words(await call(server, `/v1/verify/${certHash}`))).to.deep.equal({ status: "Suspended", verdict: "SUSPENDED" });
    await eventually(
      async () => consoleListing.parse((await call(server, "/v1/certificates?status=suspended", { token })).body).items.length === 1,
      "the console filters by the ledger's status",
    );

    // Repeated, the request answers its first outcome: anchored here, and the ledger's status with it.
    const again = await submit();
    expect(again.headers.get("idempotent-replayed"), again.text).to.equal("true");
    expect(words(again)).to.deep.equal({ anchoring: "anchored", status: "Suspended" });
  });

  it("an unknown certificate verifies NOT_FOUND with the verdict at the top and no status; batch items carry httpStatus", async function () {
    const server = await startServer({ anchoring: false });
    const unknown = await call(server, `/v1/verify/0x${"ab".repeat(32)}`);
    expect(words(unknown)).to.deep.equal({ verdict: "NOT_FOUND" });

    const { kgBody } = server.world.authorities;
    const { jws } = await signedCredential("conformityCertificate", kgBody);
    const batch = await call(server, "/v1/certificates/batch", {
      method: "POST",
      token: await server.issuerToken(kgBody.id),
      json: { items: [{ jws }, { jws: "not a jws" }] },
    });
    const results = batchResult.parse(batch.body).results;
    expect(results.map((r) => [r.httpStatus, r.certificate?.anchoring, r.problem?.status])).to.deep.equal([
      [202, "queued", undefined],
      [400, undefined, 400],
    ]);
    expect(results[0]).not.to.have.property("status");
  });

  it("the OpenAPI document names the shape, its version and the compatibility note; the old filter is refused by name", async function () {
    const server = await startServer({ anchoring: false });
    const document = (await call(server, "/openapi.json")).body as {
      info: { version: string; description: string };
      components: { schemas: Record<string, { properties: Record<string, unknown>; required?: string[] }> };
    };
    expect(document.info.version).to.equal(API_VERSION);
    expect(document.info.description)
      .to.match(/`anchoring`.*`status`/s)
      .and.match(/Compatibility: before 0\.2\.0/);
    const { schemas } = document.components;
    for (const name of ["CertificateAccepted", "CertificateDetail", "ConsoleCertificate", "VerifyResponse", "StatusChange"])
      expect(schemas[name].properties, name).to.have.property("status");
    for (const name of ["CertificateAccepted", "CertificateDetail", "ConsoleCertificate", "AnchorRequest"])
      expect(schemas[name].properties, name).to.have.property("anchoring");
    expect(schemas.CertificateAccepted.required).to.include("anchoring").and.not.include("status");
    expect(schemas.AnchorRequest.properties).not.to.have.property("status");

    const token = await server.issuerToken(server.world.authorities.kgBody.id);
    const refused = expectProblem(await call(server, "/v1/certificates?status=submitted", { token }), 400, "INVALID_REQUEST");
    expect(refused.detail).to.include("anchoring=");
  });
});
