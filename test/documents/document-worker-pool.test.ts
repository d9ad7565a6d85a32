import { spawn } from "node:child_process";
import path from "node:path";
import { threadId } from "node:worker_threads";
import { expect } from "chai";
import { PDFDocument } from "pdf-lib";
import type { PdfStamp } from "../../src/documents/pdf-stamp";
import { stampAndHash } from "../../src/documents/pdf-stamper";
import { DocumentWorkerPool } from "../../src/documents/document-worker-pool";
import { certHashOf } from "../../src/documents/hashing";
import { generateEncryptionKey, generateSigningKey, type GeneratedKey } from "../../src/crypto/keys";
import { decryptAsRecipient, decryptWithLinkKey, readPayloadHeader } from "../../src/crypto/payload-encryption";
import { sealCredential } from "../../src/documents/credential-sealing";
import { buildCredential, validateCredential, type Credential } from "../../src/documents/credentials";
import { preparedSigner, verifyCredentialJws } from "../../src/documents/vc-jose";
import { EXAMPLE_INPUTS } from "./credential-examples";
import { CertLedgerError } from "../../src/errors";
import { buildBatch } from "../../src/merkle/batch";
import { composeBatch } from "../../src/merkle/composed-batch";
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
  let pool: DocumentWorkerPool;

  before(function () {
    pool = new DocumentWorkerPool({ threads: 2 });
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
    for (const threads of [0, -1, 1.5]) expect(() => new DocumentWorkerPool({ threads })).to.throw(CertLedgerError, /at least one thread/);
  });

  it("lets its process exit once closed, after finishing the stampings asked for, and takes no more", async function () {
    const { code, output } = await runNode(
      `const { DocumentWorkerPool } = require(ROOT + "/src/documents/document-worker-pool.ts");
      const { pdfBytes } = require(ROOT + "/test/verify/world.ts");
      const stamp = { qrLink: "https://certledger.example/v/KG/1#k=x", printedLink: "https://certledger.example/v/KG/1", number: "1" };
      (async () => {
        const pool = new DocumentWorkerPool({ threads: 2 });
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

  describe("sealing credentials", function () {
    let key: GeneratedKey;
    let reader: GeneratedKey;

    before(async function () {
      [key, reader] = await Promise.all([generateSigningKey(), generateEncryptionKey()]);
    });

    const credentialOf = (n: number) =>
      validateCredential(
        JSON.parse(JSON.stringify(buildCredential({ ...EXAMPLE_INPUTS.conformityCertificate, certificateNumber: `KG-SEAL-${n}` }))),
      );

    it("seals in a worker as on this thread: a JWS of the credential's JSON under the key, its certHash, its payload for the link key and each recipient", async function () {
      const credential = credentialOf(1);
      const recipients = [{ party: "KZ", publicJwk: reader.publicJwk }];
      const before = pool.completed;
      const sealed = await pool.seal({ credential, signer: preparedSigner(key), recipients });
      const here = await sealCredential({ credential, signer: preparedSigner(key), recipients });
      expect(pool.completed, "sealed by a worker").to.equal(before + 1);
      for (const { jws, certHash, payload, linkKey } of [sealed, here]) {
        const verified = await verifyCredentialJws(jws);
        expect(verified.thumbprint).to.equal(key.thumbprint);
        expect(JSON.parse(Buffer.from(jws.split(".")[1], "base64url").toString())).to.deep.equal(credential);
        expect(jws.split(".")[1]).to.equal(Buffer.from(JSON.stringify(credential)).toString("base64url"), "its JSON as given");
        expect(certHash).to.equal(certHashOf(jws));
        expect(readPayloadHeader(payload)).to.deep.equal({ certHash, contentType: "application/vc+jwt", recipients: ["KZ"] });
        expect(new TextDecoder().decode(await decryptWithLinkKey(payload, linkKey))).to.equal(jws);
        expect(new TextDecoder().decode(await decryptAsRecipient(payload, reader.privateJwk))).to.equal(jws);
      }
      // The same header but for randomness: ECDSA signatures and content keys are drawn afresh each time.
      expect(sealed.jws.split(".")[0]).to.equal(here.jws.split(".")[0]);
      expect(sealed.jws).not.to.equal(here.jws);
    });

    it("sends the credentials of one turn to the workers together, a share per task a worker can hold, each sealed as its own", async function () {
      const credentials = Array.from({ length: 40 }, (_, i) => credentialOf(100 + i));
      const before = pool.completed;
      const sealed = await Promise.all(credentials.map((credential) => pool.seal({ credential, signer: preparedSigner(key) })));
      expect(pool.completed - before, "tasks for 40 credentials, 2 threads holding 2 each").to.equal(4);
      for (const [i, { jws }] of sealed.entries()) {
        expect((await verifyCredentialJws(jws)).credential.credentialSubject.certificateNumber).to.equal(`KG-SEAL-${100 + i}`);
      }
      expect(new Set(sealed.map((s) => s.certHash)).size).to.equal(40);
    });

    it("refuses a credential that is not valid on the caller's thread, before any worker signs it", async function () {
      const broken = { ...credentialOf(2), validUntil: "tomorrow" } as Credential;
      const before = pool.completed;
      await expectRejection(pool.seal({ credential: broken, signer: preparedSigner(key) }), "INVALID_CREDENTIAL", /validUntil/);
      expect(pool.completed, "no task sent").to.equal(before);
    });

    it("refuses a credential alone when the worker refuses it (a recipient that is no party), with this thread's code and message", async function () {
      const recipients = [{ party: "kz", publicJwk: reader.publicJwk }];
      const here = await expectRejection(
        sealCredential({ credential: credentialOf(3), signer: preparedSigner(key), recipients }),
        "INVALID_PARTY_CODE",
      );
      const [refused, sealed] = await Promise.allSettled([
        pool.seal({ credential: credentialOf(3), signer: preparedSigner(key), recipients }),
        pool.seal({ credential: credentialOf(4), signer: preparedSigner(key) }),
      ]);
      expect(refused.status).to.equal("rejected");
      const error = (refused as PromiseRejectedResult).reason as CertLedgerError;
      expect(error).to.be.instanceOf(CertLedgerError);
      expect([error.code, error.message]).to.deep.equal([here.code, here.message]);
      expect(sealed.status).to.equal("fulfilled");
    });
  });

  describe("composing Merkle batches", function () {
    const hash = (i: number, salt: string) => "0x" + Buffer.from(`${salt}${i}`.padStart(32, "-")).toString("hex");
    const leavesOf = (count: number, withCids: boolean) =>
      Array.from({ length: count }, (_, i) => ({
        certHash: hash(i, "cert"),
        numberHash: hash(i, "number"),
        validUntil: 1_900_000_000n + BigInt(i),
        // What the outbox's requests carry besides a leaf's members: not needed by the worker, and not sent.
        status: "queued",
        ...(withCids && { payloadCid: "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy" }),
      }));

    it("composes in a worker exactly the batch of this thread: root, every proof in tree order, the manifest's bytes", async function () {
      const before = pool.completed;
      for (const withCids of [false, true]) {
        const leaves = leavesOf(300, withCids);
        const here = composeBatch(7, 2, leaves);
        const inWorker = await pool.composeBatch(7, 2, leaves);
        expect(inWorker.root).to.equal(here.root);
        expect(inWorker.members).to.deep.equal(here.members);
        expect(Buffer.from(inWorker.manifest).equals(Buffer.from(here.manifest))).to.equal(true);
        expect(here.root).to.equal(buildBatch(7, 2, leaves).root);
      }
      expect(pool.completed, "tasks the workers ran").to.equal(before + 2);
    });

    it("refuses leaves as this thread does (a certificate twice), with its code and message", async function () {
      const leaves = leavesOf(3, false);
      leaves.push({ ...leaves[1] });
      let here: unknown;
      try {
        composeBatch(7, 2, leaves);
      } catch (error) {
        here = error;
      }
      const refused = await pool.composeBatch(7, 2, leaves).then(
        () => expect.fail("composed"),
        (error: unknown) => error as CertLedgerError,
      );
      expect(refused).to.be.instanceOf(CertLedgerError);
      expect([refused.code, refused.message]).to.deep.equal([(here as CertLedgerError).code, (here as CertLedgerError).message]);
      expect(refused.code).to.equal("DUPLICATE_LEAF");
    });

    it("composes on this thread once the pool is closing: a batcher stopping after it still records what it sends", async function () {
      const closing = new DocumentWorkerPool({ threads: 1 });
      await closing.close();
      const leaves = leavesOf(5, true);
      expect(await closing.composeBatch(7, 2, leaves)).to.deep.equal(composeBatch(7, 2, leaves));
    });
  });
});
