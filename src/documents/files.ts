import { open } from "node:fs/promises";
import { CertLedgerError } from "../errors";

/** The media types a certificate file may have; anything else is refused rather than anchored blind. */
export type DocumentMediaType =
  "application/pdf" | "application/xml" | "image/png" | "image/jpeg" | "image/webp" | "image/gif" | "image/tiff";

/** What the bytes of a certificate file turned out to be. */
export interface FileInfo {
  mediaType: DocumentMediaType;
  size: number;
}

/** Options of the file checks. */
export interface FileOptions {
  /** The largest file accepted, in bytes; DEFAULT_MAX_FILE_BYTES when absent. */
  maxBytes?: number;
}

/** The default size limit of a certificate file: 20 MiB, ample for a scanned multi-page PDF. */
export const DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024;

/** Signatures at offset 0, checked in order. */
const SIGNATURES: { mediaType: DocumentMediaType; bytes: number[] }[] = [
  { mediaType: "application/pdf", bytes: ascii("%PDF-") },
  { mediaType: "image/png", bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { mediaType: "image/jpeg", bytes: [0xff, 0xd8, 0xff] },
  { mediaType: "image/gif", bytes: ascii("GIF87a") },
  { mediaType: "image/gif", bytes: ascii("GIF89a") },
  // Classic TIFF (42) and BigTIFF (43), little- and big-endian.
  { mediaType: "image/tiff", bytes: [0x49, 0x49, 0x2a, 0x00] },
  { mediaType: "image/tiff", bytes: [0x4d, 0x4d, 0x00, 0x2a] },
  { mediaType: "image/tiff", bytes: [0x49, 0x49, 0x2b, 0x00] },
  { mediaType: "image/tiff", bytes: [0x4d, 0x4d, 0x00, 0x2b] },
];

const UTF8_BOM = [0xef, 0xbb, 0xbf];
// XML's whitespace (the S production): space, tab, CR, LF.
const XML_SPACE = new Set([0x20, 0x09, 0x0d, 0x0a]);
// Encodings a declaration may name for bytes that are UTF-8 (ASCII is a subset).
const UTF8_LABELS = new Set(["utf-8", "utf8", "us-ascii", "ascii"]);

/** The media type and size of a certificate file, from its magic bytes; refuses empty, oversized and unknown files. */
export function inspectFile(bytes: Uint8Array, options: FileOptions = {}): FileInfo {
  const maxBytes = maxBytesOf(options);
  if (bytes.length === 0) throw new CertLedgerError("EMPTY_FILE", "the file is empty");
  if (bytes.length > maxBytes) throw tooLarge(bytes.length, maxBytes);
  const signed = SIGNATURES.find((s) => startsWith(bytes, s.bytes, 0));
  if (signed !== undefined) return { mediaType: signed.mediaType, size: bytes.length };
  // A WebP file is a RIFF container; the form type at offset 8 says which kind of RIFF.
  if (startsWith(bytes, ascii("RIFF"), 0) && startsWith(bytes, ascii("WEBP"), 8)) return { mediaType: "image/webp", size: bytes.length };
  if (looksLikeXml(bytes)) {
    checkUtf8Xml(bytes);
    return { mediaType: "application/xml", size: bytes.length };
  }
  throw new CertLedgerError(
    "UNSUPPORTED_MEDIA_TYPE",
    `the file is not a PDF, XML, PNG, JPEG, WebP, GIF or TIFF file; it starts with ${firstBytes(bytes)}`,
  );
}

/**
 * Checks that `declared` (a Content-Type as an uploader sent it) names what the bytes are, and returns what they
 * are. Parameters and case are ignored; `text/xml` and any `+xml` type count as `application/xml` (RFC 7303).
 */
export function checkMediaType(bytes: Uint8Array, declared: string, options: FileOptions = {}): FileInfo {
  const info = inspectFile(bytes, options);
  const essence = String(declared).split(";")[0].trim().toLowerCase();
  const sameXml = info.mediaType === "application/xml" && (essence === "text/xml" || /^[a-z0-9.+-]+\/[a-z0-9.+-]+\+xml$/.test(essence));
  if (essence !== info.mediaType && !sameXml) {
    throw new CertLedgerError(
      "MEDIA_TYPE_MISMATCH",
      `the file was declared as ${JSON.stringify(String(declared))} but its bytes are ${info.mediaType}`,
    );
  }
  return info;
}

/** Reads the certificate file at `path` and inspects it; an oversized file is refused before it is read. */
export async function readDocumentFile(path: string, options: FileOptions = {}): Promise<FileInfo & { bytes: Uint8Array }> {
  const maxBytes = maxBytesOf(options);
  let bytes: Uint8Array;
  try {
    const file = await open(path, "r");
    try {
      const { size } = await file.stat();
      // Checked before reading so a huge file never lands in memory.
      if (size > maxBytes) throw tooLarge(size, maxBytes);
      bytes = await file.readFile();
    } finally {
      await file.close();
    }
  } catch (error) {
    if (error instanceof CertLedgerError) throw error;
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new CertLedgerError("FILE_UNREADABLE", `cannot read ${JSON.stringify(path)}: ${reason}`, { cause: error });
  }
  // The file may have grown between stat and read; inspectFile checks the size of what was read.
  return { ...inspectFile(bytes, { maxBytes }), bytes };
}

/** The size limit of `options`, refusing a limit that would disable the check. */
function maxBytesOf(options: FileOptions): number {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw new RangeError(`maxBytes must be a positive integer, got ${maxBytes}`);
  return maxBytes;
}

function tooLarge(size: number, maxBytes: number): CertLedgerError {
  return new CertLedgerError("FILE_TOO_LARGE", `the file is ${size} bytes, more than the limit of ${maxBytes} bytes`);
}

/** Whether the bytes open like an XML document: optional BOM, optional whitespace, then `<?xml` or `<` and a name. */
function looksLikeXml(bytes: Uint8Array): boolean {
  let i = startsWith(bytes, UTF8_BOM, 0) ? UTF8_BOM.length : 0;
  while (i < bytes.length && XML_SPACE.has(bytes[i])) i++;
  if (bytes[i] !== 0x3c) return false;
  if (startsWith(bytes, ascii("<?xml"), i)) return true;
  const next = bytes[i + 1];
  // A name starts with a letter, "_", ":" or a non-ASCII character (its first UTF-8 byte is >= 0x80).
  return next !== undefined && (isAsciiLetter(next) || next === 0x5f || next === 0x3a || next >= 0x80);
}

/** Refuses XML whose bytes are not UTF-8 or whose declaration names another encoding. */
function checkUtf8Xml(bytes: Uint8Array): void {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new CertLedgerError("UNSUPPORTED_MEDIA_TYPE", "the file looks like XML but is not valid UTF-8; only UTF-8 XML is accepted");
  }
  const declared = /^\s*<\?xml[^>]*?\sencoding\s*=\s*["']([^"']+)["']/.exec(text.replace(/^\uFEFF/, ""))?.[1];
  if (declared !== undefined && !UTF8_LABELS.has(declared.toLowerCase())) {
    throw new CertLedgerError(
      "UNSUPPORTED_MEDIA_TYPE",
      `the XML declares encoding ${JSON.stringify(declared)}; only UTF-8 XML is accepted, so that everyone reads the same text`,
    );
  }
}

/** The first bytes as hex and as printable ASCII, e.g. `50 4b 03 04 ("PK..")`, for an error message. */
function firstBytes(bytes: Uint8Array): string {
  const head = bytes.subarray(0, 16);
  const hex = Array.from(head, (b) => b.toString(16).padStart(2, "0")).join(" ");
  const text = Array.from(head, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".")).join("");
  return `${hex} (${JSON.stringify(text)})`;
}

function startsWith(bytes: Uint8Array, prefix: number[], offset: number): boolean {
  return bytes.length >= offset + prefix.length && prefix.every((b, i) => bytes[offset + i] === b);
}

function isAsciiLetter(b: number): boolean {
  return (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
}

function ascii(text: string): number[] {
  return Array.from(text, (c) => c.charCodeAt(0));
}
