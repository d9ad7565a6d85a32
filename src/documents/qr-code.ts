/**
 * QR codes of verification links, as the console offers them (PNG, SVG) and as a PDF's stamp carries them. Error
 * correction M (15 %) survives a crease or a stamp of ink on paper while keeping a link with its key at version 5-6.
 */
import QRCode from "qrcode";

/** How a QR code is drawn: the size of one module in pixels (PNG) and the quiet zone around it, in modules. */
export interface QrOptions {
  /** Pixels per module in a PNG (default 8). */
  scale?: number;
  /** The quiet zone in modules (default 4, what ISO/IEC 18004 asks for). */
  margin?: number;
}

const ERROR_CORRECTION = "M";
// A QR code of version 40 at level M holds at most 2,331 bytes; links are far shorter, but the text comes from outside.
const MAX_TEXT_LENGTH = 2_000;

/** The QR code of `text` as a PNG image. */
export async function qrPng(text: string, options: QrOptions = {}): Promise<Uint8Array> {
  checkText(text);
  const png = await QRCode.toBuffer(text, {
    type: "png",
    errorCorrectionLevel: ERROR_CORRECTION,
    scale: options.scale ?? 8,
    margin: options.margin ?? 4,
  });
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}

/** A horizontal run of dark modules: row and first column from the top left of the code with its quiet zone. */
export interface QrRun {
  row: number;
  column: number;
  length: number;
}

/**
 * The QR code of `text` as runs of dark modules, row by row, in a square of `size` modules (the quiet zone of `margin`
 * modules included): what a PDF stamp draws as filled rectangles, crisp at any zoom or print resolution, without a
 * bitmap to render, compress and decode.
 */
export function qrRuns(text: string, options: Pick<QrOptions, "margin"> = {}): { size: number; runs: QrRun[] } {
  checkText(text);
  const margin = options.margin ?? 4;
  const { modules } = QRCode.create(text, { errorCorrectionLevel: ERROR_CORRECTION });
  const runs: QrRun[] = [];
  for (let row = 0; row < modules.size; row++) {
    for (let column = 0; column < modules.size; column++) {
      if (!modules.get(row, column)) continue;
      const start = column;
      while (column + 1 < modules.size && modules.get(row, column + 1)) column++;
      runs.push({ row: row + margin, column: start + margin, length: column - start + 1 });
    }
  }
  return { size: modules.size + 2 * margin, runs };
}

/** The QR code of `text` as an SVG document (black modules on white, crisp edges). */
export async function qrSvg(text: string, options: QrOptions = {}): Promise<string> {
  checkText(text);
  return QRCode.toString(text, { type: "svg", errorCorrectionLevel: ERROR_CORRECTION, margin: options.margin ?? 4 });
}

function checkText(text: string): void {
  if (typeof text !== "string" || text.length === 0 || text.length > MAX_TEXT_LENGTH) {
    // Links are this server's own: a text out of range is a bug, not a client's input.
    throw new RangeError(`a QR code holds 1 to ${MAX_TEXT_LENGTH} characters, not ${String(text).length}`);
  }
}
