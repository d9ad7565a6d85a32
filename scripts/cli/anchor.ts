import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseDuration } from "../../server/duration";
import { anchorDirect } from "./anchor-direct";
import { certType, partyList, validUntil, wholeNumber } from "./anchor-fields";
import { apiClient, API_OPTIONS, type ApiClient } from "./api";
import { findFiles, prepareItem, type FileFields, type FoundFile, type PreparedItem } from "./anchor-files";
import { loadRunRecord, runRecordPath, saveRunRecord, type RunEntry, type RunRecord } from "./run-record";
import { SIGNER_HELP, SIGNER_OPTIONS } from "./chain";
import { defineCommand, required } from "./command";
import { ApiProblem, UsageError } from "./errors";
import { EXIT } from "./exit-codes";
import { mapLimit } from "./concurrency";
import { IPFS_OPTIONS } from "./ipfs";
import { ProgressBar } from "./progress";

/** GET /v1/certificates/{certHash}, as far as anchoring needs it. */
interface CertificateDetail {
  anchoring?: "queued" | "submitted" | "anchored" | "failed";
  status?: string;
  request?: { error?: string };
}

/** One item's outcome in POST /v1/certificates/batch. */
interface BatchResult {
  results: {
    index: number;
    httpStatus: number;
    certificate?: {
      certHash: string;
      anchoring: "queued" | "submitted" | "anchored" | "failed";
      numberHash: string;
      links: { verify: string; stamped?: string; document?: string };
      linkKey?: string;
    };
    problem?: { status: number; code: string; detail: string };
  }[];
}

/** Requests in flight at once when checking or fetching proofs: enough to hide latency, few enough for a small server. */
const PARALLEL = 8;

