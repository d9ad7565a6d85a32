/**
 * The issuer console in headless Chromium against the real API (in-process chain, Helia, pipeline, index): a PDF issued
 * in the console, downloaded stamped, verified on the verifier page (VALID; one byte changed: TAMPERED; revoked in the
 * console: REVOKED with its reason); a credential through the form, with the API's field error shown on the field; a
 * party admin's authority and recognition decision; a wrong token's message; a certificate suspended and reinstated
 * (verifier and status filter follow); an authority suspended, reactivated, given an account, its key rotated (each read
 * back from the API); Russian mid-session and after a reload; the anchor form and the confirmation dialog by keyboard
 * alone. Screenshots: test-output/screenshots/console-*.png.
 */
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { Wallet } from "ethers";
import { PDFDocument, StandardFonts } from "pdf-lib";
import type { BrowserContext, FileChooser, Page } from "playwright-core";
import { generateSigningKey } from "../../src/crypto/keys";
import {
  call,
  eventually,
  form,
  recogniseOrigin,
  signedCredential,
  startServer,
  stopPayloadStore,
  stopServers,
  type TestServer,
} from "../server/server-world";
import { closeBrowser, openPage as openBrowserPage, screenshot } from "./browser";

const contexts: BrowserContext[] = [];

/** A fresh page (see browser.ts), closed after its test even when the test fails half-way. */
async function openPage(...args: Parameters<typeof openBrowserPage>): ReturnType<typeof openBrowserPage> {
  const opened = await openBrowserPage(...args);
  contexts.push(opened.context);
  return opened;
}

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

/** Anchors a PDF through the API (as an authority's own system would) and waits until the ledger and index have it. */
async function anchorPdfThroughApi(server: TestServer, token: string, number: string): Promise<string> {
  const validUntil = new Date(Date.now() + 365 * 86_400_000).toISOString();
  const fields = { type: "conformityCertificate", number, validUntil, stamp: "false" };
  const answer = await call(server, "/v1/certificates", {
    method: "POST",
    token,
    body: form(fields, { bytes: await certificatePdf(number) }),
  });
  expect(answer.status, answer.text).to.equal(202);
  const certHash = answer.body.certHash as string;
  await eventually(async () => {
    const detail = await call(server, `/v1/certificates/${certHash}`);
    const body = detail.body as { anchoring?: string; certificate?: unknown };
    return body.anchoring === "anchored" && body.certificate !== undefined;
  }, `${number} is anchored and indexed`);
  return certHash;
}

/** Opens the verification link of `certHash` (no key: status only) and returns the verdict shown for it. */
async function verifyHash(page: Page, server: TestServer, certHash: string): Promise<string> {
  await page.goto(`${server.url}/v/${certHash}`);
  const verdict = page.locator('[data-testid="verdict"]');
  await verdict.waitFor({ timeout: 20_000 });
  await page.locator('[data-testid="facts"] code.hash', { hasText: certHash }).first().waitFor();
  return (await verdict.getAttribute("data-verdict")) ?? "";
}

/** The ledger's record of `certHash` as GET /v1/certificates/{certHash} reads it. */
async function ledgerStatus(server: TestServer, certHash: string): Promise<string | undefined> {
  const detail = await call(server, `/v1/certificates/${certHash}`);
  return (detail.body as { record?: { status: string } }).record?.status;
}

/** Presses Tab (Shift+Tab when `backwards`) until the focused element matches `selector`; fails after `max` presses. */
async function tabTo(page: Page, selector: string, options: { backwards?: boolean; max?: number } = {}): Promise<void> {
  for (let i = 0; i < (options.max ?? 40); i++) {
    if (await page.evaluate(`document.activeElement?.matches(${JSON.stringify(selector)}) ?? false`)) return;
    await page.keyboard.press(options.backwards ? "Shift+Tab" : "Tab");
  }
  throw new Error(`Tab never reached ${selector}`);
}

