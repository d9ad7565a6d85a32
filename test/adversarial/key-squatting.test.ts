/**
 * Issue #11's key squatting, as a hostile party would try it: KZ's chamber, holding only KG's PUBLIC key (seen in a
 * pending addSigningKey or in KG's published JWK), registers its thumbprint on the ledger before KG does, straight
 * against the contract. Keys are scoped to their authority, so this must neither lock KG out of its own key nor give
 * KZ any way to pass KG's signatures off as its own certificates — and a key KG registered must not count for KZ.
 */
import { expect } from "chai";
import { CERTIFICATE_TYPES } from "../../src/documents/certificate-types";
import { generateSigningKey } from "../../src/crypto/keys";
import { isCertLedgerError } from "../../src/errors";
import {
  call,
  DAY,
  eventually,
  signedCredential,
  startServer,
  stopPayloadStore,
  stopServers,
  type TestServer,
} from "../server/server-world";
import { expectProblem } from "../server/expect-problem";
import { time } from "../contracts/fixtures";

interface Report {
  verdict: string;
  checks: { id: string; result: string; detail: string }[];
  certificate?: { certHash: string; authority: { id: number; party: string } };
}

/** The API's report on credential `jws`, once the index has seen its anchoring. */
async function verifyJws(server: TestServer, jws: string): Promise<Report> {
  return eventually(async () => {
    const answer = await call(server, "/v1/verify", { method: "POST", json: { jws } });
    expect(answer.status, answer.text).to.equal(200);
    const report = answer.body.report as Report;
    return report.verdict !== "NOT_FOUND" && report;
  }, "the credential's anchoring is indexed");
}

const check = (report: Report, id: string) => report.checks.find((c) => c.id === id)!;

/** The stable error code a rejected ledger write failed with. */
async function rejectionCode(write: Promise<unknown>): Promise<string> {
  try {
    await write;
  } catch (error) {
    if (isCertLedgerError(error)) return error.code;
    throw error;
  }
  throw new Error("the write was expected to be refused");
}