export const anchorCommand = defineCommand({
  name: "anchor",
  usage: "<files or folders…> --out DIR (--api URL --token T | --rpc URL --deployment FILE --keystore FILE) [options]",
  help: [
    "Anchors every file (folders are walked) and records each one in its run record DIR/run.json, which is also the resume state:",
    "run it again with the same --out and the files already accepted or anchored are not sent again; refused ones are",
    "tried again.",
    "",
    "Through an API server (--api): the files go to POST /v1/certificates/batch, --chunk at a time; the server encrypts",
    "each payload to IPFS, signs unsigned credentials and stamps PDFs. The run record keeps each file's certHash,",
    "certificate number, verification link (with the holder's link key) and, once anchored, its Merkle proof.",
    "",
    "Straight to the chain (--rpc, no server involved): the files become Merkle batches (one per certificate type),",
    "sent with the authority's account. The run record keeps each file's certHash, batch root, Merkle proof,",
    "transaction and block. Each batch is recorded before it is sent, and a resume asks the ledger before sending it",
    "again, so every batch is anchored exactly once. Its IPFS manifest (the leaves) goes to the Kubo node of --ipfs-api,",
    "so that any party finds the certificates from the chain alone; without --ipfs-api it is written to",
    "DIR/batches/<CID>.json and must be added to IPFS by you (ipfs add --cid-version 1 --raw-leaves gives the same CID).",
    "No payload is encrypted or stored in this mode: the issuer keeps the documents, PDFs are anchored as they are (no",
    "QR code stamped), and holders verify with the file itself, its hash, or a proof from the run record.",
    "",
    "  .json          an unsigned W3C credential (the server signs it with the authority's key: --api only)",
    "  .jwt, .jws     a signed credential (compact JWS)",
    "  anything else  a document file (PDF, XML, image) anchored as it is, with --type, --valid-until and its number",
    "                 (the file name without its extension, after --number-prefix)",
    "",
    "options:",
    "  --out DIR             where the run record goes (required; the same folder resumes)",
    "  --type T              certificate type of document files: conformityCertificate (default), testReport,",
    "                        certificateOfOrigin, phytosanitaryCertificate, or its number",
    "  --valid-until TIME    validity of document files: an ISO date-time, or a duration from now (365d)",
    "  --number-prefix P     put before each file's name to make its certificate number",
    "  --json                print the summary as JSON",
    "through an API server:",
    "  --api URL             the API server (or CERTLEDGER_API)",
    "  --token T             an issuer token of the authority (or CERTLEDGER_TOKEN)",
    "  --recipients KG,KZ    parties whose encryption keys may also open the payloads",
    "  --no-stamp            anchor PDFs as they are; by default the server stamps each PDF with the QR code of its",
    "                        link first, and the stamped copy (the bytes anchored) is saved in DIR/documents/",
    "  --chunk N             items per request (default 100; at most the server's MAX_BATCH_REQUEST)",
    "  --wait                wait until every accepted file is anchored, and record its proof",
    "  --timeout DURATION    how long --wait waits (default 10m)",
    "straight to the chain (the account signing is an issuing authority's):",
    ...SIGNER_HELP,
    "  --ledger ADDRESS      instead of --deployment: the ledger's address",
    "  --ipfs-api URL        a Kubo node's RPC API to store the batch manifests on (or IPFS_API_URL)",
    "  --batch-size N        certificates per batch at most (default 10000)",
  ].join("\n"),
  options: {
    ...API_OPTIONS,
    ...SIGNER_OPTIONS,
    ...IPFS_OPTIONS,
    ledger: { type: "string" },
    "batch-size": { type: "string" },
    out: { type: "string" },
    type: { type: "string" },
    "valid-until": { type: "string" },
    "number-prefix": { type: "string" },
    recipients: { type: "string" },
    "no-stamp": { type: "boolean" },
    chunk: { type: "string" },
    wait: { type: "boolean" },
    timeout: { type: "string" },
  },
  async run({ values, positionals }, out) {
    if (positionals.length === 0) throw new UsageError("give the files or folders to anchor");
    const outDir = path.resolve(required(values.out, "out", "the folder of the run record (and of the resume state)"));
    if (values.rpc !== undefined || values.deployment !== undefined || values.ledger !== undefined) {
      const apiOnly = (["api", "token", "recipients", "chunk", "timeout"] as const).find((option) => values[option] !== undefined);
      if (apiOnly)
        throw new UsageError(`--${apiOnly} is for anchoring through an API server; with --rpc the files go straight to the chain`);
      return anchorDirect(values, positionals, outDir, out);
    }
    for (const option of ["keystore", "from", "ipfs-api", "batch-size"] as const) {
      if (values[option] !== undefined) throw new UsageError(`--${option} is for anchoring straight to the chain: give --rpc URL too`);
    }
    const chunk = wholeNumber(values.chunk ?? "100", "chunk", 1, 10_000);
    const timeoutSeconds = parseDuration(values.timeout ?? "10m");
    if (timeoutSeconds === undefined) throw new UsageError(`--timeout ${values.timeout} is not a duration such as 90s, 10m or 2h`);
    const api = apiClient(values, true);
    const files = await findFiles(positionals, outDir);
    if (files.length === 0) throw new UsageError(`no files in ${positionals.join(", ")}`);
    const { record, byFile } = await loadRunRecord(outDir, { api: api.base });
    const fields: FileFields = {
      type: certType(values.type ?? "conformityCertificate"),
      validUntil: files.some((f) => f.kind === "file") ? resumedValidity(record, values["valid-until"]) : "",
      numberPrefix: values["number-prefix"] ?? "",
      recipients: values.recipients === undefined ? undefined : partyList(values.recipients),
      stamp: values["no-stamp"] !== true,
    };
    // Kept before anything is sent: a run killed after the server accepted a chunk resumes with the same validity.
    await saveRunRecord(outDir, record, byFile);
    const run = new AnchorRun(api, outDir, record, byFile, files);
    await run.refresh("checking earlier run");
    const toSend = files.filter((f) => {
      const entry = byFile.get(f.file);
      return entry === undefined || entry.status === "refused";
    });
    if (files.length > toSend.length) out.note(`${files.length - toSend.length} of ${files.length} files were accepted by an earlier run`);
    await run.send(toSend, fields, chunk);
    await run.completeLinks();
    if (values.wait) await run.waitAnchored(Date.now() + timeoutSeconds * 1000);
    else await run.recordProofs();

    const counts = run.counts();
    const incomplete = counts.refused + counts.failed > 0 || (values.wait === true && counts.pending > 0);
    const recordFile = runRecordPath(outDir);
    out.result({ runRecord: recordFile, ...counts, complete: !incomplete, problems: run.problems() }, [
      `${counts.total} files: ${counts.accepted} accepted, ${counts.anchored} anchored, ${counts.pending} waiting, ` +
        `${counts.refused} refused, ${counts.failed} failed`,
      ...run.problems().map((line) => `  ${line}`),
      `run record: ${recordFile}`,
    ]);
    return incomplete ? EXIT.INCOMPLETE : EXIT.OK;
  },
});

