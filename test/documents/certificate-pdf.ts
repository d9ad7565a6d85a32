/**
 * One-page certificates as an authority's own system prints them, for the tests and the benchmark that stamp real PDFs
 * (the stand-ins of test/verify/world.ts `pdfBytes` are 600 bytes of one text line): A4, a heading, the parties, a
 * table of goods, the conformity statement, a scanned signature (a PNG), 8-12 kB, different for every `serial`.
 */
import { PDFDocument, StandardFonts, rgb } from "pdf-lib";
import { PNG } from "pngjs";

const PRODUCTS = ["Dried apricots", "Walnut kernels", "Cotton yarn", "Copper wire", "Wool carpets", "Raisins", "Honey", "Mineral water"];

/** The certificate of conformity numbered `serial`, as a PDF (deterministic: the same serial gives the same bytes). */
export async function certificatePdf(serial: number): Promise<Uint8Array> {
  const random = seeded(serial);
  const document = await PDFDocument.create();
  document.setTitle(`Certificate of conformity KG-${serial}`);
  // Fixed dates: pdf-lib would write the time of making, and the same serial must give the same bytes.
  document.setCreationDate(new Date(Date.UTC(2025, 0, 1)));
  document.setModificationDate(new Date(Date.UTC(2025, 0, 1)));
  const page = document.addPage([595, 842]);
  const regular = await document.embedFont(StandardFonts.Helvetica);
  const bold = await document.embedFont(StandardFonts.HelveticaBold);
  const text = (line: string, x: number, y: number, size = 9, font = regular) => page.drawText(line, { x, y, size, font });

  page.drawRectangle({ x: 30, y: 30, width: 535, height: 782, borderWidth: 1.5, borderColor: rgb(0.1, 0.2, 0.5) });
  text("KYRGYZ REPUBLIC - CUSTOMS UNION", 170, 780, 12, bold);
  text("CERTIFICATE OF CONFORMITY", 185, 758, 16, bold);
  text(`No. KG-2025/${String(serial).padStart(6, "0")}`, 240, 738, 11);
  text("Issued by: Centre for Standardization and Metrology, Bishkek, 720040, Chui Avenue 197", 50, 705);
  text(`Applicant: ${pick(random, ["Ala-Too", "Issyk-Kul", "Naryn", "Talas"])} Trading LLC, registration ${10_000 + serial}`, 50, 690);
  text(`Manufacturer: Plant No. ${Math.floor(random() * 90) + 10}, Osh region, Kyrgyz Republic`, 50, 675);

  const columns = [50, 80, 270, 360, 440];
  ["#", "Product", "HS code", "Quantity", "Net mass, kg"].forEach((heading, i) => text(heading, columns[i], 640, 9, bold));
  for (let row = 0; row < 14; row++) {
    const y = 622 - row * 16;
    page.drawLine({ start: { x: 45, y: y - 4 }, end: { x: 550, y: y - 4 }, thickness: 0.3, color: rgb(0.6, 0.6, 0.6) });
    text(String(row + 1), columns[0], y);
    text(pick(random, PRODUCTS), columns[1], y);
    text(`${Math.floor(random() * 9000) + 1000}.${Math.floor(random() * 90) + 10}`, columns[2], y);
    text(`${Math.floor(random() * 500) + 1} pcs`, columns[3], y);
    text((random() * 20_000).toFixed(2), columns[4], y);
  }
  const statement = [
    "The products listed above comply with the requirements of the technical regulations of the Customs Union",
    'TR CU 021/2011 "On food safety" and TR CU 022/2011 "Food products in terms of their labelling", as shown',
    `by test report No. ${Math.floor(random() * 1_000_000)} of the accredited testing laboratory (accreditation`,
    "KG 417/KCA.IL.050), issued on the basis of an analysis of the production and tests of samples.",
    `Valid from 01.01.2025 until 31.12.2027. Scheme of certification: ${pick(random, ["1c", "3c", "4c"])}.`,
  ];
  statement.forEach((line, i) => text(line, 50, 360 - i * 13, 8.5));

  text("Head of the certification body", 50, 230);
  text("Expert (auditor)", 50, 180);
  page.drawImage(await document.embedPng(signaturePng(random)), { x: 250, y: 215, width: 120, height: 40 });
  page.drawCircle({ x: 470, y: 200, size: 45, borderWidth: 1.2, borderColor: rgb(0.1, 0.2, 0.6) });
  text("SEAL", 458, 196, 10, bold);
  return await document.save();
}

/**
 * The certificate numbered `serial` as a scanner makes it: the page above, then a second page holding a scan of the
 * signed paper, a picture of about `scanBytes` (grey paper with scanner noise, which compresses hardly at all, as a
 * photograph or a JPEG scan does not): what an authority that signs on paper anchors, 100 kB to a few MB.
 */
export async function scannedCertificatePdf(serial: number, scanBytes: number): Promise<Uint8Array> {
  const document = await PDFDocument.load(await certificatePdf(serial));
  const page = document.addPage([595, 842]);
  page.drawImage(await document.embedPng(scan(scanBytes)), { x: 30, y: 30, width: 535, height: 782 });
  return await document.save();
}

const scans = new Map<number, Buffer>();

/** A scan's picture of about `bytes` (made once per size: the first page already makes each certificate its own). */
function scan(bytes: number): Buffer {
  let png = scans.get(bytes);
  if (png === undefined) {
    const random = seeded(bytes);
    // An RGB pixel is 3 bytes, and noise this strong leaves PNG's deflate a fifth at most.
    const side = Math.max(8, Math.round(Math.sqrt((bytes * 1.25) / 3)));
    const picture = new PNG({ width: side, height: side });
    for (let i = 0; i < picture.data.length; i += 4) {
      const paper = 200 + Math.floor(random() * 56);
      picture.data[i] = paper;
      picture.data[i + 1] = (paper + Math.floor(random() * 16)) & 0xff;
      picture.data[i + 2] = (paper - Math.floor(random() * 16)) & 0xff;
      picture.data[i + 3] = 255;
    }
    png = PNG.sync.write(picture);
    scans.set(bytes, png);
  }
  return png;
}

/** A scanned signature: ink strokes on paper, with scanner noise (it compresses like a real scan, not to nothing). */
function signaturePng(random: () => number): Buffer {
  const png = new PNG({ width: 120, height: 40 });
  const phase = random() * Math.PI;
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      const stroke = Math.abs(y - 20 - 12 * Math.sin(x / 9 + phase) * Math.cos(x / 23)) < 1.8;
      const shade = stroke ? 40 : 235 + Math.floor(random() * 20);
      const i = (y * png.width + x) * 4;
      png.data[i] = png.data[i + 1] = shade;
      png.data[i + 2] = stroke ? 120 : shade;
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

function pick<T>(random: () => number, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)];
}

/** mulberry32: a small seeded generator, so that a serial always makes the same certificate. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
