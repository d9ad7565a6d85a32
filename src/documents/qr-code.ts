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
