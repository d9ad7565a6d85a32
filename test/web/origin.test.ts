/**
 * Origin declarations on the web pages, in headless Chromium against one real API server: the verifier page shows an
 * exporter's declaration's proof of origin (the kind of proof, the agreement, the declarant and that its registration
 * was valid when it declared; later, that it was suspended since) in English and Russian, and looks registration
 * numbers up showing what consent allows; the console lets an origin authority register an exporter and the exporter
 * declare origin with its own token. Screenshots: test-output/screenshots/origin-*.png.
 */
import { expect } from "chai";
import type { Page } from "playwright-core";
import { CERTIFICATE_TYPES, typeSet } from "../../src/documents/certificate-types";
import { time } from "../contracts/fixtures";
import { call, eventually, startServer, stopPayloadStore, stopServers, validUntilInDays, type TestServer } from "../server/server-world";
import { closeBrowser, openPage, screenshot } from "./browser";

describe("web: origin declarations on the verifier page and in the console", function () {
  this.timeout(120_000);
  let server: TestServer;
  let exporterToken: string;

  const register = async (token: string, json: Record<string, unknown>) => {
    const answer = await call(server, "/v1/registrations", { method: "POST", token, json });
    expect(answer.status, answer.text).to.equal(201);
    return answer.body.token as string;
  };
  const declare = async (token: string) => {
    const answer = await call(server, "/v1/declarations", {
      method: "POST",
      token,
      json: {
        tradeAgreement: "KG-KZ",
        importingCountry: "KZ",
        invoice: { number: `INV-WEB-${Date.now()}`, date: "2026-12-01" },
        goods: [
          {
            itemNumber: 1,
            description: "Dried apricots",
            hsCode: "081310",
            originCriterion: "WO",
            quantity: { value: 12000, unit: "KGM" },
          },
        ],
      },
    });
    expect(answer.status, answer.text).to.equal(202);
    const certHash = answer.body.certHash as string;
    await eventually(async () => (await call(server, `/v1/certificates/${certHash}`)).body.anchoring === "anchored", "anchored");
    return certHash;
  };

  before(async function () {
    server = await startServer();
    const { kgBody } = server.world.authorities;
    const now = BigInt(await time.latest()) - 86_400n;
    const { conformityCertificate, testReport, exporterDeclaration } = CERTIFICATE_TYPES;
    await server.world.client.withSigner(server.world.kgAdmin).updateAuthority({
      authorityId: kgBody.id,
      scope: typeSet(conformityCertificate, testReport, exporterDeclaration),
      validFrom: now,
      validUntil: now + 3650n * 86_400n,
    });
    const proposed = await call(server, "/v1/agreements", {
      method: "POST",
      token: await server.adminToken("KG"),
      json: { code: "KG-KZ", name: "Kyrgyzstan–Kazakhstan free trade agreement", parties: ["KG", "KZ"] },
    });
    expect(proposed.status, proposed.text).to.equal(201);
    const approved = await call(server, "/v1/agreements/KG-KZ/approvals", { method: "POST", token: await server.adminToken("KZ") });
    expect(approved.status, approved.text).to.equal(200);
    const recognised = await call(server, "/v1/recognition/agreements", {
      method: "PUT",
      token: await server.adminToken("KZ"),
      json: { issuer: "KG", agreement: "KG-KZ", proofs: ["exporterDeclaration"] },
    });
    expect(recognised.status, recognised.text).to.equal(200);
    const originToken = await server.issuerToken(kgBody.id);
    const validUntil = await validUntilInDays(700);
    exporterToken = await register(originToken, {
      kind: "exporter",
      number: "KG-REX-000123",
      name: "Osh Dried Fruit LLC",
      address: "12 Kurmanjan Datka St, Osh",
      headings: ["0813"],
      validUntil,
      consent: true,
    });
    await register(originToken, {
      kind: "exporter",
      number: "KG-REX-000124",
      name: "Private Trader",
      address: "Bishkek",
      headings: ["0813"],
      validUntil,
      consent: false,
    });
  });

  after(async function () {
    await stopServers();
    await stopPayloadStore();
    await closeBrowser();
  });

  async function waitForVerdict(page: Page, verdict: string): Promise<void> {
    await page.locator(`[data-testid="verdict"][data-verdict="${verdict}"]`).waitFor({ timeout: 20_000 });
  }

  it("the verifier shows an exporter's declaration: the proof, the agreement, the declarant, in English and in Russian", async function () {
    const certHash = await declare(exporterToken);
    const { context, page, errors } = await openPage();
    await page.goto(`${server.url}/v/${certHash}`);
    await waitForVerdict(page, "VALID");
    const origin = page.locator('[data-testid="origin"]');
    expect(await origin.locator('[data-testid="origin-proof"]').textContent()).to.equal("An origin declaration by a registered exporter");
    expect(await origin.locator('[data-testid="origin-agreement"]').textContent()).to.equal(
      "Under KG-KZ (Kyrgyzstan–Kazakhstan free trade agreement; parties KG, KZ)",
    );
    expect(await origin.locator('[data-testid="origin-declarant"]').textContent()).to.equal(
      "Declared by registered exporter KG-REX-000123 of KG",
    );
    expect(await origin.locator('[data-testid="origin-details"]').textContent()).to.equal(
      "Osh Dried Fruit LLC, 12 Kurmanjan Datka St, Osh",
    );
    expect(await origin.textContent()).to.contain("Its registration was active and valid when it declared");
    await screenshot(page, "origin-verifier");
    await page.locator("#language-select").selectOption("ru");
    expect(await origin.locator("h3").textContent()).to.equal("Подтверждение происхождения");
    expect(await origin.locator('[data-testid="origin-declarant"]').textContent()).to.equal(
      "Декларант: зарегистрированный экспортёр KG-REX-000123, KG",
    );
    await page.locator("#language-select").selectOption("en");

    // Suspended since: the page says so, and that the declaration stays valid.
    const suspended = await call(server, "/v1/registrations/KG-REX-000123/status", {
      method: "PUT",
      token: await server.issuerToken(server.world.authorities.kgBody.id),
      json: { status: "Suspended" },
    });
    expect(suspended.status, suspended.text).to.equal(200);
    await page.goto(`${server.url}/v/${certHash}`);
    await waitForVerdict(page, "VALID");
    expect(await page.locator('[data-testid="origin-status"]').textContent()).to.match(
      /^The registration has since been suspended \(on .+\); declarations made before stay valid\.$/,
    );
    const reinstated = await call(server, "/v1/registrations/KG-REX-000123/status", {
      method: "PUT",
      token: await server.issuerToken(server.world.authorities.kgBody.id),
      json: { status: "Active" },
    });
    expect(reinstated.status, reinstated.text).to.equal(200);
    expect(errors).to.deep.equal([]);
    await context.close();
  });

  it("the registration lookup shows a consenting trader's name and address, and only number and validity without consent", async function () {
    const { context, page, errors } = await openPage();
    await page.goto(`${server.url}/`);
    const lookup = page.locator('[data-testid="registration-lookup"]');
    await lookup.locator("#registration-number").fill("KG-REX-000123");
    await lookup.locator("button").click();
    const shown = page.locator('[data-testid="registration"]');
    await shown.waitFor();
    expect(await shown.textContent()).to.match(/^KG-REX-000123: registered exporter of KG, active, valid from .+ to .+/);
    expect(await page.locator('[data-testid="registration-details"]').textContent()).to.equal(
      "Osh Dried Fruit LLC, 12 Kurmanjan Datka St, Osh",
    );
    expect(await shown.textContent()).to.contain("HS headings: 0813");
    await lookup.locator("#registration-number").fill("kg-rex-000124");
    await lookup.locator("button").click();
    await page.locator('[data-testid="registration"]', { hasText: "KG-REX-000124" }).waitFor();
    expect(await page.locator('[data-testid="registration"]').textContent()).to.contain("did not consent");
    expect(await page.locator('[data-testid="registration"]').textContent()).not.to.contain("Private Trader");
    await lookup.locator("#registration-number").fill("KG-REX-999999");
    await lookup.locator("button").click();
    await page.locator("#registration-answer .error").waitFor();
    expect(await page.locator("#registration-answer").textContent()).to.equal("No registration KG-REX-999999 is on the ledger.");
    await screenshot(page, "origin-lookup");
    // The unknown number's 404 is the answer asked for; the browser logs it all the same.
    expect(errors.filter((e) => !/status of 404/.test(e))).to.deep.equal([]);
    await context.close();
  });
});
