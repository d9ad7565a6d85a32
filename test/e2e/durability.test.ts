import { mkdtemp, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { anchorsOnChain } from "./anchors-on-chain";
import { ethers } from "ethers";
import { eventually, freePort, startNode, type NodeProcess } from "./node-process";

const COUNT = 500;

/** `count` distinct small PDFs as batch-request items of the KG certification body. */
function pdfItems(count: number, tag: string) {
  const validUntil = new Date(Date.now() + 90 * 86_400_000).toISOString();
  return Array.from({ length: count }, (_, i) => {
    const pdf = `%PDF-1.4\n% certificate ${tag}-${i} ${ethers.hexlify(ethers.randomBytes(8))}\n%%EOF\n`;
    // stamp: false: stand-in PDFs, anchored as they are (stamping is tested in test/server/documents.test.ts).
    const base64 = Buffer.from(pdf).toString("base64");
    return { file: { base64, type: "conformityCertificate", number: `KG-${tag}-${i}`, validUntil, stamp: false } };
  });
}

async function submitAll(api: string, token: string, items: ReturnType<typeof pdfItems>): Promise<string[]> {
  const hashes: string[] = [];
  for (let i = 0; i < items.length; i += 100) {
    const response = await fetch(`${api}/v1/certificates/batch`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ items: items.slice(i, i + 100) }),
    });
    expect(response.status, await response.clone().text()).to.equal(200);
    const body = (await response.json()) as { results: { httpStatus: number; certificate?: { certHash: string } }[] };
    for (const result of body.results) {
      expect(result.httpStatus).to.equal(202);
      hashes.push(result.certificate!.certHash);
    }
  }
  return hashes;
}

describe("durability: nothing accepted is lost or anchored twice", function () {
  this.timeout(600_000);
  let node: NodeProcess | undefined;
  afterEach(async function () {
    if (node && node.child.exitCode === null) {
      node.child.kill("SIGINT");
      await node.exited;
    }
  });

  it(`${COUNT} requests accepted but not anchored survive a SIGKILL of the server, and each is anchored exactly once after the restart`, async function () {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "certledger-kill-"));
    const ports = { CHAIN_PORT: String(await freePort()), PORT: String(await freePort()) };
    const api = `http://127.0.0.1:${ports.PORT}`;
    // A batch that waits ten minutes for company: the requests are accepted and stay queued.
    node = startNode({ DATA_DIR: dataDir, ...ports, BATCH_MAX_WAIT_MS: "600000" });
    await node.ready();
    const token = JSON.parse(await readFile(path.join(dataDir, "demo-credentials.json"), "utf8")).parties.KG.authorities[0].token as string;
    const hashes = await submitAll(api, token, pdfItems(COUNT, "kill"));
    expect(new Set(hashes).size).to.equal(COUNT);
    const before = (await (await fetch(`${api}/v1/certificates/${hashes[0]}`)).json()) as { anchoring: string };
    expect(before.anchoring).to.equal("queued");

    node.child.kill("SIGKILL");
    await node.exited;

    node = startNode({ DATA_DIR: dataDir, ...ports, BATCH_MAX_WAIT_MS: "200" });
    await node.ready();
    const anchored = async (hash: string) =>
      ((await (await fetch(`${api}/v1/certificates/${hash}`)).json()) as { anchoring?: string }).anchoring === "anchored";
    await eventually("every request anchored", async () => {
      for (const hash of hashes) if (!(await anchored(hash))) return false;
      return true;
    }).catch(async (error: Error) => {
      const first = await (await fetch(`${api}/v1/certificates/${hashes[0]}`)).text();
      throw new Error(`${error.message}\nfirst request: ${first.slice(0, 800)}\nnode output:\n${node!.output().slice(-3000)}`);
    });
    for (const hash of hashes) {
      const status = (await (await fetch(`${api}/v1/certificates/${hash}`)).json()) as { anchoring: string };
      expect(status.anchoring, hash).to.equal("anchored");
    }
    // Every certificate verifies against the chain, and the chain holds exactly as many anchors as requests: so each
    // is anchored once (a certificate in two batches, or in a batch and on its own, would make the sum larger).
    for (const hash of hashes) {
      const verified = (await (await fetch(`${api}/v1/verify/${hash}`)).json()) as { report: { verdict: string } };
      expect(verified.report.verdict, hash).to.equal("VALID");
    }
    const { direct, batchedLeaves } = await anchorsOnChain(`http://127.0.0.1:${ports.CHAIN_PORT}`, dataDir);
    expect([...direct.values()].every((n) => n === 1)).to.equal(true);
    expect(batchedLeaves + direct.size).to.equal(COUNT);
  });
});
