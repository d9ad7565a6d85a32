/**
 * Reads a QR code from a photo or screenshot, in the browser (jsqr). A photo is often large and the code a small part
 * of it: the image is tried at a few sizes, since jsqr finds a code best when its modules are a few pixels wide.
 */
import jsQR from "jsqr";

/**
 * Longest sides tried, in pixels: a phone's screenshot or a photo where the code fills a good part of the frame reads
 * at the first; a small code in a large photo needs more pixels; a very large, blurred one fewer.
 */
const SIDES = [800, 1600, 500];

/** The text of the first QR code found in the image `file`, or undefined when none can be read. */
export async function readQrImage(file: Blob): Promise<string | undefined> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return undefined;
  }
  try {
    const longest = Math.max(bitmap.width, bitmap.height);
    const tried = new Set<number>();
    for (const side of SIDES) {
      const scale = Math.min(1, side / longest);
      const width = Math.max(1, Math.round(bitmap.width * scale));
      if (tried.has(width)) continue;
      tried.add(width);
      // Light-on-dark codes are rare: looked for once, at the first size, after the usual dark-on-light ones.
      const text = decode(bitmap, width, Math.max(1, Math.round(bitmap.height * scale)), tried.size === 1);
      if (text !== undefined) return text;
    }
    return undefined;
  } finally {
    bitmap.close();
  }
}

function decode(bitmap: ImageBitmap, width: number, height: number, inverted: boolean): string | undefined {
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext("2d", { willReadFrequently: true });
  if (!context) return undefined;
  // A transparent screenshot reads as black on black: paint white under it.
  context.fillStyle = "#fff";
  context.fillRect(0, 0, width, height);
  context.drawImage(bitmap, 0, 0, width, height);
  const { data } = context.getImageData(0, 0, width, height);
  return jsQR(data, width, height, { inversionAttempts: inverted ? "attemptBoth" : "dontInvert" })?.data;
}
