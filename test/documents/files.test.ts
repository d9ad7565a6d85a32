import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { expect } from "chai";
import { checkMediaType, DEFAULT_MAX_FILE_BYTES, inspectFile, readDocumentFile } from "../../src/documents/files";
import { expectError, expectRejection } from "../crypto/expect-error";
import { pdfOfObjects } from "./pdf-file";

/** A one-page PDF 1.4 with a correct cross-reference table. */
function minimalPdf(): Uint8Array {
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] >>",
  ];
  return pdfOfObjects(objects);
}

/** A 1×1 8-bit greyscale PNG: signature, IHDR, a deflated scanline, IEND, each chunk with its CRC. */
function minimalPng(): Uint8Array {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const typed = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(typed));
    return Buffer.concat([length, typed, crc]);
  };
  const header = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", zlib.deflateSync(Buffer.from([0, 0xff]))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** A 1×1 greyscale baseline JPEG: one quantisation table, one-code Huffman tables, one all-zero block. */
function minimalJpeg(): Uint8Array {
  const segment = (marker: number, body: number[]) => [0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body];
  const oneCodeTable = (tableClass: number) => [tableClass, 1, ...new Array<number>(15).fill(0), 0];
  return Uint8Array.from([
    ...[0xff, 0xd8], // SOI
    ...segment(0xdb, [0x00, ...new Array<number>(64).fill(1)]), // DQT
    ...segment(0xc0, [8, 0, 1, 0, 1, 1, 1, 0x11, 0]), // SOF0: 8-bit, 1×1, one component
    ...segment(0xc4, oneCodeTable(0x00)), // DHT, DC: the code "0" means difference 0
    ...segment(0xc4, oneCodeTable(0x10)), // DHT, AC: the code "0" means end of block
    ...segment(0xda, [1, 1, 0x00, 0, 63, 0]), // SOS
    0x3f, // "0" (DC), "0" (EOB), padded with ones
    ...[0xff, 0xd9], // EOI
  ]);
}

// Decoded by ImageMagick as 1×1 images when these tests were written.
const GIF = Buffer.from("474946383961010001008000000000ffffff21f90401000000002c00000000010001000002024401003b", "hex");
const WEBP = Buffer.from("524946461e000000574542505650384c110000002f0000000007d0fffef7bfff8188e87f0000", "hex");

/** A 1×1 8-bit greyscale uncompressed TIFF, little- or big-endian. */
function minimalTiff(order: "II" | "MM"): Uint8Array {
  const entries: [tag: number, type: 3 | 4, value: number][] = [
    [256, 3, 1], // width
    [257, 3, 1], // height
    [258, 3, 8], // bits per sample
    [259, 3, 1], // no compression
    [262, 3, 1], // black is zero
    [273, 4, 0], // strip offset, set below
    [277, 3, 1], // samples per pixel
    [278, 3, 1], // rows per strip
    [279, 4, 1], // strip byte count
  ];
  const dataOffset = 8 + 2 + entries.length * 12 + 4;
  const b = Buffer.alloc(dataOffset + 1);
  const le = order === "II";
  const u16 = (v: number, o: number) => (le ? b.writeUInt16LE(v, o) : b.writeUInt16BE(v, o));
  const u32 = (v: number, o: number) => (le ? b.writeUInt32LE(v, o) : b.writeUInt32BE(v, o));
  b.write(order, 0, "ascii");
  u16(42, 2);
  u32(8, 4);
  u16(entries.length, 8);
  entries.forEach(([tag, type, value], i) => {
    const o = 10 + i * 12;
    u16(tag, o);
    u16(type, o + 2);
    u32(1, o + 4);
    if (type === 3) u16(value, o + 8);
    else u32(tag === 273 ? dataOffset : value, o + 8);
  });
  b[dataOffset] = 0xff;
  return b;
}

const utf8 = (text: string) => new TextEncoder().encode(text);
const EPHYTO =
  '<?xml version="1.0" encoding="UTF-8"?>\n<rsm:SPSCertificate xmlns:rsm="urn:un:unece:uncefact:data:standard:SPSCertificate:17"/>';