/** One invocation of `anchor`: the files it is about, and their run record entries. */
class AnchorRun {
  readonly #bar = new ProgressBar("anchor");

  constructor(
    private readonly api: ApiClient,
    private readonly outDir: string,
    private readonly record: RunRecord,
    private readonly byFile: Map<string, RunEntry>,
    private readonly files: FoundFile[],
  ) {}

  #entries(): RunEntry[] {
    return this.files.map((f) => this.byFile.get(f.file)).filter((e): e is RunEntry => e !== undefined);
  }

  async #save(): Promise<void> {
    await saveRunRecord(this.outDir, this.record, this.byFile);
  }

  /** Asks the server where every accepted, not yet anchored file stands (a request it does not know is sent again). */
  async refresh(label: string): Promise<void> {
    const open = this.#entries().filter((e) => (e.status === "queued" || e.status === "submitted") && e.certHash);
    if (open.length === 0) return;
    let checked = 0;
    await mapLimit(open, PARALLEL, async (entry) => {
      const detail = await this.api.request<CertificateDetail>("GET", `/v1/certificates/${entry.certHash}`).catch((error: unknown) => {
        if (error instanceof ApiProblem && error.status === 404) return undefined;
        throw error;
      });
      // A certificate the ledger holds is anchored, even when this server's request is gone.
      const status = detail?.anchoring ?? (detail?.status ? "anchored" : undefined);
      if (status === undefined) this.byFile.delete(entry.file);
      else if (status !== entry.status) {
        entry.status = status;
        if (status === "failed") entry.problem = { code: "ANCHORING_FAILED", detail: detail?.request?.error ?? "anchoring failed" };
        entry.updatedAt = new Date().toISOString();
      }
      this.#bar.update(++checked, open.length, label);
    });
    this.#bar.done();
    await this.#save();
  }

  /** Sends `files`, `chunk` at a time, recording each outcome and saving the run record after every request. */
  async send(files: FoundFile[], fields: FileFields, chunk: number): Promise<void> {
    let sent = 0;
    let refused = 0;
    try {
      for (let start = 0; start < files.length; start += chunk) {
        const slice = files.slice(start, start + chunk);
        const prepared: { found: FoundFile; item: PreparedItem }[] = [];
        const stamped: RunEntry[] = [];
        for (const found of slice) {
          try {
            prepared.push({ found, item: await prepareItem(found, fields) });
          } catch (error) {
            refused++;
            this.#record(found, { status: "refused", problem: { code: "UNREADABLE_FILE", detail: (error as Error).message } });
          }
        }
        if (prepared.length > 0) {
          const answer = await this.api
            .request<BatchResult>("POST", "/v1/certificates/batch", { json: { items: prepared.map((p) => p.item.item) } })
            .catch((error: unknown) => {
              if (error instanceof ApiProblem && error.code === "REQUEST_TOO_LARGE") {
                throw new UsageError(`the server refused ${prepared.length} items in one request (${error.message}): lower --chunk`);
              }
              throw error;
            });
          for (const result of answer.results) {
            const { found, item } = prepared[result.index];
            const certificate = result.certificate;
            if (certificate) {
              this.#record(found, {
                status: certificate.anchoring,
                certHash: certificate.certHash,
                number: item.number,
                numberHash: certificate.numberHash,
                link: certificate.links.verify,
                linkKeyMissing: certificate.linkKey === undefined ? true : undefined,
                stampedLink: certificate.links.stamped,
              });
              if (certificate.links.stamped && certificate.links.document) stamped.push(this.byFile.get(found.file)!);
            } else {
              refused++;
              const problem = result.problem ?? { status: result.httpStatus, code: `HTTP_${result.httpStatus}`, detail: "refused" };
              this.#record(found, { status: "refused", certHash: item.certHash, number: item.number, problem });
            }
          }
        }
        await mapLimit(stamped, PARALLEL, (entry) => this.#saveDocument(entry));
        sent += slice.length;
        await this.#save();
        this.#bar.update(sent, files.length, `${refused} refused`);
      }
    } finally {
      this.#bar.done();
    }
  }

  /** Saves the stamped PDF the server anchored (the copy to hand to the holder) in DIR/documents/. */
  async #saveDocument(entry: RunEntry): Promise<void> {
    const bytes = await this.api.bytes(`/v1/certificates/${entry.certHash}/document`);
    const file = path.join(this.outDir, "documents", path.basename(entry.file));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, bytes);
    entry.document = file;
  }

  /**
   * Asks the server again for the link keys this run (or an interrupted one) did not receive, and for the stamped copies
   * not saved yet: the issuer's server keeps both for its certificates.
   */
  async completeLinks(): Promise<void> {
    const missing = this.#entries().filter(
      (e) => e.certHash && e.status !== "refused" && (e.linkKeyMissing || (e.stampedLink && !e.document)),
    );
    await mapLimit(missing, PARALLEL, async (entry) => {
      const link = await this.api
        .request<{ link: string; linkKey?: string; stampedLink?: string; stamped?: boolean }>(
          "GET",
          `/v1/certificates/${entry.certHash}/link`,
        )
        .catch((error: unknown) => {
          // A server without the link route (or that did not accept this certificate) leaves the link without its key.
          if (error instanceof ApiProblem && error.status === 404) return undefined;
          throw error;
        });
      if (link?.linkKey !== undefined) {
        entry.link = link.link;
        entry.linkKeyMissing = undefined;
        entry.stampedLink = link.stampedLink;
      }
      if (link?.stamped && !entry.document) await this.#saveDocument(entry);
    });
    if (missing.length > 0) await this.#save();
  }

  #record(found: FoundFile, fields: Omit<RunEntry, "file" | "kind" | "updatedAt">): void {
    this.byFile.set(found.file, { file: found.file, kind: found.kind, ...fields, updatedAt: new Date().toISOString() });
  }

  /** Polls until every accepted file is anchored (or failed), or `deadline`; records each one's proof on the way. */
  async waitAnchored(deadline: number): Promise<void> {
    for (;;) {
      await this.refresh("waiting for anchors");
      await this.recordProofs();
      const { pending, accepted, anchored } = this.counts();
      this.#bar.update(anchored, accepted, "anchored", true);
      if (pending === 0 || Date.now() >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    this.#bar.done();
  }

  /** Fetches the proof bundle of every anchored file that has no proof recorded yet. */
  async recordProofs(): Promise<void> {
    const missing = this.#entries().filter((e) => e.status === "anchored" && e.anchor === undefined && e.certHash);
    if (missing.length === 0) return;
    let done = 0;
    await mapLimit(missing, PARALLEL, async (entry) => {
      const bundle = await this.api.request<{ anchor: Record<string, unknown> }>("GET", `/v1/certificates/${entry.certHash}/bundle`);
      entry.anchor = bundle.anchor;
      entry.updatedAt = new Date().toISOString();
      this.#bar.update(++done, missing.length, "recording proofs");
    });
    this.#bar.done();
    await this.#save();
  }

  /** How the files of this run stand. */
  counts(): { total: number; accepted: number; anchored: number; pending: number; refused: number; failed: number } {
    const entries = this.#entries();
    const count = (...statuses: RunEntry["status"][]) => entries.filter((e) => statuses.includes(e.status)).length;
    const refused = count("refused");
    return {
      total: this.files.length,
      accepted: count("queued", "submitted", "anchored", "failed"),
      anchored: count("anchored"),
      pending: count("queued", "submitted"),
      refused: refused + (this.files.length - entries.length),
      failed: count("failed"),
    };
  }

  /** One line per refused or failed file (the first 20). */
  problems(): string[] {
    const bad = this.#entries().filter((e) => e.status === "refused" || e.status === "failed");
    const lines = bad
      .slice(0, 20)
      .map((e) => `${e.status} ${path.relative(process.cwd(), e.file)}: ${e.problem?.code} ${e.problem?.detail}`);
    if (bad.length > 20) lines.push(`… and ${bad.length - 20} more (see the run record)`);
    return lines;
  }
}

/**
 * The validity of document files: the first run's when --valid-until is given as it was then (a duration counts from
 * the first run, not from each resume, or the server would see a resumed request as a conflicting one).
 */
function resumedValidity(record: RunRecord, given: string | undefined): string {
  // Read back from a file: checked again as an ISO date-time, like a --valid-until given now.
  if (given !== undefined && record.validity?.given === given && typeof record.validity.validUntil === "string") {
    return validUntil(record.validity.validUntil);
  }
  const resolved = validUntil(given);
  record.validity = { given: given!, validUntil: resolved };
  return resolved;
}