describe("Adversarial: another party's authority registering a key's thumbprint first (key squatting)", function () {
  this.timeout(120_000);
  afterEach(stopServers);
  after(stopPayloadStore);

  it("KZ's chamber registering KG's new key first does not stop KG's body from registering it, and KG's credentials signed with it verify VALID as KG's", async function () {
    const server = await startServer();
    const { kgBody, kzChamber } = server.world.authorities;
    const kgNew = await generateSigningKey();
    const now = BigInt(await time.latest());
    const validUntil = now + 365n * DAY;

    // The attack, straight against the contract with KZ's own account and KG's public key.
    const kz = server.world.client.withSigner(kzChamber.account);
    await kz.addSigningKey({ authorityId: kzChamber.id, thumbprint: kgNew.thumbprint, alg: "ES256", validFrom: now, validUntil });

    // KG's body still registers its key through the API.
    const kgToken = await server.issuerToken(kgBody.id);
    const added = await call(server, `/v1/authorities/${kgBody.id}/keys`, {
      method: "POST",
      token: kgToken,
      // From a day back: the server checks a credential's key against its own clock, which the test chain may be ahead of.
      json: { jwk: kgNew.publicJwk, validFrom: Number(now - DAY), validUntil: Number(validUntil) },
    });
    expect(added.status, added.text).to.equal(201);
    expect(added.body).to.include({ authorityId: kgBody.id, thumbprint: kgNew.thumbprint });

    // A credential KG's body signs with it is accepted and anchored by KG's server, and verifies as KG's.
    const credential = await signedCredential("conformityCertificate", kgBody, { signWith: kgNew });
    const accepted = await call(server, "/v1/certificates", { method: "POST", token: kgToken, json: { jws: credential.jws } });
    expect(accepted.status, accepted.text).to.equal(202);
    const report = await verifyJws(server, credential.jws);
    expect(report.verdict, JSON.stringify(report.checks)).to.equal("VALID");
    expect(report.certificate!.authority).to.include({ id: kgBody.id, party: "KG" });
    expect(check(report, "signature")).to.include({ result: "pass" });

    // Each registration is its own record: KZ can touch KG's neither through the API nor against the contract...
    expectProblem(
      await call(server, `/v1/authorities/${kgBody.id}/keys/compromise`, {
        method: "POST",
        token: await server.issuerToken(kzChamber.id),
        json: { thumbprint: kgNew.thumbprint },
      }),
      403,
      "FORBIDDEN",
    );
    const at = BigInt(await time.latest());
    expect(await rejectionCode(kz.compromiseSigningKey(kgBody.id, kgNew.thumbprint, at))).to.equal("NOT_CERTIFICATE_MANAGER");
    expect(
      await rejectionCode(
        kz.rotateSigningKey({
          authorityId: kgBody.id,
          oldThumbprint: kgNew.thumbprint,
          newThumbprint: (await generateSigningKey()).thumbprint,
          alg: "ES256",
          validUntil,
        }),
      ),
    ).to.equal("NOT_CERTIFICATE_MANAGER");
    // ... and KZ marking its own record compromised leaves KG's key, and KG's certificate, as they were.
    await kz.compromiseSigningKey(kzChamber.id, kgNew.thumbprint, at);
    expect(await server.world.client.getSigningKey(kgBody.id, kgNew.thumbprint)).to.include({ compromisedAt: undefined });
    expect(await server.world.client.getSigningKey(kzChamber.id, kgNew.thumbprint)).to.include({ compromisedAt: at });
    expect((await verifyJws(server, credential.jws)).verdict).to.equal("VALID");

    // Each authority's key list shows its own record only.
    const listed = async (authorityId: number) =>
      eventually(async () => {
        const answer = await call(server, `/v1/authorities/${authorityId}/keys`);
        const keys = answer.body.keys as { thumbprint: string; compromisedAt?: string }[];
        return keys.find((k) => k.thumbprint === kgNew.thumbprint && (authorityId === kgBody.id || k.compromisedAt !== undefined));
      }, `authority ${authorityId}'s key list is indexed`);
    expect((await listed(kgBody.id)).compromisedAt).to.equal(undefined);
    expect((await listed(kzChamber.id)).compromisedAt).to.be.a("string");
  });

  it("a credential KG's body signed, anchored by KZ's chamber after it registered KG's key under itself, is not VALID: it names KG's body, not its anchoring authority", async function () {
    const server = await startServer();
    const { kgBody, kzChamber } = server.world.authorities;
    const kz = server.world.client.withSigner(kzChamber.account);
    const now = BigInt(await time.latest());
    // KG's key is already registered to KG; KZ registers the same thumbprint under itself (its own record).
    await kz.addSigningKey({
      authorityId: kzChamber.id,
      thumbprint: kgBody.key.thumbprint,
      alg: "ES256",
      validFrom: now,
      validUntil: now + DAY,
    });

    // A genuine credential of KG's body that KZ's chamber got hold of, anchored by KZ as if it were its own.
    const credential = await signedCredential("conformityCertificate", kgBody);
    await kz.anchorCertificate({
      certHash: credential.certHash,
      certType: CERTIFICATE_TYPES.certificateOfOrigin,
      validUntil: credential.validUntil,
      numberHash: credential.numberHash,
    });

    const report = await verifyJws(server, credential.jws);
    expect(report.verdict).to.equal("UNTRUSTED_ISSUER");
    expect(report.certificate!.authority).to.include({ id: kzChamber.id, party: "KZ" });
    expect(check(report, "issuer")).to.include({ result: "fail" });
    expect(check(report, "issuer").detail).to.include(`names authority ${kgBody.id} of KG as its issuer, but it was anchored by`);
  });

  it("a credential naming KZ's chamber but signed with KG's key is UNTRUSTED_ISSUER: KG's registration of that key does not count for KZ", async function () {
    const server = await startServer();
    const { kgBody, kzChamber } = server.world.authorities;
    const credential = await signedCredential("certificateOfOrigin", kzChamber, { signWith: kgBody.key });
    await server.world.client.withSigner(kzChamber.account).anchorCertificate({
      certHash: credential.certHash,
      certType: CERTIFICATE_TYPES.certificateOfOrigin,
      validUntil: credential.validUntil,
      numberHash: credential.numberHash,
    });

    const report = await verifyJws(server, credential.jws);
    expect(report.verdict).to.equal("UNTRUSTED_ISSUER");
    expect(report.certificate!.authority).to.include({ id: kzChamber.id, party: "KZ" });
    expect(check(report, "issuer")).to.include({ result: "pass" });
    expect(check(report, "signature")).to.include({ result: "fail" });
    expect(check(report, "signature").detail).to.include(`which the issuing authority ${kzChamber.id} has not registered`);
  });
});
