import { createHash } from "node:crypto";
import { access, constants, readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { certHashOf } from "../../src/documents/hashing";
import { UsageError } from "./errors";

/** How a file is anchored: an unsigned credential (the server signs it), a signed credential, or the file's bytes. */
export type AnchorKind = "credential" | "jws" | "file";

/** A file found on the command line. */
export interface FoundFile {
  /** Absolute path: the manifest's key for it. */
  file: string;
  kind: AnchorKind;
}

/** `.json`: an unsigned W3C credential; `.jwt`/`.jws`: a signed one (compact JWS); anything else: a document file. */
export function kindOf(file: string): AnchorKind {
  const extension = path.extname(file).toLowerCase();
  if (extension === ".json") return "credential";
  if (extension === ".jwt" || extension === ".jws") return "jws";
  return "file";
}

/**
 * The files named by `paths`, folders walked recursively (hidden entries and `exclude` skipped), sorted, each once.
 * A path that does not exist or cannot be read is a UsageError naming it: nothing is sent until every path is readable.
 */
export async function findFiles(paths: string[], exclude: string): Promise<FoundFile[]> {
  const found = new Set<string>();
  const walk = async (target: string, given: boolean): Promise<void> => {
    const info = await stat(target).catch(() => undefined);
    if (!info) throw new UsageError(`cannot read ${target}: no such file or folder`);
    if (info.isDirectory()) {
      if (path.resolve(target) === exclude) return;
      const entries = await readdir(target).catch(() => {
        throw new UsageError(`cannot read the folder ${target}`);
      });
      for (const entry of entries.sort()) if (!entry.startsWith(".")) await walk(path.join(target, entry), false);
      return;
    }
    if (!info.isFile()) {
      if (given) throw new UsageError(`${target} is not a file or folder`);
      return;
    }
    await access(target, constants.R_OK).catch(() => {
      throw new UsageError(`cannot read ${target}: permission denied`);
    });
    found.add(path.resolve(target));
  };
  for (const target of paths) await walk(target, true);
  return [...found].sort().map((file) => ({ file, kind: kindOf(file) }));
}

/** What every document file is anchored with (a credential carries its own). */
export interface FileFields {
  type: string | number;
  validUntil: string;
  numberPrefix: string;
  recipients?: string[];
  /** false: a PDF is anchored as it is, not stamped with its QR code by the server first. */
  stamp: boolean;
}

/** One item of POST /v1/certificates/batch, with the certHash when it is known before the server answers. */
export interface PreparedItem {
  item: Record<string, unknown>;
  certHash?: string;
  number?: string;
}

/**
 * Reads `found` and makes its batch item. The idempotency key is the file's content hash, so that a file sent again
 * after an interrupted run (or a credential the server signs anew) is recognised by the server, not anchored twice.
 */
export async function prepareItem(found: FoundFile, fields: FileFields): Promise<PreparedItem> {
  let bytes: Buffer;
  try {
    bytes = await readFile(found.file);
  } catch {
    throw new UsageError(`cannot read ${found.file}`);
  }
  const idempotencyKey = `certledger-cli:${createHash("sha256").update(bytes).digest("hex")}`;
  const recipients = fields.recipients;
  if (found.kind === "credential") {
    let credential: unknown;
    try {
      credential = JSON.parse(bytes.toString("utf8"));
    } catch {
      throw new UsageError(`${found.file} is not JSON (a .json file is anchored as an unsigned credential)`);
    }
    return { item: { credential, recipients, idempotencyKey } };
  }
  if (found.kind === "jws") {
    const jws = bytes.toString("utf8").trim();
    return { item: { jws, recipients, idempotencyKey }, certHash: certHashOf(jws) };
  }
  const number = fields.numberPrefix + path.basename(found.file, path.extname(found.file));
  return {
    item: {
      file: {
        base64: bytes.toString("base64"),
        type: fields.type,
        number,
        validUntil: fields.validUntil,
        ...(fields.stamp ? {} : { stamp: false }),
      },
      recipients,
      idempotencyKey,
    },
    // A PDF the server stamps is hashed after stamping: only the server's answer knows its hash.
    certHash: fields.stamp && bytes.subarray(0, 5).toString("latin1") === "%PDF-" ? undefined : certHashOf(bytes),
    number,
  };
}
