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

  async function signIn(page: Page, token: string): Promise<void> {
    await page.goto(`${server.url}/console`);
    await page.fill("#token-input", token);
    await page.click('[data-testid="sign-in"]');
    await page.locator('[data-testid="signed-in-as"]').waitFor();
  }

  it("the console: the origin authority registers an exporter and sees its token; the exporter declares with it", async function () {
    const { context, page, errors } = await openPage();
    await signIn(page, await server.issuerToken(server.world.authorities.kgBody.id));
    await page.click('[data-tab="traders"]');
    await page.selectOption("#trader-kind", "exporter");
    await page.fill("#trader-number", "KG-REX-000200");
    await page.fill("#trader-name", "Talas Beans Cooperative");
    await page.fill("#trader-address", "Talas");
    await page.fill("#trader-headings", "0813, 0713");
    await page.fill("#trader-valid-until", "2030-12-31");
    await page.check("#trader-consent");
    await page.click('[data-testid="register-trader"]');
    await page.locator('[data-testid="traders-message"][data-kind="ok"]').waitFor();
    expect(await page.locator('[data-testid="traders-message"]').textContent()).to.equal(
      "Registered KG-REX-000200. Hand the trader its token:",
    );
    const token = await page.locator('[data-testid="trader-token"]').inputValue();
    expect(token.split(".")).to.have.length(3);
    await screenshot(page, "origin-console-register");

    await page.click('[data-testid="sign-out"]');
    await signIn(page, token);
    expect(await page.locator('[data-testid="signed-in-as"]').textContent()).to.match(/^Registered trader \(registration \d+\)/);
    const fill = async (hsCode: string, invoice: string) => {
      await page.fill("#declare-agreement", "KG-KZ");
      await page.fill("#declare-importing", "KZ");
      await page.fill("#declare-invoice-number", invoice);
      await page.fill("#declare-invoice-date", "2026-12-01");
      await page.fill("#declare-description", "Dried apricots");
      await page.fill("#declare-hs-code", hsCode);
      await page.fill("#declare-quantity", "12000");
      await page.click('[data-testid="declare"]');
    };
    // A heading outside the registration: the server's reason, word for word.
    await fill("080232", "INV-WEB-REFUSED");
    await page.locator('[data-testid="declare-message"][data-kind="error"]').waitFor();
    expect(await page.locator('[data-testid="declare-message"]').textContent()).to.contain(
      "heading 0802 is not among KG-REX-000200's registered headings (0813, 0713)",
    );
    await fill("081310", `INV-WEB-${Date.now()}`);
    await page.locator('[data-testid="declare-message"][data-kind="ok"]').waitFor();
    const link = await page.locator('[data-testid="declared-link"]').getAttribute("href");
    expect(link).to.match(/\/v\/0x[0-9a-f]{64}#k=/);
    await screenshot(page, "origin-console-declare");
    expect(errors.filter((e) => !/status of 422/.test(e))).to.deep.equal([]);
    await context.close();
  });

  it("the console: a party admin approves a proposed agreement and states what it accepts under it", async function () {
    const proposed = await call(server, "/v1/agreements", {
      method: "POST",
      token: await server.adminToken("KG"),
      json: { code: "KG-UZ", name: "Kyrgyzstan–Uzbekistan free trade agreement", parties: ["KG", "UZ"] },
    });
    expect(proposed.status, proposed.text).to.equal(201);
    const { context, page, errors } = await openPage();
    await signIn(page, await server.adminToken("UZ"));
    await page.click('[data-tab="agreements"]');
    const row = page.locator('[data-agreement="KG-UZ"]');
    await row.waitFor();
    expect(await row.textContent()).to.contain("proposed, awaiting UZ");
    await page.click('[data-testid="approve-KG-UZ"]');
    await page.locator('[data-agreement="KG-UZ"]', { hasText: "in force" }).waitFor();
    await page.selectOption("#recognise-issuer", "KG");
    await page.fill("#recognise-agreement", "KG-UZ");
    await page.check("#recognise-exporterDeclaration");
    await page.click('[data-testid="recognise-under"]');
    await page.locator('[data-testid="agreements-message"]', { hasText: "UZ accepts from KG under KG-UZ" }).waitFor();
    expect(await page.locator('[data-testid="agreements-message"]').textContent()).to.equal(
      "UZ accepts from KG under KG-UZ: Exporters' declarations.",
    );
    expect(errors).to.deep.equal([]);
    await context.close();
  });
});
