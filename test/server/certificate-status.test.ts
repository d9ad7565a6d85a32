import { expect } from "chai";
import { ethers } from "hardhat";
import { statusChange } from "../../server/schemas";
import { expectNoServerError, expectProblem } from "./expect-problem";
import {
  call,
  eventually,
  issueCredential,
  signedCredential,
  startServer,
  stopPayloadStore,
  stopServers,
  type TestServer,
} from "./server-world";

/** The ledger's view of a certificate and the chain's height: what a refused change must leave as it was. */
async function ledgerState(server: TestServer, certHash: string) {
  return { block: await ethers.provider.getBlockNumber(), record: await server.world.client.getCertificate(certHash) };
}

async function verdictOf(server: TestServer, certHash: string): Promise<string> {
  const answer = await call(server, `/v1/verify/${certHash}`);
  return (answer.body.report as { verdict: string }).verdict;
}

describe("API: certificate status", function () {
  this.timeout(120_000);
  afterEach(stopServers);
  after(stopPayloadStore);

  it("the issuing authority suspends, reinstates and revokes its certificate, and verification follows", async function () {
    const server = await startServer();
    const issued = await issueCredential(server.world, "conformityCertificate");
    const replacement = await issueCredential(server.world, "conformityCertificate");
    const token = await server.issuerToken(issued.authority.id);

    const suspended = await call(server, `/v1/certificates/${issued.certHash}/suspend`, { method: "POST", token });
    expect(suspended.status, suspended.text).to.equal(200);
    expect(statusChange.parse(suspended.body)).to.include({ certHash: issued.certHash, status: "Suspended", action: "suspend" });
    expect(await verdictOf(server, issued.certHash)).to.equal("SUSPENDED");

    expect((await call(server, `/v1/certificates/${issued.certHash}/reinstate`, { method: "POST", token, json: {} })).status).to.equal(200);
    expect(await verdictOf(server, issued.certHash)).to.equal("VALID");

    const revoked = await call(server, `/v1/certificates/${issued.certHash}/revoke`, {
      method: "POST",
      token,
      json: { reason: "superseded", replacement: replacement.certHash.slice(2).toUpperCase() },
    });
    expect(revoked.status, revoked.text).to.equal(200);
    const { report } = (await call(server, `/v1/verify/${issued.certHash}`)).body as {
      report: { verdict: string; certificate: { revocation: { reasonName: string; replacement: string } } };
    };
    expect(report.verdict).to.equal("REVOKED");
    expect(report.certificate.revocation).to.include({ reasonName: "superseded", replacement: replacement.certHash });
  });

  it("the party admin of the issuing authority may suspend its certificate", async function () {
    const server = await startServer();
    const issued = await issueCredential(server.world, "conformityCertificate");
    const answer = await call(server, `/v1/certificates/${issued.certHash}/suspend`, {
      method: "POST",
      token: await server.adminToken("KG"),
    });
    expect(answer.status, answer.text).to.equal(200);
    expect((await server.world.client.getCertificate(issued.certHash))?.status).to.equal("Suspended");
  });

  it("a certificate anchored in a Merkle batch is suspended by its stored proof", async function () {
    const server = await startServer();
    const { kgBody } = server.world.authorities;
    const token = await server.issuerToken(kgBody.id);
    const items = await Promise.all([1, 2, 3].map(async () => ({ jws: (await signedCredential("testReport", kgBody)).jws })));
    const batch = await call(server, "/v1/certificates/batch", { method: "POST", token, json: { items } });
    const certHash = (batch.body.results as { certificate: { certHash: string } }[])[1].certificate.certHash;
    await eventually(async () => {
      const answer = await call(server, `/v1/certificates/${certHash}`);
      return (answer.body.certificate as { batchRoot?: string } | undefined)?.batchRoot !== undefined;
    }, "the certificate is indexed in its batch");
    expect((await call(server, `/v1/certificates/${certHash}/suspend`, { method: "POST", token })).status).to.equal(200);
    expect(await verdictOf(server, certHash)).to.equal("SUSPENDED");
  });

  describe("refusals never give a 5xx and never change the ledger", function () {
    it("a revocation of someone else's certificate is 403 NOT_CERTIFICATE_MANAGER, by another issuer or another party's admin", async function () {
      const server = await startServer();
      const issued = await issueCredential(server.world, "conformityCertificate");
      const before = await ledgerState(server, issued.certHash);
      const revoke = { method: "POST", json: { reason: "keyCompromise" } };
      const byIssuer = await call(server, `/v1/certificates/${issued.certHash}/revoke`, {
        ...revoke,
        token: await server.issuerToken(server.world.authorities.kzChamber.id),
      });
      expectProblem(byIssuer, 403, "NOT_CERTIFICATE_MANAGER");
      expect((byIssuer.body.details as { error: string }).error).to.equal("LedgerNotAuthorityOrPartyAdmin");
      expectProblem(
        await call(server, `/v1/certificates/${issued.certHash}/revoke`, { ...revoke, token: await server.adminToken("KZ") }),
        403,
        "NOT_CERTIFICATE_MANAGER",
      );
      expectProblem(
        await call(server, `/v1/certificates/${issued.certHash}/suspend`, { method: "POST", token: await server.adminToken("UZ") }),
        403,
        "NOT_CERTIFICATE_MANAGER",
      );
      expect(await ledgerState(server, issued.certHash)).to.deep.equal(before);
    });

    it("a revocation back-dated before issuance, or dated in the future, is 422 INVALID_REVOCATION_TIME", async function () {
      const server = await startServer();
      const issued = await issueCredential(server.world, "conformityCertificate");
      const token = await server.issuerToken(issued.authority.id);
      const { issuedAt } = (await server.world.client.getCertificate(issued.certHash))!;
      const before = await ledgerState(server, issued.certHash);
      for (const effectiveAt of [
        Number(issuedAt) - 3600,
        new Date(Number(issuedAt) * 1000 - 1000).toISOString(),
        Number(issuedAt) + 86_400 * 365,
      ]) {
        const answer = await call(server, `/v1/certificates/${issued.certHash}/revoke`, {
          method: "POST",
          token,
          json: { reason: 1, effectiveAt },
        });
        expectProblem(answer, 422, "INVALID_REVOCATION_TIME");
      }
      expect(await ledgerState(server, issued.certHash)).to.deep.equal(before);
    });

    it("a revocation effective exactly at issuance is accepted", async function () {
      const server = await startServer();
      const issued = await issueCredential(server.world, "conformityCertificate");
      const { issuedAt } = (await server.world.client.getCertificate(issued.certHash))!;
      const answer = await call(server, `/v1/certificates/${issued.certHash}/revoke`, {
        method: "POST",
        token: await server.issuerToken(issued.authority.id),
        json: { reason: "keyCompromise", effectiveAt: Number(issuedAt) },
      });
      expect(answer.status, answer.text).to.equal(200);
    });

    it("bad reasons, bodies and hashes are 4xx", async function () {
      const server = await startServer();
      const issued = await issueCredential(server.world, "conformityCertificate");
      const token = await server.issuerToken(issued.authority.id);
      const path = `/v1/certificates/${issued.certHash}/revoke`;
      const before = await ledgerState(server, issued.certHash);
      const answers = [
        [await call(server, path, { method: "POST", token, json: { reason: "holiday" } }), 400, "INVALID_REVOCATION_REASON"],
        [await call(server, path, { method: "POST", token, json: { reason: 7 } }), 400, "INVALID_REVOCATION_REASON"],
        [await call(server, path, { method: "POST", token, json: { reason: 1, replacement: "0x1234" } }), 400, "INVALID_CERT_HASH"],
        [await call(server, path, { method: "POST", token, json: { reason: 1, replacement: issued.certHash } }), 422, "SELF_REPLACEMENT"],
        [await call(server, path, { method: "POST", token }), 415, "UNSUPPORTED_CONTENT_TYPE"],
        [
          await call(server, path, { method: "POST", token, headers: { "content-type": "application/json" }, body: "{reason" }),
          400,
          "MALFORMED_JSON",
        ],
        [
          await call(server, path, { method: "POST", token, headers: { "content-type": "application/xml" }, body: "<r/>" }),
          415,
          "UNSUPPORTED_CONTENT_TYPE",
        ],
        [
          await call(server, `/v1/certificates/${issued.certHash}/suspend`, { method: "POST", token, json: { why: "x" } }),
          400,
          "INVALID_REQUEST",
        ],
        [await call(server, "/v1/certificates/xyz/suspend", { method: "POST", token }), 400, "INVALID_CERT_HASH"],
        [await call(server, `/v1/certificates/${issued.certHash}/reinstate`, { method: "POST", token }), 409, "INVALID_STATUS_CHANGE"],
        [await call(server, `/v1/certificates/${"cd".repeat(32)}/suspend`, { method: "POST", token }), 404, "CERT_NOT_FOUND"],
      ] as const;
      for (const [answer, status, code] of answers) {
        expectNoServerError(answer);
        expectProblem(answer, status, code);
      }
      expect(await ledgerState(server, issued.certHash)).to.deep.equal(before);
    });

    it("a certificate still in the queue cannot change status yet (409 REQUEST_NOT_ANCHORED)", async function () {
      const server = await startServer({ anchoring: false });
      const { kgBody } = server.world.authorities;
      const token = await server.issuerToken(kgBody.id);
      const { jws, certHash } = await signedCredential("conformityCertificate", kgBody);
      await call(server, "/v1/certificates", { method: "POST", token, json: { jws } });
      expectProblem(await call(server, `/v1/certificates/${certHash}/suspend`, { method: "POST", token }), 409, "REQUEST_NOT_ANCHORED");
    });

    it("a status change needs an issuer or party-admin token (401 without one)", async function () {
      const server = await startServer();
      const issued = await issueCredential(server.world, "conformityCertificate");
      expectProblem(await call(server, `/v1/certificates/${issued.certHash}/suspend`, { method: "POST" }), 401, "UNAUTHENTICATED");
    });
  });
});
