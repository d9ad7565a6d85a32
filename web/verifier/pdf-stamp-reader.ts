/**
 * Reads the verification stamp of a PDF (src/documents/pdf-stamp.ts draws it): the "Verify at <link>" line, or else its
 * QR code, drawn as vector paths (or as an image, as earlier stamps drew it), naming the certificate by party and
 * number. A PDF cannot contain its own hash, so this is how an altered copy of a stamped PDF is recognised as claiming a
 * certificate it is not. Best effort, and only reading: a PDF whose stamp cannot be read here is simply verified by its
 * hash.
 */
import jsQR from "jsqr";
import { parseVerificationLink, type LinkTarget } from "./links";
import { qrTextInPaths } from "./qr-paths";

/** Streams larger than this are page content or pictures, not the stamp's few drawing operators. */
const MAX_TEXT_STREAM = 256 * 1024;
/** The stamp's QR image is small (a few hundred pixels a side). */
const MAX_IMAGE_PIXELS = 1_000_000;
/** How many streams are looked at, at most, so a huge PDF costs little. */
const MAX_STREAMS = 400;

interface PdfStream {
  dictionary: string;
  data: Uint8Array;
}

/** The certificate a stamped PDF names, or undefined when `bytes` is not a PDF or carries no readable stamp. */
export async function readPdfStamp(bytes: Uint8Array): Promise<LinkTarget | undefined> {
  if (!startsWithPdf(bytes) || typeof DecompressionStream === "undefined") return undefined;
  const streams = findStreams(bytes);
  const texts: string[] = [];
  for (const stream of streams) {
    if (/\/Subtype\s*\/Image/.test(stream.dictionary) || stream.data.length > MAX_TEXT_STREAM) continue;
    const text = await inflateToText(stream);
    if (text !== undefined) texts.push(text);
    const link = text === undefined ? undefined : stampLinkInText(text);
    if (link) return link;
  }
  for (const text of texts) {
    const drawn = qrTextInPaths(text);
    const link = drawn === undefined ? undefined : parseVerificationLink(drawn)?.target;
    if (link) return link;
  }
  for (const stream of streams) {
    const link = await stampLinkInImage(stream);
    if (link) return link;
  }
  return undefined;
}

function startsWithPdf(bytes: Uint8Array): boolean {
  return bytes.length > 5 && String.fromCharCode(...bytes.subarray(0, 5)) === "%PDF-";
}

/** The PDF's streams with their dictionaries (a byte-level scan: objects in object streams are not needed here). */
function findStreams(bytes: Uint8Array): PdfStream[] {
  // windows-1252 is one byte per character, so string offsets are byte offsets.
  const text = new TextDecoder("windows-1252").decode(bytes);
  const streams: PdfStream[] = [];
  const keyword = /stream\r?\n/g;
  let match: RegExpExecArray | null;
  while ((match = keyword.exec(text)) && streams.length < MAX_STREAMS) {
    if (text.slice(match.index - 3, match.index) === "end") continue;
    const start = match.index + match[0].length;
    const dictionaryStart = text.lastIndexOf("obj", match.index);
    const dictionary = text.slice(Math.max(dictionaryStart, match.index - 2_000), match.index);
    const length = /\/Length\s+(\d+)(?!\s+\d+\s+R)/.exec(dictionary);
    let end = length ? start + Number(length[1]) : text.indexOf("endstream", start);
    if (end < start || end > bytes.length) end = text.indexOf("endstream", start);
    if (end < 0) break;
    streams.push({ dictionary, data: bytes.subarray(start, end) });
    keyword.lastIndex = end;
  }
  return streams;
}

async function inflate(stream: PdfStream): Promise<Uint8Array | undefined> {
  if (!/\/Filter\s*\/FlateDecode/.test(stream.dictionary) || /\/DecodeParms/.test(stream.dictionary)) {
    return /\/Filter/.test(stream.dictionary) ? undefined : stream.data;
  }
  try {
    const inflated = new Blob([stream.data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Uint8Array(await new Response(inflated).arrayBuffer());
  } catch {
    return undefined;
  }
}

async function inflateToText(stream: PdfStream): Promise<string | undefined> {
  const data = await inflate(stream);
  return data === undefined ? undefined : new TextDecoder("windows-1252").decode(data);
}

/** The link of a "Verify at <link>" text in a content stream (shown as a hex or a literal string). */
function stampLinkInText(content: string): LinkTarget | undefined {
  const strings = [...content.matchAll(/<([0-9A-Fa-f\s]+)>\s*Tj/g)].map((m) => hexText(m[1]));
  strings.push(...[...content.matchAll(/\(((?:[^()\\]|\\.)*)\)\s*Tj/g)].map((m) => m[1].replace(/\\(.)/g, "$1")));
  for (const line of strings) {
    const match = /Verify at (\S+)/.exec(line);
    const link = match ? parseVerificationLink(match[1]) : undefined;
    if (link) return link.target;
  }
  return undefined;
}

function hexText(hex: string): string {
  const digits = hex.replace(/\s/g, "");
  let text = "";
  for (let i = 0; i + 1 < digits.length; i += 2) text += String.fromCharCode(parseInt(digits.slice(i, i + 2), 16));
  return text;
}

/** The link in a QR code drawn as an 8-bit RGB or grey image (how pdf-lib embeds a PNG). */
async function stampLinkInImage(stream: PdfStream): Promise<LinkTarget | undefined> {
  const d = stream.dictionary;
  if (!/\/Subtype\s*\/Image/.test(d) || !/\/BitsPerComponent\s+8/.test(d)) return undefined;
  const width = Number(/\/Width\s+(\d+)/.exec(d)?.[1]);
  const height = Number(/\/Height\s+(\d+)/.exec(d)?.[1]);
  const channels = /\/ColorSpace\s*\/DeviceRGB/.test(d) ? 3 : /\/ColorSpace\s*\/DeviceGray/.test(d) ? 1 : 0;
  if (!channels || !(width > 0 && height > 0) || width * height > MAX_IMAGE_PIXELS) return undefined;
  const pixels = await inflate(stream);
  if (pixels === undefined || pixels.length < width * height * channels) return undefined;
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < 3; c++) rgba[i * 4 + c] = pixels[i * channels + (channels === 3 ? c : 0)];
    rgba[i * 4 + 3] = 255;
  }
  const code = jsQR(rgba, width, height);
  return code ? parseVerificationLink(code.data)?.target : undefined;
}
