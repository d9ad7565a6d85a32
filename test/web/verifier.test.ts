/**
 * The public verifier page in headless Chromium against one real API server (chain, IPFS, pipeline): every way in
 * (link with and without its key, QR picture, hash, number, file), every verdict, the content decrypted in the browser
 * without the key ever leaving it, Russian, a phone screen, the receipt. Screenshots: test-output/screenshots/verifier-*.png.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { expect } from "chai";
import { PDFDocument, StandardFonts } from "pdf-lib";
import QRCode from "qrcode";
import type { Page, Request } from "playwright-core";
import { decryptWithLinkKey } from "../../src/crypto/payload-encryption";
import { certificateNumberHash, certHashOf } from "../../src/documents/hashing";
import { stampPdf } from "../../src/documents/pdf-stamp";
import { verifyReceipt } from "../../src/verify";
import { time } from "../contracts/fixtures";
import {
  call,
  recogniseOrigin,
  DAY,
  eventually,
  form,
  issueCredential as issueWorldCredential,
  signedCredential,
  startServer,
  stopPayloadStore,
  stopServers,
  type TestServer,
} from "../server/server-world";
import { closeBrowser, openPage, screenshot, SCREENSHOT_DIR } from "./browser";

interface Issued {
  certHash: string;
  /** The verification link's path and fragment, as the QR code carries it (on the test server's origin). */
  link: string;
  linkKey: string;
  number: string;
}

/** Issues a conformity certificate (an encrypted credential) through the API and waits until it is anchored. */
async function issueCredential(server: TestServer): Promise<Issued> {
  const authority = server.world.authorities.kgBody;
  const { vc } = await signedCredential("conformityCertificate", authority);
  const token = await server.issuerToken(authority.id);
  const accepted = await call(server, "/v1/certificates", { method: "POST", token, json: { credential: vc } });
  expect(accepted.status, accepted.text).to.equal(202);
  const certHash = accepted.body.certHash as string;
  const verifyLink = new URL((accepted.body.links as { verify: string }).verify);
  await anchoredAndIndexed(server, certHash);
  return {
    certHash,
    link: verifyLink.pathname + verifyLink.hash,
    linkKey: accepted.body.linkKey as string,
    number: (vc.credentialSubject as { certificateNumber: string }).certificateNumber,
  };
}

/** A PDF stamped as the server stamps it (QR code and "Verify at" line naming KG and its number), anchored directly. */
async function anchorStampedPdf(server: TestServer): Promise<{ bytes: Uint8Array; certHash: string; number: string }> {
  const number = `KG-STAMP-${Date.now()}`;
  const document = await PDFDocument.create();
  const page = document.addPage([595, 842]);
  page.drawText(`Conformity certificate ${number}`, { x: 50, y: 780, size: 16, font: await document.embedFont(StandardFonts.Helvetica) });
  const link = `https://certledger.example/v/KG/${encodeURIComponent(number)}`;
  const bytes = await stampPdf(await document.save(), { qrLink: `${link}#k=${"A".repeat(43)}`, printedLink: link, number });
  const certHash = certHashOf(bytes);
  await anchorOnLedger(server, "kgBody", certHash, 1, number);
  return { bytes, certHash, number };
}

/** Anchors `certHash` straight on the ledger from a KG authority's account, for 90 days, under KG's `number`. */
async function anchorOnLedger(
  server: TestServer,
  authority: "kgBody" | "kgPlant",
  certHash: string,
  certType: number,
  number: string,
): Promise<void> {
  await server.world.client.withSigner(server.world.authorities[authority].account).anchorCertificate({
    certHash,
    certType,
    validUntil: BigInt(await time.latest()) + 90n * DAY,
    numberHash: certificateNumberHash("KG", number),
  });
}

