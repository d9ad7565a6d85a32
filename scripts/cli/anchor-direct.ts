import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { LedgerClient, WriteResult } from "../../src/chain/ledger-client";
import { certificateTypeNumber } from "../../src/documents/certificate-types";
import { credentialCertificateType, credentialIssuer, credentialNumber, credentialNumberHash } from "../../src/documents/credentials";
import { inspectFile } from "../../src/documents/files";
import { certHashOf, certificateNumberHash } from "../../src/documents/hashing";
import { verifyCredentialJws } from "../../src/documents/vc-jose";
import { CertLedgerError } from "../../src/errors";
import { cidOf, type PayloadStore } from "../../src/ipfs";
import type { AuthorityRecord } from "../../src/chain/ledger-records";
import { admitAuthority, admitSigningKey } from "../../src/pipeline/admission";
import { findOnChain, sendOnce, type BatchTarget } from "../../src/pipeline/anchoring-engine";
import { buildBatch, encodeBatchManifest, type BatchLeafInput } from "../../src/merkle";
import { certType, validUntil, wholeNumber } from "./anchor-fields";
import { findFiles, type FoundFile } from "./anchor-files";
import { loadRunRecord, runRecordPath, saveRunRecord, type RecordedBatch, type RunEntry, type RunRecord } from "./run-record";
import { connectLedger, signerOf } from "./chain";
import type { Output } from "./command";
import { UsageError } from "./errors";
import { EXIT } from "./exit-codes";
import { kuboOf } from "./ipfs";
import { ProgressBar } from "./progress";

/** The options `anchor` takes when it anchors straight to the chain. */
export interface DirectValues {
  rpc?: string;
  deployment?: string;
  ledger?: string;
  keystore?: string;
  from?: string;
  "ipfs-api"?: string;
  type?: string;
  "valid-until"?: string;
  "number-prefix"?: string;
  "batch-size"?: string;
}

/** The issuing authority the signing account anchors for. */
type Issuer = AuthorityRecord;

/** A file read and ready to be a leaf. */
interface Leaf extends BatchLeafInput {
  found: FoundFile;
  certType: number;
  number: string;
}

/** What every document file is anchored with (a signed credential carries its own). */
interface FileFields {
  certType: number;
  validUntil: bigint;
  numberPrefix: string;
}

/** What a run of a command-line anchor straight to the chain did. */
interface Summary {
  total: number;
  anchored: number;
  earlier: number;
  refused: number;
}

/**
 * `certledger anchor --rpc …`: the files as Merkle batches (one per certificate type, at most --batch-size leaves),
 * anchored by the signing account's authority with no API server. Exactly once, by the server's rule
 * (src/pipeline/anchoring-engine.ts): each batch is recorded in the run record (root, leaves, batch manifest CID) before
 * its transaction is sent; a later run asks the ledger whether the root is anchored before sending it.
 */
