/**
 * The issuer console in headless Chromium against the real API (in-process chain, Helia, pipeline, index): a PDF issued
 * in the console, downloaded stamped, verified on the verifier page (VALID; one byte changed: TAMPERED; revoked in the
 * console: REVOKED with its reason); a credential through the form, with the API's field error shown on the field; a
 * party admin's authority and recognition decision; a wrong token's message. Screenshots: test-output/screenshots/console-*.png.
 */
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { Wallet } from "ethers";
import { PDFDocument, StandardFonts } from "pdf-lib";
import type { Page } from "playwright-core";
import { generateSigningKey } from "../../src/crypto/keys";
import { startServer, stopPayloadStore, stopServers, type TestServer } from "../server/server-world";
import { closeBrowser, openPage, screenshot } from "./browser";

/** A real one-page PDF certificate, as an authority's own system would print it. */
async function certificatePdf(number: string): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const page = pdf.addPage([595, 842]);
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  page.drawText("CERTIFICATE OF CONFORMITY", { x: 60, y: 760, size: 20, font });
  page.drawText(`No. ${number}`, { x: 60, y: 730, size: 12, font });
  page.drawText("Children's leather boots, model AB-17, conform to TR CU 007/2011.", { x: 60, y: 700, size: 11, font });
  return pdf.save();
}

const sha256 = (bytes: Uint8Array) => `0x${createHash("sha256").update(bytes).digest("hex")}`;

async function signIn(page: Page, server: TestServer, token: string): Promise<void> {
  await page.goto(`${server.url}/console`);
  await page.fill("#token-input", token);
  await page.click('[data-testid="sign-in"]');
  await page.locator('[data-testid="signed-in-as"]').waitFor();
}

/** Drops `file` on the verifier page and returns the verdict it shows. */
async function verifyFile(page: Page, server: TestServer, file: string): Promise<string> {
  await page.goto(`${server.url}/`);
  await page.setInputFiles("#file-input", file);
  const verdict = page.locator('[data-testid="verdict"]');
  await verdict.waitFor({ timeout: 20_000 });
  return (await verdict.getAttribute("data-verdict")) ?? "";
}