/** Issues a PDF through the API, which stamps it with its party-and-number link; returns that link (with its key). */
async function issueStampedPdf(server: TestServer, number: string, text: string): Promise<{ certHash: string; link: string }> {
  const document = await PDFDocument.create();
  document.addPage([595, 842]).drawText(text, { x: 50, y: 780, size: 14, font: await document.embedFont(StandardFonts.Helvetica) });
  const authority = server.world.authorities.kgBody;
  const fields = { type: "conformityCertificate", number, validUntil: new Date(Date.now() + 90 * 86_400_000).toISOString() };
  const token = await server.issuerToken(authority.id);
  const accepted = await call(server, "/v1/certificates", { method: "POST", token, body: form(fields, { bytes: await document.save() }) });
  expect(accepted.status, accepted.text).to.equal(202);
  const stampedLink = new URL((accepted.body.links as { stamped: string }).stamped);
  return { certHash: accepted.body.certHash as string, link: stampedLink.pathname + stampedLink.hash };
}

/** Waits until `certHash` is anchored and the chain index has it. */
async function anchoredAndIndexed(server: TestServer, certHash: string): Promise<void> {
  await eventually(async () => {
    const answer = await call(server, `/v1/certificates/${certHash}`);
    return answer.body.anchoring === "anchored" && answer.body.certificate !== undefined;
  }, `${certHash} anchored and indexed`);
}

/**
 * A photo-like picture, drawn by the browser: the QR code of `text` small in a large frame, off-centre, slightly turned
 * and blurred, grey ink on a noisy grey ground (a PNG, as a phone's screenshot or a scanned photo would be).
 */
async function qrPhoto(page: Page, text: string): Promise<Buffer> {
  const qr = await QRCode.toDataURL(text, {
    errorCorrectionLevel: "M",
    scale: 5,
    margin: 2,
    color: { dark: "#2a2a2aff", light: "#ececdfff" },
  });
  // A script, not a function: this file is type-checked without the DOM's types.
  const dataUrl = await page.evaluate<string>(
    `(async (qr) => {
      const image = new Image();
      image.src = qr;
      await image.decode();
      const canvas = document.createElement("canvas");
      canvas.width = 1400;
      canvas.height = 1000;
      const context = canvas.getContext("2d");
      // Uneven light across a desk, and the grain of a phone camera.
      const ground = context.createImageData(canvas.width, canvas.height);
      let seed = 7;
      for (let i = 0; i < ground.data.length; i += 4) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        const x = (i / 4) % canvas.width;
        const grey = 150 + Math.round((60 * x) / canvas.width) + (seed % 9) - 4;
        ground.data.set([grey, grey - 6, grey - 14, 255], i);
      }
      context.putImageData(ground, 0, 0);
      context.translate(820, 470);
      context.rotate(0.06);
      context.filter = "blur(0.6px)";
      context.drawImage(image, -image.width / 2, -image.height / 2);
      return canvas.toDataURL("image/png");
    })(${JSON.stringify(qr)})`,
  );
  return Buffer.from(dataUrl.replace(/^data:image\/png;base64,/, ""), "base64");
}

/** A picture with no QR code in it. */
async function blankPicture(page: Page): Promise<Buffer> {
  const dataUrl = await page.evaluate<string>(
    `(() => { const c = document.createElement("canvas"); c.width = 200; c.height = 120; return c.toDataURL("image/png"); })()`,
  );
  return Buffer.from(dataUrl.replace(/^data:image\/png;base64,/, ""), "base64");
}

/** Waits until the page shows a verdict for `certHash` (another check may still be on screen a moment before). */
async function waitForReport(page: Page, verdict: string, certHash?: string): Promise<void> {
  await page
    .locator(`[data-testid="verdict"][data-verdict="${verdict}"]`)
    .waitFor({ timeout: 20_000 })
    .catch(async (error: Error) => {
      // Say what the page shows instead: a verdict, an error, or nothing yet.
      const shown = await page
        .locator("#main")
        .innerText()
        .catch(() => "(no page)");
      throw new Error(`${error.message}\nthe page shows instead:\n${shown.slice(0, 1500)}`);
    });
  if (certHash) await page.locator('[data-testid="facts"] code.hash', { hasText: certHash }).first().waitFor();
}

