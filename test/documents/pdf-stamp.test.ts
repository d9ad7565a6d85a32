import { expect } from "chai";
import { PDFDocument } from "pdf-lib";
import { stampPdf, type PdfStamp } from "../../src/documents/pdf-stamp";
import { certHashOf } from "../../src/documents/hashing";
import { expectRejection } from "../crypto/expect-error";
import { pdfBytes } from "../verify/world";
import { qrTextInPaths } from "../../web/verifier/qr-paths";
import { firstPageText, qrTextsOfFirstPage, qrTextsOfFirstPageImages } from "./qr-reading";

const KEY = "k".repeat(43);
const STAMP: PdfStamp = {
  qrLink: `https://certledger.example/v/KG/KG-2025%2F0001#k=${KEY}`,
  printedLink: "https://certledger.example/v/KG/KG-2025%2F0001",
  number: "KG-2025/0001",
};

/** How a line is drawn: pdf-lib writes text as a hex string. */
function hexOf(text: string): string {
  return `<${Buffer.from(text, "latin1").toString("hex").toUpperCase()}>`;
}

describe("PDF stamping", function () {
  this.timeout(30_000);

  it("draws on the first page a QR code that decodes to the link, and the 'Verify at' and number lines", async function () {
    const stamped = await stampPdf(pdfBytes("certificate of conformity"), STAMP);
    expect(await qrTextsOfFirstPage(stamped)).to.deep.equal([STAMP.qrLink]);
    const text = await firstPageText(stamped);
    expect(text).to.include(hexOf(`Verify at ${STAMP.printedLink}`));
    expect(text).to.include(hexOf(`Certificate No. ${STAMP.number}`));
    // The printed line never carries the key; the page's own content is still there.
    expect(text).not.to.include(Buffer.from(KEY).toString("hex").toUpperCase());
    expect(text).to.include("(certificate of conformity) Tj");
  });

  it("draws the QR code as vector paths, not as a picture: no image is embedded, and one filled path holds every module", async function () {
    const stamped = await stampPdf(pdfBytes("vector"), STAMP);
    expect(await qrTextsOfFirstPageImages(stamped)).to.deep.equal([]);
    expect(Buffer.from(stamped).toString("latin1")).not.to.match(/\/Subtype\s*\/Image/);
    const text = await firstPageText(stamped);
    expect(qrTextInPaths(text)).to.equal(STAMP.qrLink);
    // One black path in module units, scaled to the stamp's 64-point square at (18, 18), filled once: whole-number edges.
    const drawn = /q\s+([\d.]+) 0 0 ([\d.]+) 18 18 cm\s+0 0 0 rg\s+((?:\d+ \d+ \d+ 1 re\s+)+)f\s+Q/.exec(text);
    expect(drawn, "a black path of rectangles in module units, filled once").to.not.equal(null);
    const unit = Number(drawn![1]);
    expect(Number(drawn![2])).to.equal(unit);
    const rectangles = drawn![3]
      .trim()
      .split(/\s*re\s*/)
      .filter(Boolean)
      .map((r) => r.split(" ").map(Number));
    expect(rectangles.length).to.be.greaterThan(100);
    const size = Math.round(64 / unit);
    for (const [x, y, w] of rectangles) {
      expect(x).to.be.within(1, size - 2);
      expect(y).to.be.within(1, size - 2);
      expect(x + w).to.be.at.most(size - 1);
    }
  });

  it("reads no QR code from paths that do not make one: too few rectangles, or a hostile pile of them", function () {
    expect(qrTextInPaths("0 0 0 rg 10 10 5 5 re 20 20 5 5 re f")).to.equal(undefined);
    const pile = Array.from({ length: 5_000 }, () => "0 0 500 500 re").join(" ");
    expect(qrTextInPaths(`${pile} f`)).to.equal(undefined);
    expect(qrTextInPaths("")).to.equal(undefined);
  });

  it("stamps the same PDF with the same link into the same bytes, and another link into other bytes", async function () {
    const pdf = pdfBytes("deterministic");
    const one = await stampPdf(pdf, STAMP);
    const two = await stampPdf(pdf, STAMP);
    const other = await stampPdf(pdf, { ...STAMP, qrLink: STAMP.qrLink.replace(KEY, "j".repeat(43)) });
    expect(certHashOf(one)).to.equal(certHashOf(two));
    expect(certHashOf(other)).not.to.equal(certHashOf(one));
    expect(certHashOf(one)).not.to.equal(certHashOf(pdf));
  });

  it("stamps only the first page of a longer document, and keeps its pages", async function () {
    const document = await PDFDocument.create();
    document.addPage([300, 400]);
    document.addPage([300, 400]);
    const stamped = await stampPdf(await document.save(), STAMP);
    const reread = await PDFDocument.load(stamped);
    expect(reread.getPageCount()).to.equal(2);
    expect(await qrTextsOfFirstPage(stamped)).to.deep.equal([STAMP.qrLink]);
    expect(reread.getPages()[1].node.Resources()?.toString() ?? "").not.to.include("XObject");
  });

  it("leaves a number the standard font cannot write to the QR code and the link", async function () {
    const stamped = await stampPdf(pdfBytes("cyrillic number"), { ...STAMP, number: "КГ-0001" });
    expect(await qrTextsOfFirstPage(stamped)).to.deep.equal([STAMP.qrLink]);
    const text = await firstPageText(stamped);
    expect(text).to.include(hexOf(`Verify at ${STAMP.printedLink}`));
    expect(text).not.to.include(hexOf("Certificate No. "));
  });

  it("refuses what pdf-lib cannot read with PDF_UNREADABLE: no page tree, no pages, not a PDF's structure", async function () {
    await expectRejection(stampPdf(new TextEncoder().encode("%PDF-1.4\n% just a comment\n%%EOF\n"), STAMP), "PDF_UNREADABLE", /page/);
    await expectRejection(stampPdf(new TextEncoder().encode("%PDF-1.7 \u0000\u0001 garbage"), STAMP), "PDF_UNREADABLE");
    const empty = await PDFDocument.create();
    await expectRejection(stampPdf(await empty.save({ addDefaultPage: false }), STAMP), "PDF_UNREADABLE", /no page/);
  });
});
