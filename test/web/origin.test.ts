/**
 * Origin declarations on the verifier page, in headless Chromium against one real API server (the world of
 * test/server/origin-world.ts): an exporter's declaration's proof of origin (the kind of proof, the agreement, the declarant and
 * that its registration was valid when it declared; later, that it was suspended since) in English and Russian, and
 * the registration number lookup showing what consent allows. The console's side: origin-console.test.ts.
 * Screenshots: test-output/screenshots/origin-*.png.
 */
import { expect } from "chai";
import type { Page } from "playwright-core";
import { call, stopPayloadStore, stopServers, type TestServer } from "../server/server-world";
import { closeBrowser, openPage, screenshot } from "./browser";
import { declareApricots, startOriginWorld } from "../server/origin-world";

describe("web: origin declarations on the verifier page", function () {
  this.timeout(120_000);
  let server: TestServer;
  let originToken: string;
  let exporterToken: string;

  before(async function () {
    ({ server, originToken, exporterToken } = await startOriginWorld());
  });

  after(async function () {
    await stopServers();
    await stopPayloadStore();
    await closeBrowser();
  });

  async function waitForVerdict(page: Page, verdict: string): Promise<void> {
    await page.locator(`[data-testid="verdict"][data-verdict="${verdict}"]`).waitFor({ timeout: 20_000 });
  }

  const setStatus = async (status: string) => {
    const answer = await call(server, "/v1/registrations/KG-REX-000123/status", { method: "PUT", token: originToken, json: { status } });
    expect(answer.status, answer.text).to.equal(200);
  };

  it("shows an exporter's declaration: the proof, the agreement, the declarant, in English and in Russian", async function () {
    const certHash = await declareApricots(server, exporterToken);
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
    expect(await page.locator('[data-testid="origin-status"]').count()).to.equal(0);
    await screenshot(page, "origin-verifier");
    await page.locator("#language-select").selectOption("ru");
    expect(await origin.locator("h3").textContent()).to.equal("Подтверждение происхождения");
    expect(await origin.locator('[data-testid="origin-proof"]').textContent()).to.equal(
      "Декларация о происхождении зарегистрированного экспортёра",
    );
    expect(await origin.locator('[data-testid="origin-agreement"]').textContent()).to.equal(
      "По соглашению KG-KZ (Kyrgyzstan–Kazakhstan free trade agreement; стороны KG, KZ)",
    );
    expect(await origin.locator('[data-testid="origin-declarant"]').textContent()).to.equal(
      "Декларант: зарегистрированный экспортёр KG-REX-000123, KG",
    );
    expect(await origin.textContent()).to.contain("Регистрация была действующей в момент декларирования");
    await page.locator("#language-select").selectOption("en");

    // Suspended since: the page says so, and that the declaration stays valid.
    await setStatus("Suspended");
    try {
      await page.goto(`${server.url}/v/${certHash}`);
      await waitForVerdict(page, "VALID");
      expect(await page.locator('[data-testid="origin-status"]').textContent()).to.match(
        /^The registration has since been suspended \(on .+\); declarations made before stay valid\.$/,
      );
    } finally {
      await setStatus("Active");
    }
    expect(errors).to.deep.equal([]);
    await context.close();
  });

  it("the registration lookup shows a consenting trader's name and address, and only number and validity without consent", async function () {
    const { context, page, errors } = await openPage();
    await page.goto(`${server.url}/`);
    const lookup = page.locator('[data-testid="registration-lookup"]');
    const shown = page.locator('[data-testid="registration"]');
    await lookup.locator("#registration-number").fill("KG-REX-000123");
    await lookup.locator("button").click();
    await shown.waitFor();
    expect(await shown.textContent()).to.match(/^KG-REX-000123: registered exporter of KG, active, valid from .+ to .+/);
    expect(await page.locator('[data-testid="registration-details"]').textContent()).to.equal(
      "Osh Dried Fruit LLC, 12 Kurmanjan Datka St, Osh",
    );
    expect(await shown.textContent()).to.contain("HS headings: 0813");

    // The page is rebuilt in Russian; the answer is said again in it.
    await page.locator("#language-select").selectOption("ru");
    expect(await page.locator("#lookup-title").textContent()).to.equal("Проверить регистрационный номер");
    expect(await shown.textContent()).to.match(/^KG-REX-000123: зарегистрированный экспортёр, KG, действует; срок действия с .+ по .+/);
    expect(await shown.textContent()).to.contain("Товарные позиции ТН ВЭД: 0813");
    await page.locator("#language-select").selectOption("en");

    await lookup.locator("#registration-number").fill("kg-rex-000124");
    await lookup.locator("button").click();
    await page.locator('[data-testid="registration"]', { hasText: "KG-REX-000124" }).waitFor();
    expect(await shown.textContent()).to.contain("The trader did not consent to its name and address being public.");
    expect(await shown.textContent()).not.to.contain("Private Trader");
    expect(await shown.textContent()).not.to.contain("Bishkek");
    expect(await shown.textContent()).not.to.contain("HS headings");
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
