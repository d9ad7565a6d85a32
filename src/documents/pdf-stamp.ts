/**
 * The verification stamp of a PDF certificate (DESIGN.md "Documents"): before a PDF is hashed and anchored, its first
 * page gets a QR code of the verification link and a short line "Verify at <link>" with the certificate number, so the
 * bytes anchored are exactly the stamped PDF the trader receives. A PDF cannot contain its own SHA-256, so the link
 * names the certificate by party and number (and carries the holder's link key), never by its certHash.
 *
 * Stamping is deterministic: the same PDF and the same link give the same bytes (the document's metadata is left as
 * it is and pdf-lib writes no time or random identifier), so a retried submission hashes as the first one did.
 */
import {
  concatTransformationMatrix,
  fill,
  PDFDocument,
  popGraphicsState,
  pushGraphicsState,
  rectangle,
  rgb,
  setFillingRgbColor,
  StandardFonts,
  type PDFPage,
} from "pdf-lib";
import { CertLedgerError } from "../errors";
import { qrRuns, type QrRun } from "./qr-code";

/** What the stamp says. */
export interface PdfStamp {
  /** The link the QR code carries (with the holder's key in its fragment). */
  qrLink: string;
  /** The link printed in the text line (without the key: a person reads it, a camera reads the QR code). */
  printedLink: string;
  /** The certificate number as printed. */
  number: string;
}

/** Where the stamp sits on the first page, in PDF points (1/72 inch) from the page's lower-left corner. */
const MARGIN = 18;
const QR_SIZE = 64;
const GAP = 6;
const MAX_FONT_SIZE = 7;
const MIN_FONT_SIZE = 4;

/** The PDF `bytes` with the stamp drawn on its first page; PDF_UNREADABLE when pdf-lib cannot read or change it. */
export async function stampPdf(bytes: Uint8Array, stamp: PdfStamp): Promise<Uint8Array> {
  const document = await loadPdf(bytes);
  let page: PDFPage | undefined;
  try {
    page = document.getPages()[0];
  } catch (error) {
    // pdf-lib is lenient when it parses: a file without a page tree fails only here.
    throw unreadable("it has no readable page tree", error);
  }
  if (page === undefined) throw unreadable("it has no page to stamp");
  try {
    const qr = qrRuns(stamp.qrLink, { margin: 1 });
    const font = await document.embedFont(StandardFonts.Helvetica);
    // The standard font writes WinAnsi only: a number in another script is left to the QR code and the link.
    const lines = [`Verify at ${stamp.printedLink}`, `Certificate No. ${stamp.number}`].filter((line) => encodable(font, line));
    drawStamp(page, { qr, font, lines });
    return await document.save({ updateFieldAppearances: false });
  } catch (error) {
    if (error instanceof CertLedgerError) throw error;
    throw unreadable(`it could not be stamped (${(error as Error).message})`, error);
  }
}

/** A parsed PDF, or PDF_UNREADABLE saying why not (not a PDF pdf-lib understands, or encrypted). */
async function loadPdf(bytes: Uint8Array): Promise<PDFDocument> {
  try {
    // updateMetadata: false keeps the Producer and dates as they were, which also keeps stamping deterministic (pdf-lib's
    // resource names come from a generator seeded per document).
    return await PDFDocument.load(bytes, { updateMetadata: false });
  } catch (error) {
    const name = (error as Error).name;
    if (name === "EncryptedPDFError") throw unreadable("it is encrypted; stamp it before encrypting, or send stamp=false", error);
    throw unreadable("its structure cannot be read", error);
  }
}

/** Draws the QR code in the lower-left corner of the page's visible area, the lines beside it, on a white ground. */
function drawStamp(
  page: PDFPage,
  { qr, font, lines }: { qr: { size: number; runs: QrRun[] }; font: Awaited<ReturnType<PDFDocument["embedFont"]>>; lines: string[] },
): void {
  const box = page.getCropBox();
  const x = box.x + MARGIN;
  const y = box.y + MARGIN;
  // The text shrinks to fit the width left beside the QR code, down to a size still legible in print.
  const room = Math.max(box.width - 2 * MARGIN - QR_SIZE - GAP, 40);
  const widest = Math.max(1, ...lines.map((line) => font.widthOfTextAtSize(line, MAX_FONT_SIZE)));
  const size = Math.max(MIN_FONT_SIZE, Math.min(MAX_FONT_SIZE, (MAX_FONT_SIZE * room) / widest));
  const textWidth = Math.min(room, Math.max(...lines.map((line) => font.widthOfTextAtSize(line, size))));
  page.drawRectangle({ x: x - 2, y: y - 2, width: QR_SIZE + GAP + textWidth + 4, height: QR_SIZE + 4, color: rgb(1, 1, 1) });
  drawQr(page, qr, x, y);
  lines.forEach((line, i) => {
    page.drawText(line, {
      x: x + QR_SIZE + GAP,
      y: y + QR_SIZE / 2 + (lines.length / 2 - i - 1) * size * 1.4,
      size,
      font,
      color: rgb(0, 0, 0),
    });
  });
}

/**
 * The QR code as one filled path of rectangles, a rectangle per run of dark modules, with its lower-left corner at
 * (x, y). Vector, not a picture: crisp in print at any size, and far less work than rendering a PNG that pdf-lib would
 * decode and compress again. The path is drawn in module units (the matrix scales a module to its size in points), so
 * every edge is a whole number and rows meet exactly; one path filled once leaves no seams where a viewer smooths edges.
 */
function drawQr(page: PDFPage, qr: { size: number; runs: QrRun[] }, x: number, y: number): void {
  const unit = QR_SIZE / qr.size;
  page.pushOperators(
    pushGraphicsState(),
    concatTransformationMatrix(unit, 0, 0, unit, x, y),
    setFillingRgbColor(0, 0, 0),
    // A row counts down from the top; the page's y counts up from the bottom.
    ...qr.runs.map(({ row, column, length }) => rectangle(column, qr.size - row - 1, length, 1)),
    fill(),
    popGraphicsState(),
  );
}

function encodable(font: Awaited<ReturnType<PDFDocument["embedFont"]>>, text: string): boolean {
  try {
    font.encodeText(text);
    return true;
  } catch {
    return false;
  }
}

function unreadable(why: string, cause?: unknown): CertLedgerError {
  return new CertLedgerError("PDF_UNREADABLE", `the PDF cannot be stamped: ${why}`, { cause });
}
