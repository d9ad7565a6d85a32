import { spawn } from "node:child_process";
import path from "node:path";
import { threadId } from "node:worker_threads";
import { expect } from "chai";
import { PDFDocument } from "pdf-lib";
import type { PdfStamp } from "../../src/documents/pdf-stamp";
import { stampAndHash } from "../../src/documents/pdf-stamper";
import { PdfStampingPool } from "../../src/documents/pdf-stamping-pool";
import { certHashOf } from "../../src/documents/hashing";
import { CertLedgerError } from "../../src/errors";
import { expectRejection } from "../crypto/expect-error";
import { pdfBytes } from "../verify/world";
import { certificatePdf } from "./certificate-pdf";
import { qrTextsOfFirstPage } from "./qr-reading";

const ROOT = path.resolve(__dirname, "../..");

function stampOf(number: string): PdfStamp {
  const printedLink = `https://certledger.example/v/KG/${encodeURIComponent(number)}`;
  return { qrLink: `${printedLink}#k=${"k".repeat(43)}`, printedLink, number };
}

/** Runs `code` (JavaScript, with ts-node registered and `ROOT` defined) in a new Node process; its exit code and output. */
function runNode(code: string, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  const prelude = `const ROOT = ${JSON.stringify(ROOT)}; require(require.resolve("ts-node", { paths: [ROOT] })).register({ transpileOnly: true, project: ROOT + "/tsconfig.json" });`;
  const child = spawn(process.execPath, ["-e", `${prelude}\n${code}`], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("exit", (exitCode) => {
      clearTimeout(timer);
      resolve({ code: exitCode, output });
    });
  });
}

describe("PDF stamping in worker threads", function () {
  this.timeout(60_000);
  let pool: PdfStampingPool;

  before(function () {
    pool = new PdfStampingPool({ threads: 2 });
  });
  after(async function () {
    await pool.close();
  });

  it("stamps in a worker thread, not this one, into exactly the bytes and certHash of stamping on this thread", async function () {
    const pdf = await certificatePdf(1);
    const stamp = stampOf("KG-2025/000001");
    const before = pool.completed;
    const inWorker = await pool.stamp(pdf, stamp);
    const here = await stampAndHash(pdf, stamp);
    expect(inWorker.threadId).to.be.a("number").and.not.equal(threadId);
    expect(here.threadId).to.equal(threadId);
    expect(pool.completed).to.equal(before + 1);
    expect(Buffer.from(inWorker.bytes).equals(Buffer.from(here.bytes))).to.equal(true);
    expect(inWorker.certHash).to.equal(here.certHash).and.to.equal(certHashOf(inWorker.bytes));
    expect(inWorker.certHash).not.to.equal(certHashOf(pdf));
    expect(await qrTextsOfFirstPage(inWorker.bytes)).to.deep.equal([stamp.qrLink]);
  });

  it("gives back the stamped bytes in a buffer of their own, and leaves the caller's bytes as they were", async function () {
    const pdf = pdfBytes("moved, not copied");
    const copy = Buffer.from(pdf);
    const { bytes } = await pool.stamp(pdf, stampOf("KG-1"));
    expect(bytes).to.be.instanceOf(Uint8Array);
    expect(bytes.byteLength).to.equal(bytes.buffer.byteLength);
    expect(Buffer.from(pdf).equals(copy)).to.equal(true);
  });

  it("refuses what pdf-lib cannot read with PDF_UNREADABLE and the very message of stamping on this thread", async function () {
    const empty = await (await PDFDocument.create()).save({ addDefaultPage: false });
    const broken = [
      new TextEncoder().encode("%PDF-1.4\n% just a comment\n%%EOF\n"),
      new TextEncoder().encode("%PDF-1.7 \u0000\u0001 garbage"),
      empty,
    ];
    for (const bytes of broken) {
      const here = await expectRejection(stampAndHash(bytes, stampOf("KG-1")), "PDF_UNREADABLE");
      const before = pool.completed;
      const inWorker = await expectRejection(pool.stamp(bytes, stampOf("KG-1")), "PDF_UNREADABLE");
      expect(pool.completed, "the refusal came from a worker").to.equal(before + 1);
      expect(inWorker.message).to.equal(here.message);
      expect(inWorker.details).to.deep.equal(here.details);
      expect((inWorker.cause as Error | undefined)?.message).to.equal((here.cause as Error | undefined)?.message);
    }
  });

  it("stamps many PDFs asked for at once on all its threads, each into its own correct bytes", async function () {
    const pdfs = await Promise.all(Array.from({ length: 24 }, (_, i) => certificatePdf(100 + i)));
    const stamps = pdfs.map((_, i) => stampOf(`KG-2025/${100 + i}`));
    const before = pool.completed;
    const results = await Promise.all(pdfs.map((pdf, i) => pool.stamp(pdf, stamps[i])));
    expect(pool.completed).to.equal(before + 24);
    expect(new Set(results.map((r) => r.threadId)).size).to.equal(2);
    expect(results.map((r) => r.threadId)).not.to.include(threadId);
    for (const [i, result] of results.entries()) {
      const here = await stampAndHash(pdfs[i], stamps[i]);
      expect(result.certHash, `PDF ${i}`).to.equal(here.certHash);
      expect(Buffer.from(result.bytes).equals(Buffer.from(here.bytes)), `PDF ${i}`).to.equal(true);
    }
    expect(new Set(results.map((r) => r.certHash)).size).to.equal(24);
  });

  it("refuses to be made without a thread", function () {
    for (const threads of [0, -1, 1.5]) expect(() => new PdfStampingPool({ threads })).to.throw(CertLedgerError, /at least one thread/);
  });

  it("lets its process exit once closed, after finishing the stampings asked for, and takes no more", async function () {
    const { code, output } = await runNode(
      `const { PdfStampingPool } = require(ROOT + "/src/documents/pdf-stamping-pool.ts");
      const { pdfBytes } = require(ROOT + "/test/verify/world.ts");
      const stamp = { qrLink: "https://certledger.example/v/KG/1#k=x", printedLink: "https://certledger.example/v/KG/1", number: "1" };
      (async () => {
        const pool = new PdfStampingPool({ threads: 2 });
        const pending = [1, 2, 3].map((i) => pool.stamp(pdfBytes("exit " + i), stamp));
        const closed = pool.close();
        const done = await Promise.all(pending);
        await closed;
        console.log("stamped " + done.filter((r) => r.threadId !== 0).length + " in workers");
        await pool.stamp(pdfBytes("after"), stamp).then(() => console.log("stamped after close"), (e) => console.log("refused after close: " + e.code));
      })();`,
      50_000,
    );
    expect(code, output).to.equal(0);
    expect(output).to.include("stamped 3 in workers").and.include("refused after close: PDF_STAMPER_CLOSED");
  });
});