/** Every request the page makes, with its body, to prove what left the browser. */
function recordRequests(page: Page): { url: string; method: string; contentType: string; body: string }[] {
  const requests: { url: string; method: string; contentType: string; body: string }[] = [];
  page.on("request", (request: Request) =>
    requests.push({
      url: request.url(),
      method: request.method(),
      contentType: request.headers()["content-type"] ?? "",
      body: request.postDataBuffer()?.toString("latin1") ?? "",
    }),
  );
  return requests;
}

describe("web: the verifier page", function () {
  this.timeout(120_000);
  let server: TestServer;
  let valid: Issued;
  let revoked: Issued;
  let suspended: Issued;
  let stamped: { bytes: Uint8Array; certHash: string; number: string };

  before(async function () {
    server = await startServer();
    // Anchored straight on the chain before the API's batcher uses the same account.
    stamped = await anchorStampedPdf(server);
    [valid, revoked, suspended] = [await issueCredential(server), await issueCredential(server), await issueCredential(server)];
    const token = await server.issuerToken(server.world.authorities.kgBody.id);
    const revoke = await call(server, `/v1/certificates/${revoked.certHash}/revoke`, {
      method: "POST",
      token,
      json: { reason: "superseded", replacement: valid.certHash },
    });
    expect(revoke.status, revoke.text).to.equal(200);
    const suspend = await call(server, `/v1/certificates/${suspended.certHash}/suspend`, { method: "POST", token, json: {} });
    expect(suspend.status, suspend.text).to.equal(200);
  });

  after(async function () {
    await stopServers();
    await stopPayloadStore();
    await closeBrowser();
  });

  it("opening the QR link of an encrypted credential shows VALID, every check, the history and the decrypted fields, and no request carries the key", async function () {
    const { context, page, errors } = await openPage();
    const requests = recordRequests(page);
    await page.goto(server.url + valid.link);
    await waitForReport(page, "VALID", valid.certHash);
    const checks = await page.locator('[data-testid="checks"] li').evaluateAll((items) => items.map((li) => li.getAttribute("data-check")));
    expect(checks).to.deep.equal(["integrity", "anchored", "issuer", "signature", "status", "payload", "recognition"]);
    await page.locator('[data-testid="content"][data-content="opened"]').waitFor();
    const numberField = page.locator('[data-testid="credential-fields"] tr[data-field="credentialSubject.certificateNumber"] td');
    expect(await numberField.textContent()).to.equal(valid.number);
    expect(await page.locator('[data-testid="facts"]').textContent()).to.include("KG certification body");
    expect(await page.locator('[data-testid="history"] li').first().getAttribute("data-event")).to.match(/Anchored$/);
    await screenshot(page, "verifier-valid-credential");

    expect(
      requests.some((r) => r.url.includes("/v1/payloads/")),
      "the payload was fetched",
    ).to.equal(true);
    // Every body sent was JSON, so every body is looked at below (a multipart file body is not visible to the test).
    expect(requests.filter((r) => r.method !== "GET").map((r) => r.contentType)).to.satisfy((types: string[]) =>
      types.every((type) => type.startsWith("application/json")),
    );
    for (const request of requests) {
      expect(request.url, "a request URL").not.to.include(valid.linkKey);
      expect(request.body, `the body sent to ${request.url}`).not.to.include(valid.linkKey);
    }
    expect(errors).to.deep.equal([]);
    await context.close();
  });

  it("the same link without the key shows the status only: no content is fetched or shown", async function () {
    const { context, page, errors } = await openPage();
    const requests = recordRequests(page);
    await page.goto(`${server.url}/v/${valid.certHash}`);
    await waitForReport(page, "VALID", valid.certHash);
    await page.locator('[data-testid="content"][data-content="no-key"]').waitFor();
    expect(await page.locator('[data-testid="credential-fields"]').count()).to.equal(0);
    expect(requests.filter((r) => r.url.includes("/v1/payloads/"))).to.deep.equal([]);
    await screenshot(page, "verifier-status-only");
    expect(errors).to.deep.equal([]);
    await context.close();
  });

  it("a photo-like picture of the QR code verifies the right certificate and opens its content", async function () {
    const { context, page, errors } = await openPage();
    await page.goto(`${server.url}/`);
    const photo = await qrPhoto(page, server.url + valid.link);
    await page.locator("#qr-input").setInputFiles({ name: "photo.png", mimeType: "image/png", buffer: photo });
    await waitForReport(page, "VALID", valid.certHash);
    expect(new URL(page.url()).pathname).to.equal(`/v/${valid.certHash}`);
    await page.locator('[data-testid="content"][data-content="opened"]').waitFor();
    await screenshot(page, "verifier-qr-photo");

    // A picture without a QR code says so, in words.
    await page.locator("#qr-input").setInputFiles({ name: "blank.png", mimeType: "image/png", buffer: await blankPicture(page) });
    await page.locator("#status .error").waitFor();
    expect(await page.locator("#status .error").textContent()).to.match(/No QR code/);
    expect(errors).to.deep.equal([]);
    await context.close();
  });

  it("a revoked certificate reads REVOKED, with its reason and a link to its replacement in the timeline", async function () {
    const { context, page, errors } = await openPage();
    await page.goto(`${server.url}/v/${revoked.certHash}`);
    await waitForReport(page, "REVOKED", revoked.certHash);
    const revocation = page.locator('[data-testid="history"] li[data-event="CertificateRevoked"]');
    expect(await revocation.locator('[data-testid="revocation-reason"]').textContent()).to.equal(
      "Reason: superseded by another certificate",
    );
    const replacement = revocation.locator('[data-testid="replacement-link"]');
    expect(await replacement.getAttribute("href")).to.equal(`/v/${valid.certHash}`);
    expect(await page.locator('[data-check="status"]').textContent()).to.include("Revoked: superseded by another certificate");
    await screenshot(page, "verifier-revoked");
    // The replacement is one click away, verified in place.
    await replacement.click();
    await waitForReport(page, "VALID", valid.certHash);
    expect(errors).to.deep.equal([]);
    await context.close();
  });

  it("a suspended certificate reads SUSPENDED; an unknown hash NOT_FOUND; a malformed hash is refused in words", async function () {
    const { context, page, errors } = await openPage();
    await page.goto(`${server.url}/v/${suspended.certHash}`);
    await waitForReport(page, "SUSPENDED", suspended.certHash);
    await screenshot(page, "verifier-suspended");

    await page.locator("#hash-input").fill("12345");
    await page.locator("#hash-submit").click();
    await page.locator("#status .error").waitFor();
    expect(await page.locator("#status .error").textContent()).to.include("64 hex digits");

    const unknown = "0x" + "5a".repeat(32);
    await page.locator("#hash-input").fill(unknown.toUpperCase().replace("0X", ""));
    await page.locator("#hash-submit").click();
    await waitForReport(page, "NOT_FOUND");
    expect(new URL(page.url()).pathname).to.equal(`/v/${unknown}`);
    expect(await page.locator('[data-check="anchored"]').getAttribute("data-result")).to.equal("fail");
    await screenshot(page, "verifier-not-found");

    // A link cut short names nothing, and the page says so.
    await page.goto(`${server.url}/v/KG`);
    await page.locator("#status .error").waitFor();
    expect(await page.locator("#status .error").textContent()).to.include("not a whole verification link");
    expect(errors).to.deep.equal([]);
    await context.close();
  });

  it("a certificate number with its issuing party verifies the certificate anchored with it", async function () {
    const { context, page, errors } = await openPage();
    await page.goto(`${server.url}/`);
    await page.locator("#number-input").fill(valid.number);
    await page.locator("#party-select").selectOption("KG");
    await page.locator("#number-submit").click();
    await waitForReport(page, "VALID", valid.certHash);
    expect(new URL(page.url()).pathname).to.equal(`/v/KG/${encodeURIComponent(valid.number)}`);
    expect(errors).to.deep.equal([]);
    await context.close();
  });

  it("a stamped PDF is checked by its hash alone; one changed byte reads TAMPERED, the stamp naming the certificate it claims to be", async function () {
    const { context, page, errors } = await openPage();
    const requests = recordRequests(page);
    await page.goto(`${server.url}/`);
    // Dropped on the drop zone, as a person drags it from a folder.
    await page.evaluate(
      `(() => {
        const bytes = Uint8Array.from(atob(${JSON.stringify(Buffer.from(stamped.bytes).toString("base64"))}), (c) => c.charCodeAt(0));
        const transfer = new DataTransfer();
        transfer.items.add(new File([bytes], "certificate.pdf", { type: "application/pdf" }));
        document.querySelector(".dropzone").dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
      })()`,
    );
    await waitForReport(page, "VALID", stamped.certHash);
    const verifyCalls = requests.filter((r) => r.url.endsWith("/v1/verify"));
    expect(verifyCalls.map((r) => JSON.parse(r.body) as unknown)).to.deep.equal([{ certHash: stamped.certHash }]);
    expect(await page.locator('[data-testid="file-notes"] [data-note="hash"]').textContent()).to.include(stamped.certHash);

    const altered = Buffer.from(stamped.bytes);
    altered[10] ^= 0x01; // in the binary comment line after the header: still a readable PDF, no longer the anchored bytes
    requests.length = 0;
    await page.locator("#file-input").setInputFiles({ name: "altered.pdf", mimeType: "application/pdf", buffer: altered });
    await waitForReport(page, "TAMPERED");
    expect(await page.locator('[data-testid="file-notes"] [data-note="stamp"]').textContent()).to.include(stamped.number);
    expect(await page.locator('[data-check="integrity"]').getAttribute("data-result")).to.equal("fail");
    // Only the document that did not match was sent, with the certificate it claims to be.
    const uploads = requests.filter((r) => r.contentType.startsWith("multipart/form-data"));
    expect(uploads.map((r) => r.url)).to.deep.equal([`${server.url}/v1/verify`]);
    expect(await page.locator('[data-check="integrity"] details').textContent()).to.include(`claims to be ${stamped.certHash}`);
    await screenshot(page, "verifier-tampered-pdf");
    expect(errors).to.deep.equal([]);
    await context.close();
  });

  it("an ePhyto XML file shows what it says (read in the browser, never sent) beside the ledger's answer, in English and Russian", async function () {
    const bytes = await readFile(path.join(__dirname, "../../examples/phytosanitary-certificate.xml"));
    const certHash = certHashOf(bytes);
    await anchorOnLedger(server, "kgPlant", certHash, 4, "KG-PC-2025-000781");
    // Anchored straight on the ledger (no request of this server's): wait for the index only.
    await eventually(
      async () => (await call(server, `/v1/certificates/${certHash}`)).body.certificate !== undefined,
      `${certHash} indexed`,
    );
    const { context, page, errors } = await openPage();
    const requests = recordRequests(page);
    await page.goto(`${server.url}/`);
    await page.locator("#file-input").setInputFiles({ name: "ephyto.xml", mimeType: "application/xml", buffer: bytes });
    await waitForReport(page, "VALID", certHash);
    const fields = page.locator('[data-testid="sps-fields"]');
    const text = (await fields.textContent()) ?? "";
    for (const expected of ["KG-PC-2025-000781", "KG → KZ", "Issyk-Kul Orchards LLC", "Malus domestica", "20000 KGM", "Korday"]) {
      expect(text, expected).to.include(expected);
    }
    expect(
      requests.filter((r) => r.contentType.startsWith("multipart/form-data")),
      "the file is not sent",
    ).to.deep.equal([]);
    await page.selectOption("#language-select", "ru");
    expect(await page.locator('[data-testid="sps-fields"] h3').textContent()).to.equal("Что сказано в файле ePhyto");
    await screenshot(page, "verifier-ephyto-fields");
    // An XML file the ledger does not know shows no fields: its words would not count for anything.
    await page
      .locator("#file-input")
      .setInputFiles({ name: "other.xml", mimeType: "application/xml", buffer: Buffer.concat([bytes, Buffer.from("\n")]) });
    await waitForReport(page, "NOT_FOUND");
    expect(await page.locator('[data-testid="sps-fields"]').count()).to.equal(0);
    expect(errors).to.deep.equal([]);
    await context.close();
  });

  it("a stamped PDF's own link (party and number, with its key) opens the PDF itself; a number anchored twice is told apart by the key", async function () {
    const number = `KG-TWICE-${Date.now()}`;
    const first = await issueStampedPdf(server, number, "First issue");
    const second = await issueStampedPdf(server, number, "Second issue, same number");
    await anchoredAndIndexed(server, first.certHash);
    await anchoredAndIndexed(server, second.certHash);
    expect(first.link).to.match(new RegExp(`^/v/KG/${number}#k=`));
    const { context, page, errors } = await openPage();
    await page.goto(server.url + first.link);
    await waitForReport(page, "VALID", first.certHash);
    const content = page.locator('[data-testid="content"][data-content="opened"]');
    await content.waitFor();
    await screenshot(page, "verifier-stamped-pdf-link");
    // The links to the document once; the PDF on the page only where this browser has a PDF viewer (no empty box).
    expect(await content.getByRole("link", { name: "Open the document in a new tab" }).count()).to.equal(1);
    expect(await content.getByRole("link", { name: "Download the document" }).count()).to.equal(1);
    const viewer = (await page.evaluate("navigator.pdfViewerEnabled")) as boolean;
    expect(await content.locator('object[type="application/pdf"]').count()).to.equal(viewer ? 1 : 0);
    // Without the key, the number names the latest certificate anchored with it.
    await page.goto(`${server.url}/v/KG/${number}`);
    await waitForReport(page, "VALID", second.certHash);
    expect(errors).to.deep.equal([]);
    await context.close();
  });

  it("a credential file with an altered signature reads TAMPERED; a document dropped on a link's page is compared with that certificate", async function () {
    const { context, page, errors } = await openPage();
    await page.goto(`${server.url}/`);
    const original = await originalJws(server, valid);
    const parts = original.split(".");
    const signature = parts[2];
    const middle = Math.floor(signature.length / 2);
    parts[2] = signature.slice(0, middle) + (signature[middle] === "A" ? "B" : "A") + signature.slice(middle + 1);
    await page
      .locator("#file-input")
      .setInputFiles({ name: "credential.jwt", mimeType: "application/jwt", buffer: Buffer.from(parts.join(".")) });
    await waitForReport(page, "TAMPERED");

    // On the page of a link, a document that is not that certificate's is not taken for another one.
    await page.goto(`${server.url}/v/${valid.certHash}`);
    await waitForReport(page, "VALID", valid.certHash);
    await page.locator('[data-testid="comparing"]').waitFor();
    await page.locator("#file-input").setInputFiles({ name: "other.pdf", mimeType: "application/pdf", buffer: Buffer.from(stamped.bytes) });
    await waitForReport(page, "TAMPERED");
    expect(await page.locator('[data-testid="file-notes"] [data-note="different"]').count()).to.equal(1);
    expect(errors).to.deep.equal([]);
    await context.close();
  });

  it("recognition is reported for the party the person picks, remembered between visits; as of a date before issuance it was not yet issued", async function () {
    const { context, page, errors } = await openPage();
    await page.goto(`${server.url}/v/${valid.certHash}`);
    await waitForReport(page, "VALID", valid.certHash);
    await page.locator("#recognising-party").selectOption("UZ");
    await waitForReport(page, "NOT_RECOGNISED", valid.certHash);
    expect(await page.locator('[data-check="recognition"]').textContent()).to.include("UZ does not recognise");
    await page.locator("#recognising-party").selectOption("KZ");
    await waitForReport(page, "VALID", valid.certHash);
    expect(await page.locator('[data-check="recognition"]').getAttribute("data-result")).to.equal("pass");

    await page.reload();
    await waitForReport(page, "VALID", valid.certHash);
    expect(await page.locator("#recognising-party").inputValue()).to.equal("KZ");
    expect(await page.locator('[data-check="recognition"]').getAttribute("data-result")).to.equal("pass");

    const report = (await call(server, "/v1/verify", { method: "POST", json: { certHash: valid.certHash } })).body.report as {
      certificate: { issuedAt: string };
    };
    const before = new Date(Date.parse(report.certificate.issuedAt) - 2 * 86_400_000).toISOString().slice(0, 10);
    await page.locator("#as-of").fill(before);
    await waitForReport(page, "NOT_FOUND", valid.certHash);
    expect(await page.locator('[data-check="status"]').textContent()).to.include("Not yet issued");
    expect(errors).to.deep.equal([]);
    await context.close();
  });

  it("in Russian, the verdict and every check are in Russian", async function () {
    const { context, page, errors } = await openPage();
    await page.goto(`${server.url}/v/${revoked.certHash}`);
    await waitForReport(page, "REVOKED", revoked.certHash);
    await page.locator("#language-select").selectOption("ru");
    expect(await page.locator('[data-testid="verdict"]').textContent()).to.include("Отозван");
    expect(await page.evaluate<string>("document.documentElement.lang")).to.equal("ru");
    for (const item of await page.locator('[data-testid="checks"] li').all()) {
      const sentence = (await item.locator(".check-sentence").textContent()) ?? "";
      expect(sentence, (await item.getAttribute("data-check")) ?? "").to.match(/[а-яё]{3}/i);
    }
    expect(await page.locator('[data-check="status"] .check-sentence').textContent()).to.include("заменён другим сертификатом");
    await screenshot(page, "verifier-russian");
    // The choice is remembered on the next visit.
    await page.goto(`${server.url}/`);
    expect(await page.locator("main h1").textContent()).to.equal("Проверка сертификата");
    expect(errors).to.deep.equal([]);
    await context.close();
  });

  it("a certificate of origin's use at the border shows who accepted, rejected and used how much, in English and Russian", async function () {
    const origin = await issueWorldCredential(server.world, "certificateOfOrigin");
    const uz = await server.agency("UZ", "UZ Customs Committee");
    const kg = await server.agency("KG", "KG State Customs Service");
    await recogniseOrigin(server, ["UZ", "KG"]);
    const post = async (token: string, what: string, json: Record<string, unknown>) => {
      const answer = await call(server, `/v1/certificates/${origin.certHash}/${what}`, {
        method: "POST",
        token,
        json: { ...json, credential: origin.jws },
      });
      expect(answer.status, answer.text).to.be.oneOf([200, 201]);
    };
    await post(kg.token, "outcomes", { outcome: "rejected", rejectionReason: "originCriterionNotMet" });
    await post(uz.token, "outcomes", { outcome: "accepted" });
    await post(uz.token, "utilisations", { declaration: "UZ-GTD-1", items: [{ item: 1, quantity: 18000, unit: "KGM" }] });

    const { context, page, errors } = await openPage();
    await page.goto(`${server.url}/v/${origin.certHash}`);
    await waitForReport(page, "VALID", origin.certHash);
    const use = page.locator('[data-testid="use"]');
    expect(await use.locator('li[data-outcome="rejected"]').textContent()).to.match(
      /^Rejected by KG \(KG State Customs Service\) on .+ — Reason: the goods do not meet the origin criterion claimed$/,
    );
    expect(await use.locator('li[data-outcome="accepted"]').textContent()).to.match(/^Accepted by UZ \(UZ Customs Committee\) on /);
    expect(await use.locator('li[data-item="1"]').textContent()).to.equal("Item 1: 18,000 of 18,000 KGM used");
    expect(await use.locator('[data-testid="used-in-full"]').textContent()).to.match(/^Used in full at UZ on /);
    await screenshot(page, "verifier-use");
    await page.locator("#language-select").selectOption("ru");
    expect(await use.locator("h3").textContent()).to.equal("Использование на границе");
    expect(await use.locator('li[data-item="1"]').textContent()).to.equal("Позиция 1: использовано 18\u00a0000 из 18\u00a0000 KGM");
    expect(await use.locator('li[data-outcome="rejected"]').textContent()).to.contain(
      "товары не отвечают заявленному критерию происхождения",
    );
    await page.locator("#language-select").selectOption("en");
    expect(errors).to.deep.equal([]);
    await context.close();
  });

  it("fits a 375-pixel phone screen without sideways scrolling", async function () {
    const { context, page, errors } = await openPage({ viewport: { width: 375, height: 812 } });
    await page.goto(server.url + valid.link);
    await waitForReport(page, "VALID", valid.certHash);
    await page.locator('[data-testid="content"][data-content="opened"]').waitFor();
    const width = await page.evaluate<number>("document.documentElement.scrollWidth");
    expect(width).to.be.at.most(375);
    await screenshot(page, "verifier-phone-375");
    // What the phone shows first, without scrolling: the verdict.
    await page.evaluate("window.scrollTo(0, 0)");
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "verifier-phone-375-first-screen.png") });
    const box = await page.locator('[data-testid="verdict"]').boundingBox();
    expect(box!.y + box!.height, "the verdict is on the first screen").to.be.at.most(812);
    expect(errors).to.deep.equal([]);
    await context.close();
  });

  it("downloads the signed receipt of the report shown, which verifies with the server's key", async function () {
    const { context, page, errors } = await openPage();
    await page.goto(`${server.url}/v/${revoked.certHash}`);
    await waitForReport(page, "REVOKED", revoked.certHash);
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator('[data-testid="download-receipt"]').click()]);
    expect(download.suggestedFilename()).to.match(/^certledger-receipt-[0-9a-f]{16}\.jwt$/);
    const receipt = await readFile(await download.path(), "utf8");
    const { report, kid } = await verifyReceipt(receipt);
    expect(report.verdict).to.equal("REVOKED");
    expect(report.certHash).to.equal(revoked.certHash);
    const jwks = (await call(server, "/.well-known/jwks.json")).body as { keys: { kid: string }[] };
    expect(jwks.keys.map((k) => k.kid)).to.include(kid);

    // The printable summary: the report without the inputs and buttons.
    await page.emulateMedia({ media: "print" });
    expect(await page.locator("#file-input").isVisible()).to.equal(false);
    expect(await page.locator('[data-testid="download-receipt"]').isVisible()).to.equal(false);
    expect(await page.locator('[data-testid="verdict"]').isVisible()).to.equal(true);
    await screenshot(page, "verifier-print-summary");
    expect(errors).to.deep.equal([]);
    await context.close();
  });
});

/** The credential's compact JWS as anchored: the payload, decrypted with the link key. */
async function originalJws(server: TestServer, issued: Issued): Promise<string> {
  const report = (await call(server, "/v1/verify", { method: "POST", json: { certHash: issued.certHash } })).body.report as {
    certificate: { payloadCid: string };
  };
  const payload = await fetch(`${server.url}/v1/payloads/${report.certificate.payloadCid}`);
  return new TextDecoder().decode(await decryptWithLinkKey(new Uint8Array(await payload.arrayBuffer()), issued.linkKey));
}
