import type { NextFunction, Request, RequestHandler, Response } from "express";
import multer from "multer";
import { CertLedgerError } from "../src/errors";

/**
 * Request bodies: JSON only where JSON is expected, multipart only where a file may be uploaded, each with its size
 * limit. Whatever the parsers throw at a malformed, oversized or mistyped body becomes a CertLedgerError here, so the
 * problem handler sees a 4xx code, never an unknown error.
 *
 * A body over its limit costs the node nothing but its headers: a Content-Length above the limit is refused before a
 * byte is read, a chunked body as soon as the bytes counted pass it, and either way the connection is closed after the
 * 413 rather than drained (body-parser read the whole of an oversized body before answering, and the JSON under the
 * limit it then parsed on the event loop: six 24 MB bodies held /healthz up for 28 s).
 */

/** What a route takes as its body. */
export interface BodyKinds {
  /** JSON bodies up to this many bytes. */
  json?: { limit: number };
  /** multipart/form-data with at most one file in field `file` of up to `maxFileBytes`. */
  multipart?: { maxFileBytes: number; fileField: string };
  /** A raw body of one of these media types, up to `limit` bytes (then `req.body` is its bytes, a Buffer). */
  text?: { mediaTypes: readonly string[]; limit: number };
  /** Whether a request may come without a body (then `req.body` is `{}`). */
  optional?: boolean;
}

/** An uploaded file, in memory. */
export interface UploadedFile {
  bytes: Uint8Array;
  /** The media type the client declared for the part. */
  declaredType: string;
  filename: string;
}

const JSON_TYPES = ["application/json", "application/*+json"];
const MULTIPART_FIELD_BYTES = 1024 * 1024;
const MULTIPART_FIELDS = 50;
/** What a multipart form may carry besides its file: boundaries, part headers and its small text fields. */
const MULTIPART_FORM_BYTES = 1024 * 1024;

/** Middleware parsing the body as `kinds` allows, refusing any other content type with 415. */
export function bodyParser(kinds: BodyKinds): RequestHandler {
  const json = kinds.json;
  const upload = kinds.multipart
    ? multer({
        storage: multer.memoryStorage(),
        limits: {
          fileSize: kinds.multipart.maxFileBytes,
          files: 1,
          fields: MULTIPART_FIELDS,
          fieldSize: MULTIPART_FIELD_BYTES,
          parts: MULTIPART_FIELDS + 1,
        },
      }).single(kinds.multipart.fileField)
    : undefined;
  const text = kinds.text;
  const accepted = [...(json ? ["application/json"] : []), ...(upload ? ["multipart/form-data"] : []), ...(text?.mediaTypes ?? [])].join(
    " or ",
  );

  return (req: Request, res: Response, next: NextFunction) => {
    if (!hasBody(req)) {
      if (kinds.optional) {
        req.body = {};
        return next();
      }
      return next(new CertLedgerError("UNSUPPORTED_CONTENT_TYPE", `this operation needs a ${accepted} body`));
    }
    if (json && req.is(JSON_TYPES)) {
      return readJson(req, res, json.limit).then(
        (body) => {
          req.body = body;
          next();
        },
        (error: unknown) => next(error),
      );
    }
    if (text && req.is([...text.mediaTypes])) {
      return readBytes(req, res, text.limit).then(
        (bytes) => {
          req.body = bytes;
          next();
        },
        (error: unknown) => next(error),
      );
    }
    if (upload && req.is("multipart/form-data")) {
      const limit = kinds.multipart!.maxFileBytes + MULTIPART_FORM_BYTES;
      let settled = false;
      const once = (error?: unknown) => {
        if (settled) return;
        settled = true;
        if (error) next(translate(error, kinds));
        else next();
      };
      if (!capBody(req, res, limit, once)) return;
      return upload(req, res, once);
    }
    const given = req.get("content-type") ?? "no Content-Type";
    return next(new CertLedgerError("UNSUPPORTED_CONTENT_TYPE", `this operation takes ${accepted}, not ${given}`));
  };
}

/** The uploaded file of a multipart request, if any. */
export function uploadedFile(req: Request): UploadedFile | undefined {
  const file = req.file;
  if (!file) return undefined;
  return { bytes: new Uint8Array(file.buffer), declaredType: file.mimetype, filename: file.originalname };
}

