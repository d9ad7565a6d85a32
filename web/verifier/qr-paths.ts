/**
 * Reads a QR code drawn as vector paths in a PDF content stream, as the server's stamp draws it (src/documents/pdf-stamp.ts):
 * one path of filled rectangles, `x y w h re` ... `f`, a rectangle per run of dark modules. The rectangles are painted
 * on a white bitmap and the bitmap decoded with jsQR, so what is read is what a camera would see, not what the stamp
 * meant to draw. No DOM: the Node tests read stamped PDFs with it too.
 */
import jsQR from "jsqr";

/** Paths with fewer rectangles than this are frames and backgrounds, not a QR code (version 1 has more than 100). */
const MIN_RECTANGLES = 50;
/** Pixels per module at most, and the bitmap's side at most: enough for jsQR, bounded for a hostile stream. */
const PIXELS_PER_MODULE = 4;
const MAX_SIDE = 1_200;
const MAX_PAINTED_BITMAPS = 4;
/** A QR code of version 40 has 177 rows of at most 89 runs each. */
const MAX_RECTANGLES = 177 * 89;

interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The text of the QR code drawn as filled rectangles in `content` (a decompressed content stream), or undefined. */
export function qrTextInPaths(content: string): string | undefined {
  for (const path of filledRectanglePaths(content).sort((a, b) => b.length - a.length)) {
    if (path.length < MIN_RECTANGLES) break;
    if (path.length > MAX_RECTANGLES) continue;
    const text = decode(path);
    if (text !== undefined) return text;
  }
  return undefined;
}

/** Each run of `re` operators that is filled (`f`, `F` or `f*`), as rectangles in page units. */
function filledRectanglePaths(content: string): Rectangle[][] {
  const paths: Rectangle[][] = [];
  let current: Rectangle[] = [];
  const tokens = /(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+re\b|\b(f\*?|F|n|S|s|B\*?|b\*?|W\*?)(?=\s|$)/g;
  for (const match of content.matchAll(tokens)) {
    if (match[5] === undefined) {
      const [x, y, width, height] = match.slice(1, 5).map(Number);
      if ([x, y, width, height].every(Number.isFinite)) current.push({ x, y, width, height });
    } else {
      if (/^(f\*?|F)$/.test(match[5]) && current.length > 0) paths.push(current);
      if (!/^W/.test(match[5])) current = [];
    }
  }
  return paths;
}

/** Paints `path` black on white, with a quiet zone around it, and decodes the bitmap. */
function decode(path: Rectangle[]): string | undefined {
  const left = Math.min(...path.map((r) => Math.min(r.x, r.x + r.width)));
  const bottom = Math.min(...path.map((r) => Math.min(r.y, r.y + r.height)));
  const right = Math.max(...path.map((r) => Math.max(r.x, r.x + r.width)));
  const top = Math.max(...path.map((r) => Math.max(r.y, r.y + r.height)));
  const moduleSize = Math.min(...path.map((r) => Math.abs(r.height)).filter((h) => h > 0));
  if (!(moduleSize > 0) || right <= left || top <= bottom) return undefined;
  const scale = Math.min(PIXELS_PER_MODULE / moduleSize, MAX_SIDE / 2 / Math.max(right - left, top - bottom));
  const quiet = Math.min(Math.ceil(4 * moduleSize * scale), MAX_SIDE / 4);
  const width = Math.ceil((right - left) * scale) + 2 * quiet;
  const height = Math.ceil((top - bottom) * scale) + 2 * quiet;
  const rgba = new Uint8ClampedArray(width * height * 4).fill(255);
  // Rectangles drawn over one another (a hostile stream's) could cost far more than the bitmap: painting stops there.
  let budget = MAX_PAINTED_BITMAPS * width * height;
  for (const r of path) {
    // PDF's y grows upwards, a bitmap's downwards.
    const x0 = quiet + Math.round((Math.min(r.x, r.x + r.width) - left) * scale);
    const x1 = quiet + Math.round((Math.max(r.x, r.x + r.width) - left) * scale);
    const y0 = quiet + Math.round((top - Math.max(r.y, r.y + r.height)) * scale);
    const y1 = quiet + Math.round((top - Math.min(r.y, r.y + r.height)) * scale);
    budget -= (x1 - x0) * (y1 - y0);
    if (budget < 0) return undefined;
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const i = (y * width + x) * 4;
        rgba[i] = rgba[i + 1] = rgba[i + 2] = 0;
      }
    }
  }
  return jsQR(rgba, width, height)?.data;
}
