/**
 * Reading QR codes back, for tests: from a PNG (pngjs, which qrcode brings), and from a PDF's first page, drawn as vector
 * paths (how the stamp draws it; read with the web verifier's reader) or as images (pdf-lib stores a PNG's pixels
 * Flate-compressed, RGB or grey, its alpha as a separate mask), decoded with jsQR.
 */
import { inflateSync } from "node:zlib";
import jsQR from "jsqr";
import { PDFDict, PDFDocument, PDFName, PDFNumber, PDFRawStream } from "pdf-lib";
import { qrTextInPaths } from "../../web/verifier/qr-paths";

// pngjs has no types of its own here; this is the part of its sync API the tests use.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { PNG } = require("pngjs") as { PNG: { sync: { read(buffer: Buffer): { width: number; height: number; data: Buffer } } } };

/** The text of the QR code in a PNG image, or undefined when none is found. */
export function qrTextOfPng(png: Uint8Array): string | undefined {
  const image = PNG.sync.read(Buffer.from(png));
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
}

/** The texts of the QR codes drawn on the first page of `pdf`: as vector paths, then as images. */
export async function qrTextsOfFirstPage(pdf: Uint8Array): Promise<string[]> {
  const drawn = qrTextInPaths(await firstPageText(pdf));
  return [...(drawn === undefined ? [] : [drawn]), ...(await qrTextsOfFirstPageImages(pdf))];
}

/** The texts of the QR codes found in the images drawn on the first page of `pdf`. */
export async function qrTextsOfFirstPageImages(pdf: Uint8Array): Promise<string[]> {
  const document = await PDFDocument.load(pdf);
  const resources = document.getPages()[0].node.Resources();
  const xobjects = resources?.lookupMaybe(PDFName.of("XObject"), PDFDict);
  const texts: string[] = [];
  for (const [, ref] of xobjects?.entries() ?? []) {
    const stream = document.context.lookup(ref);
    if (!(stream instanceof PDFRawStream) || stream.dict.get(PDFName.of("Subtype")) !== PDFName.of("Image")) continue;
    const width = (stream.dict.get(PDFName.of("Width")) as PDFNumber).asNumber();
    const height = (stream.dict.get(PDFName.of("Height")) as PDFNumber).asNumber();
    const pixels = inflateSync(stream.getContents());
    const channels = pixels.length / (width * height);
    const rgba = new Uint8ClampedArray(width * height * 4);
    for (let i = 0; i < width * height; i++) {
      for (let c = 0; c < 3; c++) rgba[i * 4 + c] = pixels[i * channels + (channels >= 3 ? c : 0)];
      rgba[i * 4 + 3] = 255;
    }
    const found = jsQR(rgba, width, height)?.data;
    if (found !== undefined) texts.push(found);
  }
  return texts;
}

/** The raw content streams of the first page, decompressed, as text (to find the stamp's words). */
export async function firstPageText(pdf: Uint8Array): Promise<string> {
  const document = await PDFDocument.load(pdf);
  const page = document.getPages()[0];
  const contents = page.node.Contents();
  const streams =
    contents === undefined ? [] : "asArray" in contents ? contents.asArray().map((ref) => document.context.lookup(ref)) : [contents];
  return streams
    .map((stream) => {
      if (!(stream instanceof PDFRawStream)) return "";
      const filter = stream.dict.get(PDFName.of("Filter"));
      const bytes = filter === PDFName.of("FlateDecode") ? inflateSync(stream.getContents()) : Buffer.from(stream.getContents());
      return bytes.toString("latin1");
    })
    .join("\n");
}
