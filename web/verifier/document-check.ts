/**
 * Checking a file the person holds, keeping it private where the check allows:
 * - a document (PDF, XML, image) is hashed here with SubtleCrypto and verified by its hash: a file's integrity is
 *   exactly its SHA-256, so the server learns nothing it needs from the bytes, and the document never leaves;
 * - only when the document does not match the certificate it claims to be (the one of the link the page was opened
 *   at, or the one its PDF stamp names) is it sent, with that claim, so the server itself says TAMPERED (and can sign
 *   that in a receipt); such a document is not the anchored one anyway;
 * - a credential (.jwt, or .json wrapping one) is sent as it is: its signature and the issuer it names must be checked
 *   against the keys on the ledger, which is what the server's verifier does;
 * - a proof bundle (.json) is sent as it is, being made for exactly that.
 */
import type { LinkTarget } from "./links";
import { spsFieldsInBrowser, type SpsDocument } from "./sps-view";
import { readPdfStamp } from "./pdf-stamp-reader";
import { verify, type VerifyOptions, type VerifyRequest, type VerifyResponse } from "./verification";

/** A remark about how a file was checked, shown under the verdict. */
export type FileNote =
  | { kind: "hash"; name: string; hash: string }
  | { kind: "stamp"; party: string; number: string }
  | { kind: "sent" }
  | { kind: "different"; hash: string };

/** The outcome of checking a file: the request that answered (for the receipt), its answer, and the remarks. */
export interface FileOutcome {
  request: VerifyRequest;
  response: VerifyResponse;
  notes: FileNote[];
  /** What the file says, when it is an ePhyto (SPS certificate XML): read here, never sent. */
  document?: SpsDocument;
}

/** The largest file the page reads (the server's default limit). */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const ENVELOPED_PREFIX = "data:application/vc+jwt,";

/** Checks `file`; `expected` is the certificate the page's link names, which a document is compared with. */
export async function checkFile(file: File, expected: LinkTarget | undefined, options: VerifyOptions): Promise<FileOutcome> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const structured = structuredInput(bytes);
  if (structured) {
    const response = await verify(structured, options);
    // The JSON API takes no claimed certificate with a credential, so a credential that is another one is pointed out.
    const anchored = response.report.certificate?.certHash;
    const other = expected?.kind === "hash" && anchored !== undefined && anchored !== expected.certHash;
    return { request: structured, response, notes: other ? [{ kind: "different", hash: anchored }] : [] };
  }

  const outcome = await checkBytes(file, bytes, expected, options);
  const document = spsFieldsInBrowser(bytes);
  return document ? { ...outcome, document } : outcome;
}

async function checkBytes(file: File, bytes: Uint8Array, expected: LinkTarget | undefined, options: VerifyOptions): Promise<FileOutcome> {
  const notes: FileNote[] = [];
  const hash = await sha256Hex(bytes);
  const upload = (expectedCertHash?: string): VerifyRequest => ({ kind: "file", file, name: file.name, expectedCertHash });
  const stamp = await readPdfStamp(bytes);
  if (stamp?.kind === "number") notes.push({ kind: "stamp", party: stamp.party, number: stamp.number });
  const claim = expected ?? stamp;

  if (hash === undefined) {
    // No SubtleCrypto (a page served over plain HTTP from another host): the server has to hash it.
    const request = upload(claim?.kind === "hash" ? claim.certHash : claim ? await certHashOf(claim, options) : undefined);
    return { request, response: await verify(request, options), notes: [...notes, { kind: "sent" }] };
  }
  notes.unshift({ kind: "hash", name: file.name, hash });
  const byHash: VerifyRequest = { kind: "hash", certHash: hash };
  const response = await verify(byHash, options);
  const found = response.report.verdict !== "NOT_FOUND";
  if (found && !(expected?.kind === "hash" && expected.certHash !== hash)) return { request: byHash, response, notes };
  if (found && expected?.kind === "hash" && expected.certHash !== hash) notes.push({ kind: "different", hash });

  const claimed = claim === undefined ? undefined : claim.kind === "hash" ? claim.certHash : await certHashOf(claim, options);
  if (claimed === undefined || claimed === hash) return { request: byHash, response, notes };
  const request = upload(claimed);
  return { request, response: await verify(request, options), notes: [...notes, { kind: "sent" }] };
}

/** The SHA-256 of `bytes` as 0x-hex, computed in this browser; undefined where SubtleCrypto is not offered. */
export async function sha256Hex(bytes: Uint8Array): Promise<string | undefined> {
  if (!globalThis.crypto?.subtle) return undefined;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
  return "0x" + Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The hash of the latest certificate with the target's number, or undefined when there is none. */
async function certHashOf(target: LinkTarget, options: VerifyOptions): Promise<string | undefined> {
  if (target.kind === "hash") return target.certHash;
  const { report } = await verify({ kind: "number", party: target.party, number: target.number }, { asOfDay: options.asOfDay });
  return report.verdict === "NOT_FOUND" ? undefined : (report.certHash ?? undefined);
}

/** A credential or proof bundle in the file (compact JWS, or JSON holding one), else undefined: a document. */
function structuredInput(bytes: Uint8Array): VerifyRequest | undefined {
  // A credential or bundle is small text; a larger file, or one that is not UTF-8, is a document.
  if (bytes.length > 2_000_000) return undefined;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true })
      .decode(bytes)
      .replace(/^\uFEFF/, "")
      .trim();
  } catch {
    return undefined;
  }
  if (COMPACT_JWS.test(text)) return { kind: "credential", jws: text };
  if (!text.startsWith("{") && !text.startsWith('"')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value === "string" && COMPACT_JWS.test(value.trim())) return { kind: "credential", jws: value.trim() };
  if (typeof value !== "object" || value === null) return undefined;
  const object = value as Record<string, unknown>;
  if (object.format === "certledger-proof-bundle") return { kind: "bundle", bundle: value };
  if (typeof object.jws === "string" && COMPACT_JWS.test(object.jws.trim())) return { kind: "credential", jws: object.jws.trim() };
  // A W3C VC 2.0 EnvelopedVerifiableCredential: the JWS in a data: URL.
  if (typeof object.id === "string" && object.id.startsWith(ENVELOPED_PREFIX)) {
    const jws = object.id.slice(ENVELOPED_PREFIX.length).trim();
    if (COMPACT_JWS.test(jws)) return { kind: "credential", jws };
  }
  return undefined;
}