/** Reads a raw body of at most `limit` bytes, uncompressed (a gzip body is a bomb the limit would only catch after inflating it). */
function readBytes(req: Request, res: Response, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const coding = (req.get("content-encoding") ?? "identity").toLowerCase();
    if (coding !== "identity") {
      reject(new CertLedgerError("UNSUPPORTED_CONTENT_TYPE", `the body's encoding ${coding} is not supported; send it uncompressed`));
      return;
    }
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer) => chunks.push(chunk);
    const ok = capBody(req, res, limit, (error) => {
      req.off("data", onData);
      reject(error);
    });
    if (!ok) return;
    req.on("data", onData);
    req.once("aborted", () => reject(new CertLedgerError("INVALID_REQUEST", "the body ended before its declared length")));
    req.once("error", () => reject(new CertLedgerError("INVALID_REQUEST", "the body could not be read")));
    req.once("end", () => resolve(Buffer.concat(chunks)));
  });
}

/**
 * Reads a JSON body of at most `limit` bytes (UTF-8, no content coding: a gzip body is a bomb the limit would only
 * catch after inflating it) and parses it; any JSON value is accepted, as the operation's schema judges it.
 */
async function readJson(req: Request, res: Response, limit: number): Promise<unknown> {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.get("content-type") ?? "")?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== "utf-8" && charset !== "utf8") {
    throw new CertLedgerError("UNSUPPORTED_CONTENT_TYPE", "the body's encoding or charset is not supported; send UTF-8");
  }
  const text = (await readBytes(req, res, limit)).toString("utf8");
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new CertLedgerError("MALFORMED_JSON", "the body is not well-formed JSON");
  }
}

/**
 * Holds the body of `req` to `limit` bytes: false (and `fail` called) at once when its Content-Length is larger,
 * else `fail` is called as soon as the bytes streamed pass the limit. Either way the body is left unread and the
 * connection is closed after the answer, so that an attacker's megabytes are neither buffered nor drained.
 */
function capBody(req: Request, res: Response, limit: number, fail: (error: CertLedgerError) => void): boolean {
  const tooLarge = () => {
    res.set("Connection", "close");
    req.pause();
    return new CertLedgerError("REQUEST_TOO_LARGE", `the body is larger than the limit of ${limit} bytes`);
  };
  const declared = Number(req.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) {
    fail(tooLarge());
    return false;
  }
  let received = 0;
  const count = (chunk: Buffer) => {
    received += chunk.length;
    if (received <= limit) return;
    req.off("data", count);
    req.unpipe();
    fail(tooLarge());
  };
  req.on("data", count);
  return true;
}

/** Whether the request carries a body (RFC 9112: a Content-Length above 0, or a Transfer-Encoding). */
function hasBody(req: Request): boolean {
  if (req.get("transfer-encoding") !== undefined) return true;
  const length = Number(req.get("content-length") ?? "0");
  return Number.isFinite(length) && length > 0;
}

/** A multer (busboy) error as a CertLedgerError (the JSON reader throws its own). */
function translate(error: unknown, kinds: BodyKinds): CertLedgerError {
  if (error instanceof CertLedgerError) return error;
  const e = error as { name?: string; code?: string; field?: string; message?: string; status?: number };
  if (e.name === "MulterError") {
    switch (e.code) {
      case "LIMIT_FILE_SIZE":
        return new CertLedgerError("FILE_TOO_LARGE", `the file is larger than the limit of ${kinds.multipart?.maxFileBytes} bytes`);
      case "LIMIT_UNEXPECTED_FILE":
      case "LIMIT_FILE_COUNT":
        return new CertLedgerError(
          "MALFORMED_MULTIPART",
          `unexpected file${e.field ? ` in field ${JSON.stringify(e.field)}` : ""}: send one file, in field "${kinds.multipart?.fileField}"`,
        );
      case "LIMIT_FIELD_VALUE":
      case "LIMIT_FIELD_COUNT":
      case "LIMIT_PART_COUNT":
        return new CertLedgerError("REQUEST_TOO_LARGE", `the form is too large: ${e.message ?? e.code}`);
      default:
        return new CertLedgerError("MALFORMED_MULTIPART", `the multipart form is malformed: ${e.message ?? e.code}`);
    }
  }
  // busboy's own errors ("Unexpected end of form", "Malformed part header", a missing boundary) are plain Errors.
  if (!(typeof e.status === "number" && e.status >= 500)) {
    return new CertLedgerError("MALFORMED_MULTIPART", `the multipart form is malformed: ${e.message ?? "unreadable"}`);
  }
  return new CertLedgerError("INTERNAL_ERROR", "the body could not be read", { cause: error });
}