/**
 * Presses Space on the focused `selector` (a file input) until the browser's file chooser opens. Opening it is
 * Chromium's part, not the console's, and under a loaded CI machine it now and then ignored one key press; a person
 * would press again. What the console answers for is that the input is reached and stays focused, checked each time.
 */
async function openChooserWithSpace(page: Page, selector: string): Promise<FileChooser> {
  for (let attempt = 1; ; attempt++) {
    expect(
      await page.evaluate(`document.activeElement?.matches(${JSON.stringify(selector)}) ?? false`),
      `${selector} has the focus`,
    ).to.equal(true);
    try {
      const [chooser] = await Promise.all([page.waitForEvent("filechooser", { timeout: 5_000 }), page.keyboard.press("Space")]);
      return chooser;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

/** Where the keyboard focus is: the focused element's id or data-testid, and whether it sits in an open dialog. */
// A string, not a function: the tests are type-checked without the DOM's types.
function focused(page: Page): Promise<{ id: string; testId: string; inDialog: boolean }> {
  return page.evaluate(`(() => {
    const active = document.activeElement;
    return { id: active?.id ?? "", testId: active?.dataset?.testid ?? "", inDialog: active?.closest("dialog[open]") != null };
  })()`);
}

describe("issuer console (headless Chromium)", function () {
  this.timeout(120_000);
  let server: TestServer;
  let dir: string;

  before(async function () {
    server = await startServer();
    dir = await mkdtemp(path.join(os.tmpdir(), "certledger-console-"));
  });
  afterEach(async function () {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
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
    expect(await row.locator("td.status").textContent()).to.equal("Revoked: Withdrawn (conditions no longer met)");

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
    expect((await server.world.client.getSigningKey(kgBody.id, fresh.thumbprint))?.compromisedAt).to.be.a("bigint");
    await screenshot(page, "console-signing-keys");
    expect(errors).to.deep.equal([]);
    await context.close();
  });

  it("a certificate suspended in the console, behind a confirmation, reads SUSPENDED on the verifier and under the status filter; reinstated, it is VALID again", async function () {
    const authority = server.world.authorities.kgBody;
    const token = await server.issuerToken(authority.id);
    const number = `KG-SUSPEND-${Date.now()}`;
    const certHash = await anchorPdfThroughApi(server, token, number);

    const { context, page, errors } = await openPage();
    const { context: verifierContext, page: verifier, errors: verifierErrors } = await openPage();
    expect(await verifyHash(verifier, server, certHash)).to.equal("VALID");
    await signIn(page, server, token);
    await page.click('[data-tab="certificates"]');
    const row = page.locator(`tr[data-cert-hash="${certHash}"]`);
    await row.waitFor();
    expect(await row.getAttribute("data-status")).to.equal("anchored");

    await row.locator('[data-action="suspend"]').click();
    const dialog = page.locator('[data-testid="status-dialog"]');
    await dialog.waitFor();
    expect(await dialog.locator("#status-dialog-question").textContent()).to.contain(number);
    await screenshot(page, "console-suspend-dialog");
    await dialog.locator('[data-testid="dialog-confirm"]').click();
    await dialog.waitFor({ state: "detached", timeout: 20_000 });
    await page.locator(`tr[data-cert-hash="${certHash}"][data-status="suspended"]`).waitFor({ timeout: 20_000 });
    expect(await ledgerStatus(server, certHash)).to.equal("Suspended");

    expect(await verifyHash(verifier, server, certHash)).to.equal("SUSPENDED");
    await verifier.locator('[data-testid="history"] li[data-event="CertificateSuspended"]').waitFor();
    await screenshot(verifier, "console-verifier-suspended");

    // The status filter: found among the suspended ones, absent from the anchored ones.
    const summary = page.locator('[data-testid="list-summary"]');
    await page.fill("#list-number", number);
    await page.selectOption("#list-status", "anchored");
    await page.click('[data-testid="list-submit"]');
    await summary.filter({ hasText: "No certificates" }).waitFor();
    expect(await row.count()).to.equal(0);
    await page.selectOption("#list-status", "suspended");
    await page.click('[data-testid="list-submit"]');
    await row.waitFor();
    expect(await page.locator("tr[data-cert-hash]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-status")))).to.deep.equal([
      "suspended",
    ]);
    await screenshot(page, "console-filter-suspended");

    await row.locator('[data-action="reinstate"]').click();
    expect(await dialog.locator("#status-dialog-question").textContent()).to.contain(number);
    await dialog.locator('[data-testid="dialog-confirm"]').click();
    await dialog.waitFor({ state: "detached", timeout: 20_000 });
    await page.selectOption("#list-status", "anchored");
    await page.click('[data-testid="list-submit"]');
    await page.locator(`tr[data-cert-hash="${certHash}"][data-status="anchored"]`).waitFor({ timeout: 20_000 });
    expect(await ledgerStatus(server, certHash)).to.equal("Active");
    expect(await verifyHash(verifier, server, certHash)).to.equal("VALID");
    await verifier.locator('[data-testid="history"] li[data-event="CertificateReinstated"]').waitFor();
    expect(errors).to.deep.equal([]);
    expect(verifierErrors).to.deep.equal([]);
    await verifierContext.close();
    await context.close();
  });

  it("a party admin suspends and reactivates an authority, adds an account to it and rotates its signing key, each read back from the API", async function () {
    const adminToken = await server.adminToken("KG");
    const validUntil = new Date(Date.now() + 2 * 365 * 86_400_000).toISOString();
    const name = `KG rotation laboratory ${Date.now()}`;
    const registered = await call(server, "/v1/authorities", {
      method: "POST",
      token: adminToken,
      json: { name, accounts: [Wallet.createRandom().address], scope: ["testReport"], validUntil },
    });
    expect(registered.status, registered.text).to.equal(201);
    const id = registered.body.authorityId as number;
    const oldKey = await generateSigningKey();
    const keyAdded = await call(server, `/v1/authorities/${id}/keys`, {
      method: "POST",
      token: adminToken,
      json: { jwk: oldKey.publicJwk, validUntil },
    });
    expect(keyAdded.status, keyAdded.text).to.be.oneOf([200, 201]);
    const authorityOnLedger = async () => (await call(server, `/v1/authorities/${id}`)).body as { status: string; accounts: string[] };

    const { context, page, errors } = await openPage();
    await signIn(page, server, adminToken);
    const row = page.locator(`[data-testid="authorities"] tr[data-authority-id="${id}"]`);
    await row.waitFor({ timeout: 10_000 });
    expect(await row.getAttribute("data-status")).to.equal("Active");

    await row.locator('[data-action="suspend"]').click();
    expect(await page.locator("#confirm-question").textContent()).to.contain(name);
    await page.click('[data-testid="dialog-confirm"]');
    await page.locator(`[data-testid="authorities"] tr[data-authority-id="${id}"][data-status="Suspended"]`).waitFor({ timeout: 10_000 });
    expect((await authorityOnLedger()).status).to.equal("Suspended");
    await screenshot(page, "console-authority-suspended");
    await row.locator('[data-action="reactivate"]').click();
    await page.click('[data-testid="dialog-confirm"]');
    await page.locator(`[data-testid="authorities"] tr[data-authority-id="${id}"][data-status="Active"]`).waitFor({ timeout: 10_000 });
    expect((await authorityOnLedger()).status).to.equal("Active");

    const account = Wallet.createRandom().address;
    await page.selectOption("#account-authority", String(id));
    await page.fill("#account-address", account);
    await page.click('[data-testid="add-account"]');
    await page.locator('[data-testid="account-message"][data-kind="ok"]').waitFor({ timeout: 10_000 });
    expect((await authorityOnLedger()).accounts.map((a) => a.toLowerCase())).to.include(account.toLowerCase());
    await row.filter({ hasText: account }).waitFor({ timeout: 10_000 });

    // The list opens on the party's first authority and asks for its keys; this one is picked before that answer
    // comes back, and the late answer must not paint over this authority's keys (it did, now and then, under load).
    await page.route(/\/v1\/authorities\/\d+\/keys$/, async (route) => {
      if (!route.request().url().endsWith(`/v1/authorities/${id}/keys`)) await new Promise((resolve) => setTimeout(resolve, 1_500));
      await route.continue();
    });
    await page.click('[data-tab="keys"]');
    await page.selectOption("#keys-authority", String(id));
    const keys = page.locator('[data-testid="signing-keys"] tbody');
    const oldRow = keys.locator(`tr[data-thumbprint="${oldKey.thumbprint}"]`);
    await oldRow.waitFor();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await oldRow.count(), "the first authority's late answer left this one's keys in place").to.equal(1);
    const newKey = await generateSigningKey();
    await oldRow.locator('[data-action="rotate"]').click();
    await page.fill("#rotate-key", JSON.stringify(newKey.publicJwk));
    await screenshot(page, "console-rotate-dialog");
    await page.click('[data-testid="dialog-confirm"]');
    await keys.locator(`tr[data-thumbprint="${newKey.thumbprint}"]`).waitFor({ timeout: 10_000 });
    const { keys: listed } = (await call(server, `/v1/authorities/${id}/keys`)).body as {
      keys: { thumbprint: string; validUntil: string }[];
    };
    const ended = listed.find((k) => k.thumbprint === oldKey.thumbprint)!;
    const successor = listed.find((k) => k.thumbprint === newKey.thumbprint)!;
    // "Now" is the chain's: earlier tests may have moved the in-process chain's clock away from this machine's.
    const chainNow = (await time.latest()) * 1000;
    expect(Date.parse(ended.validUntil), "the rotated key ends now").to.be.at.most(chainNow + 60_000);
    expect(Date.parse(successor.validUntil)).to.be.greaterThan(chainNow + 365 * 86_400_000);
    // The screen says so too: the old key has ended (it is no longer "valid") and cannot be rotated again.
    await keys.locator(`tr[data-thumbprint="${oldKey.thumbprint}"][data-state="ended"]`).waitFor({ timeout: 10_000 });
    expect(await oldRow.textContent()).to.match(/replaced .* by 0x[0-9a-f]{8}/);
    expect(await oldRow.locator('[data-action="rotate"]').count()).to.equal(0);
    expect(await keys.locator(`tr[data-thumbprint="${newKey.thumbprint}"]`).getAttribute("data-state")).to.equal("valid");
    await screenshot(page, "console-key-rotated");
    expect(errors).to.deep.equal([]);
    await context.close();
  });

  it("a border agency accepts a certificate of origin and writes its declaration off in the console; the issuer sees it under the certificate", async function () {
    const chamber = server.world.authorities.kzChamber;
    const issuerToken = await server.issuerToken(chamber.id);
    const { vc } = await signedCredential("certificateOfOrigin", chamber);
    const accepted = await call(server, "/v1/certificates", { method: "POST", token: issuerToken, json: { credential: vc } });
    expect(accepted.status, accepted.text).to.equal(202);
    const certHash = accepted.body.certHash as string;
    await eventually(async () => (await call(server, `/v1/certificates/${certHash}`)).body.anchoring === "anchored", "anchored");
    const document = await fetch(`${server.url}/v1/certificates/${certHash}/document`, {
      headers: { authorization: `Bearer ${issuerToken}` },
    });
    const jwt = path.join(dir, "origin.jwt");
    await writeFile(jwt, await document.text());
    await recogniseOrigin(server, ["UZ"]);
    const uz = await server.agency("UZ", "UZ Customs Committee");

    const { page, errors } = await openPage();
    await signIn(page, server, uz.token);
    expect(await page.locator('[data-testid="signed-in-as"]').textContent()).to.contain("UZ Customs Committee");
    expect(await page.locator("[data-tab]").evaluateAll((tabs) => tabs.map((tab) => tab.getAttribute("data-tab")))).to.deep.equal([
      "border",
    ]);
    await page.fill("#border-certHash", certHash);
    await page.setInputFiles("#border-credential", jwt);
    await page.selectOption("#border-outcome", "accepted");
    await page.click('[data-testid="record-outcome"]');
    const use = page.locator('[data-testid="border-use"] [data-testid="use"]');
    await use.locator('li[data-outcome="accepted"]').waitFor({ timeout: 20_000 });
    await page.fill("#border-declaration", "UZ-GTD-CONSOLE-1");
    await page.fill("#border-quantity", "10000");
    await page.click('[data-testid="write-off"]');
    await use.locator('li[data-item="1"]', { hasText: "10,000 of 18,000 KGM used" }).waitFor({ timeout: 20_000 });
    // Sent again, the same declaration is answered from the ledger, not written off twice.
    await page.click('[data-testid="write-off"]');
    await page.locator('[data-testid="border-message"]', { hasText: "already written off" }).waitFor({ timeout: 20_000 });
    expect(await use.locator('li[data-item="1"]').textContent()).to.equal("Item 1: 10,000 of 18,000 KGM used");
    // More than is left is refused, with what is left.
    await page.fill("#border-declaration", "UZ-GTD-CONSOLE-2");
    await page.fill("#border-quantity", "9000");
    await page.click('[data-testid="write-off"]');
    await page.locator('[data-testid="border-message"]', { hasText: "8000 KGM left" }).waitFor({ timeout: 20_000 });
    await screenshot(page, "console-border");

    // The issuer, in its own console, opens the certificate's row and sees what UZ did.
    const { page: issuerPage, errors: issuerErrors } = await openPage();
    await signIn(issuerPage, server, issuerToken);
    await issuerPage.click('[data-tab="certificates"]');
    const row = issuerPage.locator(`tr[data-cert-hash="${certHash}"]`);
    await row.waitFor({ timeout: 20_000 });
    await row.locator('[data-action="links"]').click();
    const issuerUse = issuerPage.locator('[data-testid="certificate-use"] [data-testid="use"]');
    await issuerUse.locator('li[data-outcome="accepted"][data-party="UZ"]').waitFor({ timeout: 20_000 });
    expect(await issuerUse.locator('li[data-item="1"]').textContent()).to.equal("Item 1: 10,000 of 18,000 KGM used");
    await screenshot(issuerPage, "console-issuer-use");
    // The browser logs the refused write-off's 409 itself; nothing else went wrong.
    expect(errors.filter((e) => !/status of 409/.test(e))).to.deep.equal([]);
    expect(issuerErrors).to.deep.equal([]);
  });

  it("switched to Russian mid-session, the console's labels change in place, and the choice is remembered on reload", async function () {
    const { context, page, errors } = await openPage();
    await signIn(page, server, await server.issuerToken(server.world.authorities.kgBody.id));
    await page.click('[data-tab="certificates"]');
    await page.locator('[data-testid="list-summary"]').filter({ hasNotText: "Loading" }).waitFor();
    expect(await page.locator("#list-heading").textContent()).to.equal("Certificates");
    expect(await page.locator("html").getAttribute("lang")).to.equal("en");

    await page.selectOption("#language-select", "ru");
    await page.locator('[data-tab="anchor"]', { hasText: "Зарегистрировать сертификат" }).waitFor();
    expect(await page.locator("html").getAttribute("lang")).to.equal("ru");
    // Still signed in, on the same screen, with the focus kept on the switch.
    expect(await page.locator('[data-tab="certificates"]').getAttribute("aria-current")).to.equal("page");
    expect(await page.locator('label[for="list-status"]').textContent()).to.equal("Статус");
    expect(await page.locator('[data-testid="list-submit"]').textContent()).to.equal("Показать");
    expect(await page.locator('[data-testid="signed-in-as"]').textContent()).to.match(/^Орган \d+: KG certification body \(KG\)/);
    expect(await page.title()).to.equal("CertLedger — консоль органа выдачи");
    expect((await focused(page)).id).to.equal("language-select");
    await screenshot(page, "console-russian");

    await page.reload();
    await page.locator('[data-testid="signed-in-as"]').waitFor();
    expect(await page.locator("html").getAttribute("lang")).to.equal("ru");
    expect(await page.locator('[data-tab="anchor"]').textContent()).to.equal("Зарегистрировать сертификат");
    expect(await page.locator("#language-select").inputValue()).to.equal("ru");
    expect(errors).to.deep.equal([]);
    await context.close();
  });

  it("keyboard only: the anchoring form is filled and sent with Tab, Space and Enter; the confirmation dialog keeps the focus and Escape closes it without acting", async function () {
    const number = `KG-KEYS-${Date.now()}`;
    const file = path.join(dir, "keyboard.pdf");
    await writeFile(file, await certificatePdf(number));
    const { context, page, errors } = await openPage();
    const posted: string[] = [];
    page.on("request", (request) => {
      if (request.method() === "POST") posted.push(new URL(request.url()).pathname);
    });
    await signIn(page, server, await server.issuerToken(server.world.authorities.kgBody.id));

    await tabTo(page, "#file-file");
    const chooser = await openChooserWithSpace(page, "#file-file");
    await chooser.setFiles(file);
    await page.keyboard.press("Tab");
    expect((await focused(page)).id, "the number follows the file").to.equal("file-number");
    await page.keyboard.type(number);
    await tabTo(page, '[data-testid="anchor-file-submit"]');
    await page.keyboard.press("Enter");
    await page.locator('[data-testid="anchor-status"][data-status="anchored"]').waitFor({ timeout: 30_000 });
    const certHash = (await page.locator('[data-testid="anchoring"]').getAttribute("data-cert-hash"))!;
    expect(posted).to.deep.equal(["/v1/certificates"]);

    await tabTo(page, '[data-tab="certificates"]', { backwards: true });
    await page.keyboard.press("Enter");
    const suspend = `tr[data-cert-hash="${certHash}"] [data-action="suspend"]`;
    await page.locator(suspend).waitFor();
    await tabTo(page, suspend);
    await page.keyboard.press("Enter");
    const dialog = page.locator('[data-testid="status-dialog"]');
    await dialog.waitFor();
    expect((await focused(page)).testId, "the safe choice has the focus").to.equal("dialog-cancel");
    await screenshot(page, "console-keyboard-dialog");
    const stops: string[] = [];
    for (const key of ["Tab", "Tab", "Tab", "Tab", "Shift+Tab", "Shift+Tab", "Shift+Tab", "Shift+Tab", "Shift+Tab"]) {
      await page.keyboard.press(key);
      const where = await focused(page);
      expect(where.inDialog, `after ${key} the focus is still in the dialog (${stops.join(", ")})`).to.equal(true);
      stops.push(where.testId || where.id);
    }
    expect(stops).to.include.members(["dialog-cancel", "dialog-confirm"]);

    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    expect(
      await page.evaluate(`document.activeElement?.matches(${JSON.stringify(suspend)}) ?? false`),
      "the focus is back on the button",
    ).to.equal(true);
    // Nothing was asked of the ledger.
    expect(posted).to.deep.equal(["/v1/certificates"]);
    expect(await ledgerStatus(server, certHash)).to.equal("Active");
    expect(await page.locator(`tr[data-cert-hash="${certHash}"]`).getAttribute("data-status")).to.equal("anchored");
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
