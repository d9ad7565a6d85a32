/**
 * The origin world the API and browser tests share, set up through the API: KG's
 * certification body is also its origin authority (exporters' declarations), KZ's chamber registers importers;
 * agreements KG-KZ and CISFTA (KG, KZ, UZ) are in force; KZ accepts exporters' declarations from KG under KG-KZ, UZ
 * only authorities' certificates of origin under CISFTA; exporter KG-REX-000123 (heading 0813) consented to being
 * public, KG-REX-000124 did not.
 */
import { expect } from "chai";
import { CERTIFICATE_TYPES, typeSet } from "../../src/documents/certificate-types";
import { time } from "../contracts/fixtures";
import { call, eventually, startServer, validUntilInDays, type TestServer } from "./server-world";

/** The server and the tokens the tests act with. */
export interface OriginWorld {
  server: TestServer;
  /** An issuer token of KG's origin authority. */
  originToken: string;
  /** KG-REX-000123's declarant token. */
  exporterToken: string;
  /** KG-REX-000123's id on the registry. */
  exporterRegistrationId: number;
}

/** Starts a server and sets the origin world up on it. */
export async function startOriginWorld(): Promise<OriginWorld> {
  const server = await startServer();
  const { kgBody, kzChamber } = server.world.authorities;
  // From a day back: the machine's clock, which the server checks authorities against, may trail the test chain's.
  const now = BigInt(await time.latest()) - 86_400n;
  const until = now + 3650n * 86_400n;
  const { conformityCertificate, testReport, certificateOfOrigin, exporterDeclaration, importerDeclaration } = CERTIFICATE_TYPES;
  await server.world.client.withSigner(server.world.kgAdmin).updateAuthority({
    authorityId: kgBody.id,
    scope: typeSet(conformityCertificate, testReport, exporterDeclaration),
    validFrom: now,
    validUntil: until,
  });
  await server.world.client.withSigner(server.world.kzAdmin).updateAuthority({
    authorityId: kzChamber.id,
    scope: typeSet(certificateOfOrigin, importerDeclaration),
    validFrom: now,
    validUntil: until,
  });
  await agreement(server, "KG-KZ", "Kyrgyzstan–Kazakhstan free trade agreement", ["KG", "KZ"]);
  await agreement(server, "CISFTA", "CIS free trade area agreement", ["KG", "KZ", "UZ"]);
  await recognise(server, "KZ", "KG", "KG-KZ", ["exporterDeclaration"]);
  await recognise(server, "UZ", "KG", "CISFTA", ["certificate"]);
  const originToken = await server.issuerToken(kgBody.id);
  const exporter = await registerTrader(server, originToken, {
    number: "KG-REX-000123",
    name: "Osh Dried Fruit LLC",
    address: "12 Kurmanjan Datka St, Osh",
    consent: true,
  });
  await registerTrader(server, originToken, { number: "KG-REX-000124", name: "Private Trader", address: "Bishkek", consent: false });
  return { server, originToken, exporterToken: exporter.token, exporterRegistrationId: exporter.registrationId };
}

/** Proposes agreement `code` as its first party's admin and approves it as every other's. */
export async function agreement(server: TestServer, code: string, name: string, parties: string[]): Promise<void> {
  const proposed = await call(server, "/v1/agreements", {
    method: "POST",
    token: await server.adminToken(parties[0]),
    json: { code, name, parties },
  });
  expect(proposed.status, proposed.text).to.equal(201);
  for (const party of parties.slice(1)) {
    const approved = await call(server, `/v1/agreements/${code}/approvals`, { method: "POST", token: await server.adminToken(party) });
    expect(approved.status, approved.text).to.equal(200);
  }
}

async function recognise(server: TestServer, importer: string, issuer: string, code: string, proofs: string[]): Promise<void> {
  const set = await call(server, "/v1/recognition/agreements", {
    method: "PUT",
    token: await server.adminToken(importer),
    json: { issuer, agreement: code, proofs },
  });
  expect(set.status, set.text).to.equal(200);
}

/** Registers an exporter of heading 0813 for 700 days; answers its declarant token and registration id. */
async function registerTrader(
  server: TestServer,
  originToken: string,
  trader: { number: string; name: string; address: string; consent: boolean },
): Promise<{ token: string; registrationId: number }> {
  const answer = await call(server, "/v1/registrations", {
    method: "POST",
    token: originToken,
    json: { kind: "exporter", headings: ["0813"], validUntil: await validUntilInDays(700), ...trader },
  });
  expect(answer.status, answer.text).to.equal(201);
  return { token: answer.body.token as string, registrationId: answer.body.registrationId as number };
}

/** KG-REX-000123's declaration of 12,000 kg of dried apricots to KZ under KG-KZ, once anchored: its hash. */
export async function declareApricots(server: TestServer, exporterToken: string): Promise<string> {
  const answer = await call(server, "/v1/declarations", {
    method: "POST",
    token: exporterToken,
    json: {
      tradeAgreement: "KG-KZ",
      importingCountry: "KZ",
      invoice: { number: `INV-WEB-${Date.now()}`, date: "2026-12-01" },
      goods: [
        { itemNumber: 1, description: "Dried apricots", hsCode: "081310", originCriterion: "WO", quantity: { value: 12000, unit: "KGM" } },
      ],
    },
  });
  expect(answer.status, answer.text).to.equal(202);
  const certHash = answer.body.certHash as string;
  await eventually(
    async () => (await call(server, `/v1/certificates/${certHash}`)).body.anchoring === "anchored",
    `${certHash} is anchored`,
  );
  return certHash;
}
