import { expect } from "chai";
import { TYPE_NAMES } from "../documents/credential-examples";
import { ISSUER_OF } from "../verify/world";
import {
  call,
  eventually,
  form,
  pdfBytes,
  signedCredential,
  startServer,
  stopPayloadStore,
  stopServers,
  type TestServer,
} from "./server-world";

/** Waits until the certificate is anchored and indexed, as a client would poll it. */
async function anchoredAndIndexed(server: TestServer, certHash: string): Promise<void> {
  await eventually(async () => {
    const answer = await call(server, `/v1/certificates/${certHash}`);
    return answer.status === 200 && answer.body.anchoring === "anchored" && answer.body.certificate !== undefined;
  }, `${certHash} is anchored and indexed`);
}

async function verdictOf(server: TestServer, certHash: string, forParty?: string): Promise<string> {
  const answer = await call(server, "/v1/verify", { method: "POST", json: forParty ? { certHash, forParty } : { certHash } });
  expect(answer.status, answer.text).to.equal(200);
  return (answer.body.report as { verdict: string }).verdict;
}

/** Revokes through the API as the certificate's issuer, then waits for the index to see it. */
async function revoke(server: TestServer, certHash: string, token: string): Promise<void> {
  const answer = await call(server, `/v1/certificates/${certHash}/revoke`, { method: "POST", token, json: { reason: "superseded" } });
  expect(answer.status, answer.text).to.equal(200);
}

describe("API: the full path of a certificate", function () {
  this.timeout(120_000);
  after(async function () {
    await stopServers();
    await stopPayloadStore();
  });

  for (const type of TYPE_NAMES) {
    it(`a ${type} credential: anchor → anchored → verify VALID → revoke → verify REVOKED`, async function () {
      const server = await startServer();
      const authority = server.world.authorities[ISSUER_OF[type]];
      const token = await server.issuerToken(authority.id);
      const { vc } = await signedCredential(type, authority);
      const accepted = await call(server, "/v1/certificates", { method: "POST", token, json: { credential: vc } });
      expect(accepted.status, accepted.text).to.equal(202);
      const certHash = accepted.body.certHash as string;
      await anchoredAndIndexed(server, certHash);
      expect(await verdictOf(server, certHash, authority.party)).to.equal("VALID");
      await revoke(server, certHash, token);
      expect(await verdictOf(server, certHash)).to.equal("REVOKED");
      // The history comes from the chain index, which follows the chain a poll behind.
      await eventually(async () => {
        const detail = await call(server, `/v1/certificates/${certHash}`);
        return (detail.body.history as { event: string }[]).some((h) => h.event === "CertificateRevoked");
      }, "the index shows the revocation");
    });
  }

  it("a PDF: upload → anchored → verify the file VALID → revoke → verify the file REVOKED", async function () {
    const server = await startServer();
    const authority = server.world.authorities.kgBody;
    const token = await server.issuerToken(authority.id);
    const pdf = pdfBytes(`full path ${Date.now()}`);
    const fields = {
      type: "conformityCertificate",
      number: `KG-FULL-${Date.now()}`,
      validUntil: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    };
    const accepted = await call(server, "/v1/certificates", { method: "POST", token, body: form(fields, { bytes: pdf }) });
    expect(accepted.status, accepted.text).to.equal(202);
    const certHash = accepted.body.certHash as string;
    await anchoredAndIndexed(server, certHash);
    // What was anchored is the stamped PDF the issuer downloads and hands on, not the upload.
    const download = await fetch(`${server.url}/v1/certificates/${certHash}/document`, { headers: { authorization: `Bearer ${token}` } });
    expect(download.status).to.equal(200);
    const stamped = new Uint8Array(await download.arrayBuffer());
    const verifyFile = async () => {
      const answer = await call(server, "/v1/verify", { method: "POST", body: form({}, { bytes: stamped }) });
      expect(answer.status, answer.text).to.equal(200);
      return (answer.body.report as { verdict: string }).verdict;
    };
    expect(await verifyFile()).to.equal("VALID");
    await revoke(server, certHash, token);
    expect(await verifyFile()).to.equal("REVOKED");
  });
});