export async function anchorDirect(values: DirectValues, paths: string[], outDir: string, out: Output): Promise<number> {
  const batchSize = wholeNumber(values["batch-size"] ?? "10000", "batch-size", 1, 100_000);
  const files = await findFiles(paths, outDir);
  if (files.length === 0) throw new UsageError(`no files in ${paths.join(", ")}`);
  const typeOption = certType(values.type ?? "conformityCertificate");
  const fields = {
    certType: typeof typeOption === "number" ? typeOption : certificateTypeNumber(typeOption),
    validUntil: files.some((f) => f.kind === "file") ? seconds(validUntil(values["valid-until"])) : 0n,
    numberPrefix: values["number-prefix"] ?? "",
  };
  const store = await kuboOf(values["ipfs-api"]);
  const connection = await connectLedger(values, values.ledger);
  try {
    const client = connection.client.withSigner(await signerOf(values, connection.provider));
    const issuer = await issuerOf(client);
    const { record, byFile } = await loadRunRecord(outDir, {
      chain: { chainId: connection.deployment.chainId, ledger: client.address.toLowerCase() },
    });
    const run = new DirectRun(client, issuer, store, outDir, record, byFile, out);
    const earlier = files.filter((f) => ["anchored", "batched"].includes(byFile.get(f.file)?.status ?? "")).length;
    if (earlier > 0) out.note(`${earlier} of ${files.length} files were recorded in a batch by an earlier run: not read again`);
    // First what an earlier run recorded and may not have finished: its batches go out as recorded, or not at all.
    await run.finishRecorded();
    const leaves = await run.read(
      files.filter((f) => {
        const status = byFile.get(f.file)?.status;
        return status === undefined || status === "refused";
      }),
      fields,
    );
    await run.record(leaves, batchSize);
    await run.finishRecorded();

    const summary = run.summary(files, earlier);
    const batches = record.batches ?? [];
    const local = batches.filter((b) => b.ipfs === "local");
    const recordFile = runRecordPath(outDir);
    out.result({ runRecord: recordFile, ...summary, complete: summary.refused === 0, batches, problems: run.problems(files) }, [
      `${summary.total} files: ${summary.anchored} anchored (${summary.earlier} recorded by an earlier run), ${summary.refused} refused`,
      ...run.problems(files).map((line) => `  ${line}`),
      ...batches.map(
        (b) => `batch ${b.root}: ${b.leafCount} certificates, manifest ${b.manifestCid}, transaction ${b.txHash} (block ${b.blockNumber})`,
      ),
      ...local.flatMap((b) => [
        `the batch manifest ${b.manifestFile} is NOT on IPFS: until it is, only it and the run record prove these certificates.`,
        `  add it to IPFS (ipfs add --cid-version 1 --raw-leaves ${b.manifestFile} gives the same CID, ${b.manifestCid})`,
        `  or run this again with --ipfs-api URL, so that any party can find the certificates from the chain alone`,
      ]),
      `run record: ${recordFile}`,
    ]);
    return summary.refused > 0 ? EXIT.INCOMPLETE : EXIT.OK;
  } finally {
    connection.close();
    await store?.stop();
  }
}

/** The authority the client's signer anchors for, as the ledger has it now. */
async function issuerOf(client: LedgerClient): Promise<Issuer> {
  const account = await client.signer!.getAddress();
  const authorityId = await client.authorityOfAccount(account);
  if (authorityId === undefined) {
    throw new CertLedgerError("NOT_AN_AUTHORITY", `${account} is not an account of any issuing authority on this ledger`);
  }
  const authority = await client.getAuthority(authorityId);
  if (authority === undefined || authority.status !== "Active") {
    throw new CertLedgerError("AUTHORITY_NOT_ACTIVE", `authority ${authorityId} of ${account} is not active`);
  }
  return authority;
}

/** One invocation straight to the chain: its run record, and the batches it records and sends. */
class DirectRun {
  readonly #bar = new ProgressBar("anchor");
  readonly #batches: RecordedBatch[];

  constructor(
    private readonly client: LedgerClient,
    private readonly issuer: Issuer,
    private readonly store: PayloadStore | undefined,
    private readonly outDir: string,
    private readonly runRecord: RunRecord,
    private readonly byFile: Map<string, RunEntry>,
    private readonly out: Output,
  ) {
    this.#batches = runRecord.batches ??= [];
  }