describe("issuer console (headless Chromium)", function () {
  this.timeout(120_000);
  let server: TestServer;
  let dir: string;

  before(async function () {
    server = await startServer();
    dir = await mkdtemp(path.join(os.tmpdir(), "certledger-console-"));
  });
  after(async function () {
    await closeBrowser();
    await stopServers();
    await stopPayloadStore();
    await rm(dir, { recursive: true, force: true });
  });

  it("a malformed token and a token this server did not sign are refused with a clear message", async function () {
    const { context, page, errors } = await openPage();
    await page.goto(`${server.url}/console`);
    await screenshot(page, "console-login");
    await page.fill("#token-input", "not a token");
    await page.click('[data-testid="sign-in"]');
    expect(await page.locator('[data-testid="login-message"]').textContent()).to.match(/not a CertLedger access token/);

    const forged = [
      { alg: "ES256", typ: "at+jwt" },
      { role: "issuer", authorityId: 1, jti: "x", exp: 4_000_000_000 },
    ]
      .map((part) => Buffer.from(JSON.stringify(part)).toString("base64url"))
      .concat("c2lnbmF0dXJl")
      .join(".");
    await page.fill("#token-input", forged);
    await page.click('[data-testid="sign-in"]');
    const message = page.locator('[data-testid="login-message"][data-kind="error"]');
    await message.filter({ hasText: "did not accept" }).waitFor();
    expect(await message.textContent()).to.match(/did not accept this token: .*not one this server issued/);
    expect(await page.locator('[data-testid="signed-in-as"]').count()).to.equal(0);
    await screenshot(page, "console-login-refused");
    // The refused token was answered 401: that network error is the only one the page may log.
    expect(errors.filter((e) => !/401/.test(e))).to.deep.equal([]);
    await context.close();
  });

  it("a PDF issued in the console, downloaded stamped, is VALID on the verifier; one byte changed is TAMPERED; revoked in the console it is REVOKED with its reason", async function () {
    const authority = server.world.authorities.kgBody;
    const number = `KG-WEB-${Date.now()}`;
    const original = path.join(dir, "certificate.pdf");
    await writeFile(original, await certificatePdf(number));

    const { context, page, errors } = await openPage();
    await signIn(page, server, await server.issuerToken(authority.id));
    expect(await page.locator('[data-testid="signed-in-as"]').textContent()).to.contain(authority.name);
    await page.setInputFiles("#file-file", original);
    await page.fill("#file-number", number);
    await screenshot(page, "console-anchor-file");
    await page.click('[data-testid="anchor-file-submit"]');
    await page.locator('[data-testid="anchor-status"][data-status="anchored"]').waitFor({ timeout: 30_000 });
    const certHash = (await page.locator('[data-testid="anchoring"]').getAttribute("data-cert-hash"))!;
    await page.locator('[data-testid="qr-image"]').waitFor();
    const link = await page.locator('[data-testid="verification-link"]').inputValue();
    expect(link).to.match(new RegExp(`/v/KG/${number}#k=[A-Za-z0-9_-]{43}$`));
    await screenshot(page, "console-anchored");

    const [download] = await Promise.all([page.waitForEvent("download"), page.click('[data-testid="download-stamped"]')]);
    const stamped = path.join(dir, "stamped.pdf");
    await download.saveAs(stamped);
    const stampedBytes = new Uint8Array(await readFile(stamped));
    expect(Buffer.from(stampedBytes.subarray(0, 5)).toString()).to.equal("%PDF-");
    expect(stampedBytes.length).to.be.greaterThan((await readFile(original)).length);
    expect(sha256(stampedBytes), "the download is the document anchored").to.equal(certHash);

    const verifier = (await openPage()).page;
    expect(await verifyFile(verifier, server, stamped)).to.equal("VALID");
    // One byte of the header's binary comment: still a readable PDF with its stamp, but not the bytes anchored.
    const tampered = Uint8Array.from(stampedBytes);
    tampered[10] ^= 0x01;
    const tamperedFile = path.join(dir, "tampered.pdf");
    await writeFile(tamperedFile, tampered);
    expect(await verifyFile(verifier, server, tamperedFile)).to.equal("TAMPERED");

    await page.click('[data-tab="certificates"]');
    const row = page.locator(`tr[data-cert-hash="${certHash}"]`);
    await row.waitFor();
    expect(await row.getAttribute("data-status")).to.equal("anchored");
    await screenshot(page, "console-certificates");
    await row.locator('[data-action="revoke"]').click();
    await page.selectOption("#revoke-reason", "privilegeWithdrawn");
    await screenshot(page, "console-revoke-dialog");
    await page.click('[data-testid="dialog-confirm"]');
    await page.locator(`tr[data-cert-hash="${certHash}"][data-status="revoked"]`).waitFor({ timeout: 20_000 });

    expect(await verifyFile(verifier, server, stamped)).to.equal("REVOKED");
    const reason = verifier.locator('[data-testid="history"] [data-testid="revocation-reason"]');
    await reason.waitFor();
    expect(await reason.textContent()).to.match(/privilege withdrawn/i);
    await screenshot(verifier, "console-verifier-revoked");
    expect(errors).to.deep.equal([]);
    await context.close();
  });

  it("a credential filled in the form: the API's refusal of a field is shown on that field; corrected, it is anchored with its link and QR code", async function () {
    const authority = server.world.authorities.kgPlant;
    const { context, page, errors } = await openPage();
    await signIn(page, server, await server.issuerToken(authority.id));
    await page.check("#anchor-mode-credential");
    const form = page.locator('[data-testid="credential-form"][data-type="phytosanitaryCertificate"]');
    await form.waitFor();
    const fill = async (values: Record<string, string>) => {
      for (const [member, value] of Object.entries(values)) await page.fill(`#cf-${member.replace(/[^A-Za-z0-9]/g, "-")}`, value);
    };
    await fill({
      "credentialSubject.certificateNumber": `KG-PC-WEB-${Date.now()}`,
      "credentialSubject.exportingNppo.name": "Department of Chemicalization and Plant Protection",
      "credentialSubject.exportingNppo.countryCode": "KG",
      "credentialSubject.importingNppo.countryCode": "CN",
      "credentialSubject.inspectionDate": "2025-02-28",
      "credentialSubject.consignor.name": "Issyk-Kul Orchards LLC",
      "credentialSubject.consignor.address": "Karakol",
      "credentialSubject.consignor.countryCode": "KG",
      "credentialSubject.consignee.name": "Kashgar Fresh Produce Co.",
      "credentialSubject.consignee.address": "Kashgar",
      "credentialSubject.consignee.countryCode": "CN",
      "credentialSubject.commodities.0.description": "Fresh apples",
      "credentialSubject.commodities.0.botanicalName": "Malus domestica",
      // Dots are not part of an HS code: the client lets it through, the API's schema refuses it.
      "credentialSubject.commodities.0.hsCode": "0808.10",
      "credentialSubject.commodities.0.quantity.value": "20000",
      "credentialSubject.commodities.0.placeOfOrigin.countryCode": "KG",
    });
    await page.click('[data-testid="anchor-credential-submit"]');
    const hsError = page.locator("#cf-credentialSubject-commodities-0-hsCode-error");
    await hsError.waitFor();
    expect(await hsError.textContent()).to.match(/HS code of 6, 8 or 10 digits/);
    expect(await page.getAttribute("#cf-credentialSubject-commodities-0-hsCode", "aria-invalid")).to.equal("true");
    expect(await page.locator('[data-testid="anchor-credential-message"]').getAttribute("data-kind")).to.equal("error");
    await screenshot(page, "console-credential-error");

    await fill({ "credentialSubject.commodities.0.hsCode": "080810" });
    await page.click('[data-testid="anchor-credential-submit"]');
    await page.locator('[data-testid="anchor-status"][data-status="anchored"]').waitFor({ timeout: 30_000 });
    expect(await hsError.isHidden()).to.equal(true);
    await page.locator('[data-testid="qr-image"]').waitFor();
    expect(await page.locator('[data-testid="verification-link"]').inputValue()).to.match(/\/v\/0x[0-9a-f]{64}#k=/);
    expect(await page.locator('[data-testid="download-stamped"]').count(), "no stamped PDF for a credential").to.equal(0);
    await screenshot(page, "console-credential-anchored");
    // The server's 400 for the refused value is logged by the browser; nothing else may be.
    expect(errors.filter((e) => !/400/.test(e))).to.deep.equal([]);
    await context.close();
  });

  it("a party admin registers an authority, records a recognition decision, and registers and compromises a signing key", async function () {
    const { context, page, errors } = await openPage();
    await signIn(page, server, await server.adminToken("KG"));
    expect(await page.locator('[data-testid="signed-in-as"]').textContent()).to.contain("KG");
    const table = page.locator('[data-testid="authorities"] tbody');
    await table.locator(`tr[data-authority-id="${server.world.authorities.kgBody.id}"]`).waitFor();

    const name = `KG test laboratory ${Date.now()}`;
    await page.fill("#authority-name", name);
    await page.fill("#authority-accounts", Wallet.createRandom().address);
    await page.check("#authority-scope-2");
    await page.click('[data-testid="register-authority"]');
    await page.locator('[data-testid="register-message"][data-kind="ok"]').waitFor({ timeout: 20_000 });
    await table.locator("tr", { hasText: name }).waitFor({ timeout: 10_000 });
    expect(await table.locator("tr", { hasText: name }).textContent()).to.contain("Test report");
    await screenshot(page, "console-authorities");

    await page.click('[data-tab="recognition"]');
    await page.selectOption("#recognition-issuer", "KZ");
    await page.check("#recognition-type-3");
    await page.click('[data-testid="save-recognition"]');
    await page.locator('[data-testid="recognition-form-message"][data-kind="ok"]').waitFor({ timeout: 20_000 });
    const decision = page.locator('[data-testid="recognition"] tr[data-issuer="KZ"]');
    await decision.waitFor({ timeout: 10_000 });
    expect(await decision.textContent()).to.contain("Certificate of origin");
    expect(await server.world.client.recognises("KG", server.world.authorities.kzChamber.id, 3)).to.equal(true);
    await screenshot(page, "console-recognition");

    // Signing keys of the party's authority: register a new one by its public JWK, then mark it compromised.
    await page.click('[data-tab="keys"]');
    const keys = page.locator('[data-testid="signing-keys"] tbody');
    const kgBody = server.world.authorities.kgBody;
    await page.selectOption("#keys-authority", String(kgBody.id));
    await keys.locator(`tr[data-thumbprint="${kgBody.key.thumbprint}"]`).waitFor();
    const fresh = await generateSigningKey();
    await page.fill("#key-jwk", JSON.stringify(fresh.publicJwk));
    await page.click('[data-testid="add-key"]');
    const added = keys.locator(`tr[data-thumbprint="${fresh.thumbprint}"]`);
    await added.waitFor({ timeout: 10_000 });
    await added.locator('[data-action="compromise"]').click();
    await page.click('[data-testid="dialog-confirm"]');
    await keys.locator(`tr[data-thumbprint="${fresh.thumbprint}"][data-compromised="true"]`).waitFor({ timeout: 10_000 });
    expect((await server.world.client.getSigningKey(fresh.thumbprint))?.compromisedAt).to.be.a("bigint");
    await screenshot(page, "console-signing-keys");
    expect(errors).to.deep.equal([]);
    await context.close();
  });

  it("on a 375-pixel phone screen, in Russian, the anchoring form fits without sideways scrolling", async function () {
    const { context, page, errors } = await openPage({ viewport: { width: 375, height: 800 }, locale: "ru-RU" });
    await signIn(page, server, await server.issuerToken(server.world.authorities.kgBody.id));
    expect(await page.locator("html").getAttribute("lang")).to.equal("ru");
    expect(await page.locator('[data-tab="anchor"]').textContent()).to.equal("Зарегистрировать сертификат");
    const overflow = (await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")) as number;
    expect(overflow).to.be.at.most(0);
    await screenshot(page, "console-phone-ru");
    expect(errors).to.deep.equal([]);
    await context.close();
  });
});