describe("Certificate files", function () {
  describe("inspectFile", function () {
    it("recognises a PDF, a PNG and a JPEG by their magic bytes and reports the size", function () {
      for (const [bytes, mediaType] of [
        [minimalPdf(), "application/pdf"],
        [minimalPng(), "image/png"],
        [minimalJpeg(), "image/jpeg"],
      ] as const) {
        expect(inspectFile(bytes)).to.deep.equal({ mediaType, size: bytes.length });
      }
    });

    it("recognises GIF, WebP and TIFF (both byte orders)", function () {
      expect(inspectFile(GIF).mediaType).to.equal("image/gif");
      expect(inspectFile(Buffer.from("GIF87a").subarray()).mediaType).to.equal("image/gif");
      expect(inspectFile(WEBP).mediaType).to.equal("image/webp");
      expect(inspectFile(minimalTiff("II")).mediaType).to.equal("image/tiff");
      expect(inspectFile(minimalTiff("MM")).mediaType).to.equal("image/tiff");
    });

    it("recognises UTF-8 XML with a declaration, a BOM, leading whitespace, or just a root element", function () {
      for (const text of [
        EPHYTO,
        "\ufeff" + EPHYTO,
        " \r\n\t" + EPHYTO,
        '<rsm:SPSCertificate xmlns:rsm="urn:x"/>',
        "<_a/>",
        "<Сертификат/>",
      ]) {
        expect(inspectFile(utf8(text)).mediaType, JSON.stringify(text)).to.equal("application/xml");
      }
    });

    it("refuses XML whose bytes are not UTF-8", function () {
      const latin1 = Buffer.from('<?xml version="1.0"?><origin>Bishkek–Almaty café</origin>', "latin1");
      expectError(() => inspectFile(latin1), "UNSUPPORTED_MEDIA_TYPE", /not valid UTF-8/);
    });

    it("refuses XML that declares an encoding other than UTF-8, even when its bytes happen to be ASCII", function () {
      const declared = utf8('<?xml version="1.0" encoding="windows-1251"?><a/>');
      expectError(() => inspectFile(declared), "UNSUPPORTED_MEDIA_TYPE", /windows-1251/);
      expect(inspectFile(utf8('<?xml version="1.0" encoding="us-ascii"?><a/>')).mediaType).to.equal("application/xml");
    });

    it("refuses UTF-16 XML, whose first bytes are a UTF-16 byte-order mark", function () {
      const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<?xml version="1.0"?><a/>', "utf16le")]);
      expectError(() => inspectFile(utf16), "UNSUPPORTED_MEDIA_TYPE", /ff fe 3c 00/);
    });

    it("does not take `<` followed by something other than a name for XML", function () {
      for (const text of ["< a/>", "<1/>", "<", "<!-- only a comment -->"]) {
        expectError(() => inspectFile(utf8(text)), "UNSUPPORTED_MEDIA_TYPE");
      }
    });

    it("refuses an empty file with EMPTY_FILE", function () {
      expectError(() => inspectFile(new Uint8Array()), "EMPTY_FILE");
    });

    it("refuses a file over the limit with FILE_TOO_LARGE, saying its size and the limit", function () {
      const pdf = minimalPdf();
      expectError(
        () => inspectFile(pdf, { maxBytes: pdf.length - 1 }),
        "FILE_TOO_LARGE",
        new RegExp(`${pdf.length} bytes.*${pdf.length - 1} bytes`),
      );
      expect(inspectFile(pdf, { maxBytes: pdf.length }).size).to.equal(pdf.length);
    });

    it("limits files to 20 MiB by default", function () {
      expect(DEFAULT_MAX_FILE_BYTES).to.equal(20 * 1024 * 1024);
      const big = new Uint8Array(DEFAULT_MAX_FILE_BYTES + 1);
      big.set(utf8("%PDF-1.7"));
      expectError(() => inspectFile(big), "FILE_TOO_LARGE", /20971521 bytes.*20971520 bytes/);
      expect(inspectFile(big.subarray(0, DEFAULT_MAX_FILE_BYTES)).mediaType).to.equal("application/pdf");
    });

    it("refuses an unknown file with UNSUPPORTED_MEDIA_TYPE, showing what its first bytes look like", function () {
      const zip = Buffer.from("504b0304140006000800000021000000", "hex");
      expectError(() => inspectFile(zip), "UNSUPPORTED_MEDIA_TYPE", /50 4b 03 04 14 00 06 00.*"PK\.\.\.\.\.\./);
      expectError(() => inspectFile(utf8("plain text certificate")), "UNSUPPORTED_MEDIA_TYPE", /"plain text certi"/);
      // A RIFF container that is not WebP (a WAV file) is not an image.
      expectError(
        () => inspectFile(Buffer.from("RIFF\x24\x00\x00\x00WAVEfmt ", "latin1")),
        "UNSUPPORTED_MEDIA_TYPE",
        /"RIFF\$\.\.\.WAVEfmt "/,
      );
    });

    it("refuses a size limit that would disable the check", function () {
      for (const maxBytes of [0, -1, Number.NaN, 1.5, Infinity]) {
        expect(() => inspectFile(minimalPdf(), { maxBytes }), String(maxBytes)).to.throw(RangeError);
      }
    });
  });

  describe("checkMediaType", function () {
    it("returns what the file is when the declared type says the same, ignoring case and parameters", function () {
      const pdf = minimalPdf();
      expect(checkMediaType(pdf, "application/pdf")).to.deep.equal({ mediaType: "application/pdf", size: pdf.length });
      expect(checkMediaType(pdf, "Application/PDF; name=cert.pdf").mediaType).to.equal("application/pdf");
      expect(checkMediaType(minimalJpeg(), "image/jpeg").mediaType).to.equal("image/jpeg");
    });

    it("takes text/xml and +xml types as application/xml", function () {
      for (const declared of ["application/xml", "text/xml; charset=utf-8", "application/vnd.un.cefact.sps+xml"]) {
        expect(checkMediaType(utf8(EPHYTO), declared).mediaType).to.equal("application/xml");
      }
    });

    it("refuses a declared type that differs from the detected one with MEDIA_TYPE_MISMATCH", function () {
      expectError(() => checkMediaType(minimalPdf(), "image/png"), "MEDIA_TYPE_MISMATCH", /"image\/png".*application\/pdf/);
      expectError(() => checkMediaType(minimalPng(), "image/jpeg"), "MEDIA_TYPE_MISMATCH");
      expectError(() => checkMediaType(utf8(EPHYTO), "application/pdf"), "MEDIA_TYPE_MISMATCH");
      expectError(() => checkMediaType(minimalPdf(), ""), "MEDIA_TYPE_MISMATCH");
    });

    it("still refuses a file that is not acceptable at all, whatever is declared", function () {
      expectError(() => checkMediaType(new Uint8Array(), "application/pdf"), "EMPTY_FILE");
    });
  });

  describe("readDocumentFile", function () {
    let dir: string;

    beforeEach(async function () {
      dir = await mkdtemp(path.join(os.tmpdir(), "certledger-files-"));
    });

    afterEach(async function () {
      await rm(dir, { recursive: true, force: true });
    });

    it("reads a file and returns its bytes, media type and size", async function () {
      const file = path.join(dir, "certificate.png");
      const png = minimalPng();
      await writeFile(file, png);
      const read = await readDocumentFile(file);
      expect(read.mediaType).to.equal("image/png");
      expect(read.size).to.equal(png.length);
      expect(Buffer.from(read.bytes).equals(Buffer.from(png))).to.equal(true);
    });

    it("refuses a missing file with FILE_UNREADABLE naming the path", async function () {
      const file = path.join(dir, "missing.pdf");
      await expectRejection(
        readDocumentFile(file),
        "FILE_UNREADABLE",
        new RegExp(`${file.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&")}.*ENOENT`),
      );
    });

    it("refuses a directory with FILE_UNREADABLE", async function () {
      await expectRejection(readDocumentFile(dir), "FILE_UNREADABLE", /EISDIR/);
    });

    it("refuses an oversized file with FILE_TOO_LARGE before reading it", async function () {
      const file = path.join(dir, "big.pdf");
      await writeFile(file, minimalPdf());
      await expectRejection(readDocumentFile(file, { maxBytes: 10 }), "FILE_TOO_LARGE", /limit of 10 bytes/);
    });

    it("refuses an empty or unknown file as inspectFile does", async function () {
      const empty = path.join(dir, "empty.pdf");
      await writeFile(empty, new Uint8Array());
      await expectRejection(readDocumentFile(empty), "EMPTY_FILE");
      const zip = path.join(dir, "archive.zip");
      await writeFile(zip, Buffer.from("504b0304", "hex"));
      await expectRejection(readDocumentFile(zip), "UNSUPPORTED_MEDIA_TYPE");
    });
  });
});