  #save(): Promise<void> {
    return saveRunRecord(this.outDir, this.runRecord, this.byFile);
  }

  /** Reads and hashes `files`: document files with the run's type, validity and number; signed credentials with their own. */
  async read(files: FoundFile[], fields: FileFields): Promise<Leaf[]> {
    const leaves: Leaf[] = [];
    let done = 0;
    for (const found of files) {
      try {
        const bytes = await readFile(found.file).catch(() => {
          throw new CertLedgerError("FILE_UNREADABLE", `cannot read ${found.file}`);
        });
        const leaf = found.kind === "file" ? this.#fileLeaf(found, new Uint8Array(bytes), fields) : await this.#jwsLeaf(found, bytes);
        // Checked before the batch is recorded: a recorded batch the ledger refuses would block every later run.
        admitAuthority(this.issuer, this.issuer.id, leaf.certType);
        leaves.push(leaf);
      } catch (error) {
        if (!(error instanceof CertLedgerError)) throw error;
        this.#set(found, { status: "refused", problem: { code: error.code, detail: error.message } });
      }
      this.#bar.update(++done, files.length, "reading");
    }
    this.#bar.done();
    return leaves;
  }

  #fileLeaf(found: FoundFile, bytes: Uint8Array, fields: FileFields): Leaf {
    // Refuses what no verifier could make sense of (empty, oversized, not a PDF, XML or image), as the API does.
    inspectFile(bytes);
    const number = fields.numberPrefix + path.basename(found.file, path.extname(found.file));
    return {
      found,
      certHash: certHashOf(bytes),
      certType: fields.certType,
      number,
      numberHash: certificateNumberHash(this.issuer.party, number),
      validUntil: fields.validUntil,
    };
  }

  async #jwsLeaf(found: FoundFile, bytes: Buffer): Promise<Leaf> {
    const issuer = this.issuer;
    if (found.kind === "credential") {
      throw new CertLedgerError(
        "INVALID_CREDENTIAL",
        "an unsigned credential (.json) is signed by the API server with the authority's key: sign it first (.jwt) or use --api",
      );
    }
    const jws = bytes.toString("utf8").trim();
    const { credential, thumbprint } = await verifyCredentialJws(jws);
    const claimed = credentialIssuer(credential);
    if (claimed.authorityId !== issuer.id || claimed.party !== issuer.party) {
      throw new CertLedgerError(
        "ISSUER_MISMATCH",
        `the credential names authority ${claimed.authorityId} of ${claimed.party}; this account anchors for authority ${issuer.id} of ${issuer.party}`,
      );
    }
    admitSigningKey(await this.client.getSigningKey(issuer.id, thumbprint), issuer.id, thumbprint);
    return {
      found,
      certHash: certHashOf(jws),
      certType: certificateTypeNumber(credentialCertificateType(credential)),
      number: credentialNumber(credential),
      numberHash: credentialNumberHash(credential),
      validUntil: seconds(credential.validUntil),
    };
  }

  /**
   * Groups `leaves` into batches (one per certificate type, at most `batchSize` each), writes each batch's IPFS manifest
   * next to the run record, and records the batches and their files in the run record before anything is sent.
   */
  async record(leaves: Leaf[], batchSize: number): Promise<void> {
    // A file whose bytes another file (or an earlier batch) already anchors shares that certificate: one leaf per certHash.
    const known = new Map<string, RunEntry>();
    for (const entry of this.byFile.values()) if (entry.certHash && entry.anchor) known.set(entry.certHash, entry);
    const fresh = new Set<string>();
    const byType = new Map<number, Leaf[]>();
    const copies: Leaf[] = [];
    for (const leaf of leaves) {
      if (known.has(leaf.certHash) || fresh.has(leaf.certHash)) {
        copies.push(leaf);
        continue;
      }
      fresh.add(leaf.certHash);
      byType.set(leaf.certType, [...(byType.get(leaf.certType) ?? []), leaf]);
    }
    if (leaves.length === 0) return;
    const recordedAtBlock = await this.client.blockNumber();
    for (const [type, group] of byType) {
      for (let start = 0; start < group.length; start += batchSize) {
        const slice = group.slice(start, start + batchSize);
        const batch = buildBatch(this.issuer.id, type, slice);
        const bytes = encodeBatchManifest(batch.manifest);
        const manifestCid = await cidOf(bytes);
        const manifestFile = path.join(this.outDir, "batches", `${manifestCid}.json`);
        await mkdir(path.dirname(manifestFile), { recursive: true });
        await writeFile(manifestFile, bytes);
        this.#batches.push({
          root: batch.root,
          certType: type,
          leafCount: batch.leafCount,
          leaves: batch.members().map((m) => m.certHash),
          manifestCid,
          manifestFile,
          ipfs: "local",
          status: "recorded",
          recordedAtBlock,
        });
        for (const leaf of slice) {
          const member = batch.member(leaf.certHash)!;
          const entry = this.#set(leaf.found, {
            status: "batched",
            certHash: member.certHash,
            number: leaf.number,
            numberHash: member.numberHash,
          });
          entry.anchor = {
            kind: "batch",
            root: batch.root,
            authorityId: batch.authorityId,
            numberHash: member.numberHash,
            validUntil: member.validUntil.toString(),
            proof: member.proof,
          };
          known.set(member.certHash, entry);
        }
      }
    }
    for (const leaf of copies) {
      const original = known.get(leaf.certHash)!;
      const { status, numberHash, anchor } = original;
      this.#set(leaf.found, { status, certHash: leaf.certHash, number: original.number, numberHash, anchor: { ...anchor } });
    }
    await this.#save();
  }

  /** Puts every recorded batch's manifest on IPFS (with --ipfs-api) and on the chain, unless the chain has it already. */
  async finishRecorded(): Promise<void> {
    for (const batch of this.#batches.filter((b) => b.status === "recorded" || (b.ipfs === "local" && this.store))) {
      if (this.store && batch.ipfs === "local") await this.#addManifest(batch);
      if (batch.status === "anchored") continue;
      const anchored = await this.#anchorOnce(batch);
      batch.status = "anchored";
      batch.txHash = anchored.txHash;
      batch.blockNumber = anchored.blockNumber;
      for (const entry of this.byFile.values()) {
        if (entry.anchor?.root !== batch.root) continue;
        entry.status = "anchored";
        entry.anchor = { ...entry.anchor, txHash: anchored.txHash, blockNumber: anchored.blockNumber };
        entry.updatedAt = new Date().toISOString();
      }
      await this.#save();
    }
  }

  /** Adds the batch's manifest to the IPFS node before the chain points at it, so that others find it once they look. */
  async #addManifest(batch: RecordedBatch): Promise<void> {
    const bytes = await readFile(batch.manifestFile).catch(() => {
      throw new UsageError(`cannot read the batch manifest ${batch.manifestFile} that an earlier run wrote`);
    });
    // The Kubo store checks the node's CID against its own computation of it.
    const cid = await this.store!.add(new Uint8Array(bytes));
    if (cid !== batch.manifestCid) {
      throw new CertLedgerError("CID_MISMATCH", `${batch.manifestFile} is ${cid} on IPFS, not ${batch.manifestCid}: was it changed?`);
    }
    batch.ipfs = "added";
    await this.#save();
  }

  /**
   * Sends the batch unless the ledger holds it already (an earlier run sent it); either way, where it is anchored. The
   * rule is the server's too: src/pipeline/anchoring-engine.ts, with this run record as the durable intent.
   */
  async #anchorOnce(batch: RecordedBatch): Promise<WriteResult> {
    const target: BatchTarget = {
      kind: "batch",
      authorityId: this.issuer.id,
      certType: batch.certType,
      root: batch.root,
      leafCount: batch.leafCount,
      manifestCid: batch.manifestCid,
    };
    let found = await findOnChain(this.client, target, batch.recordedAtBlock);
    if (found.state === "ours") this.out.note(`batch ${batch.root} is on the chain already (an earlier run sent it): not sent again`);
    else found = await sendOnce(this.client, target, batch.recordedAtBlock);
    // Its event before the block the run recorded (a chain that went back and forth): looked for from the deployment.
    if (found.state === "ours" && found.position.txHash === undefined) found = await findOnChain(this.client, target);
    const position = found.state === "ours" ? found.position : {};
    if (position.txHash === undefined || position.blockNumber === undefined)
      throw new CertLedgerError("BATCH_NOT_FOUND", `the ledger has batch ${batch.root} but no BatchAnchored event of it`);
    return { txHash: position.txHash, blockNumber: position.blockNumber };
  }

  #set(found: FoundFile, fields: Omit<RunEntry, "file" | "kind" | "updatedAt">): RunEntry {
    const entry: RunEntry = { file: found.file, kind: found.kind, ...fields, updatedAt: new Date().toISOString() };
    this.byFile.set(found.file, entry);
    return entry;
  }

  /** How the files of this run stand. */
  summary(files: FoundFile[], earlier: number): Summary {
    const entries = files.map((f) => this.byFile.get(f.file));
    return {
      total: files.length,
      anchored: entries.filter((e) => e?.status === "anchored").length,
      earlier,
      refused: entries.filter((e) => e?.status !== "anchored").length,
    };
  }

  /** One line per refused file (the first 20). */
  problems(files: FoundFile[]): string[] {
    const bad = files.map((f) => this.byFile.get(f.file)).filter((e): e is RunEntry => e?.status === "refused");
    const lines = bad.slice(0, 20).map((e) => `refused ${path.relative(process.cwd(), e.file)}: ${e.problem?.code} ${e.problem?.detail}`);
    if (bad.length > 20) lines.push(`… and ${bad.length - 20} more (see the run record)`);
    return lines;
  }
}

/** An ISO date-time as Unix seconds, refused when it has passed (the ledger would anchor an expired certificate). */
function seconds(iso: string): bigint {
  const value = BigInt(Math.floor(Date.parse(iso) / 1000));
  if (value <= BigInt(Math.floor(Date.now() / 1000))) {
    throw new CertLedgerError("INVALID_CERTIFICATE_VALIDITY", `the validity ${iso} has passed`);
  }
  return value;
}
