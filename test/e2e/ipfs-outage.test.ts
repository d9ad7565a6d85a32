import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { anchorsOnChain } from "./anchors-on-chain";
import { ethers } from "ethers";
import { startFakeKubo, type FakeKubo } from "../ipfs/fake-kubo";
import { eventually, freePort, startNode } from "./node-process";

const COUNT = 20;

interface RequestView {
  anchoring: string;
  payloadCid?: string;
  error?: string;
}

interface CertificateView {
  request?: RequestView;
  record?: unknown;
}

/**
 * A certificate file as multipart form data: XML (an ePhyto-like document), anchored byte for byte. A PDF would do as
 * well, but its QR stamping is not what this test is about.
 */
function xmlForm(tag: string): FormData {
  const form = new FormData();
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<certificate number="KG-IPFS-${tag}" nonce="${ethers.hexlify(ethers.randomBytes(8))}"/>\n`;
  form.append("file", new Blob([xml], { type: "application/xml" }), "c.xml");
  form.append("type", "conformityCertificate");
  form.append("number", `KG-IPFS-${tag}`);
  form.append("validUntil", new Date(Date.now() + 90 * 86_400_000).toISOString());
  return form;
}

/** A node on a fresh data folder whose payload store is the Kubo stand-in `kubo`, with its API helpers. */
async function startKuboNode(kubo: FakeKubo) {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "certledger-ipfs-outage-"));
  const ports = { CHAIN_PORT: String(await freePort()), PORT: String(await freePort()) };
  const env = { DATA_DIR: dataDir, ...ports, IPFS_API_URL: kubo.url };
  const api = `http://127.0.0.1:${ports.PORT}`;
  const node = startNode(env);
  await node.ready();
  const token = JSON.parse(await readFile(path.join(dataDir, "demo-credentials.json"), "utf8")).parties.KG.authorities[0].token as string;
  return {
    node,
    env,
    dataDir,
    api,
    rpcUrl: `http://127.0.0.1:${ports.CHAIN_PORT}`,
    async submit(tag: string): Promise<string> {
      const answer = await fetch(`${api}/v1/certificates`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}` },
        body: xmlForm(tag),
      });
      if (answer.status !== 202) expect.fail(`${answer.status} ${await answer.text()}\nnode:\n${node.output().slice(-3000)}`);
      const body = (await answer.json()) as { certHash: string; anchoring: string };
      expect(body.anchoring).to.equal("queued");
      return body.certHash;
    },
    /** The certificate's view as its issuer sees it (with the request's last error). */
    async view(hash: string): Promise<CertificateView> {
      const answer = await fetch(`${api}/v1/certificates/${hash}`, { headers: { authorization: `Bearer ${token}` } });
      expect(answer.status, await answer.clone().text()).to.equal(200);
      return (await answer.json()) as CertificateView;
    },
  };
}

type KuboNode = Awaited<ReturnType<typeof startKuboNode>>;

/** Waits until every request is anchored, then checks each was anchored once, verifies VALID, and is held by `kubo`. */
async function expectAnchoredOnce(ledger: KuboNode, kubo: FakeKubo, hashes: string[]): Promise<void> {
  await eventually(
    "every request anchored once IPFS is back",
    async () => {
      for (const hash of hashes) if ((await ledger.view(hash)).request?.anchoring !== "anchored") return false;
      return true;
    },
    60_000,
  ).catch(async (error: Error) => {
    throw new Error(
      `${error.message}\nfirst request: ${JSON.stringify(await ledger.view(hashes[0]))}\nnode:\n${ledger.node.output().slice(-3000)}`,
    );
  });
  for (const hash of hashes) {
    const { request } = await ledger.view(hash);
    expect(request!.payloadCid, hash).to.be.a("string");
    expect(kubo.holds(request!.payloadCid!), `payload of ${hash} in Kubo`).to.equal(true);
    const verified = (await (await fetch(`${ledger.api}/v1/verify/${hash}`)).json()) as { report: { verdict: string } };
    expect(verified.report.verdict, hash).to.equal("VALID");
  }
  // As many anchors on chain as requests, none twice: a certificate in two batches, or in a batch and on its own,
  // would make the sum larger.
  const { direct, batchedLeaves, manifests } = await anchorsOnChain(ledger.rpcUrl, ledger.dataDir);
  expect([...direct.values()].every((n) => n === 1)).to.equal(true);
  expect(batchedLeaves + direct.size).to.equal(hashes.length);
  for (const cid of manifests) expect(kubo.holds(cid), `batch manifest ${cid} in Kubo`).to.equal(true);
}

/** `/readyz` answers 503 and names IPFS: refused (or, on a machine too busy to hear the refusal in time, silent). */
async function expectIpfsNotReady(api: string): Promise<void> {
  const ready = await fetch(`${api}/readyz`);
  const problem = (await ready.json()) as { detail: string; details: { checks: Record<string, { ok: boolean }> } };
  expect(ready.status, JSON.stringify(problem)).to.equal(503);
  expect(problem.details.checks.ipfs.ok).to.equal(false);
  expect(problem.detail).to.match(/\bipfs \((unavailable: IPFS_UNAVAILABLE|no answer within \d+ ms)\)/);
}

/** Submits COUNT files while `kubo` is down, and checks they wait: queued, the reason recorded, nothing on chain. */
async function submitWhileDown(ledger: KuboNode, tag: string): Promise<string[]> {
  const hashes: string[] = [];
  for (let i = 0; i < COUNT; i++) hashes.push(await ledger.submit(`${tag}-${i}`));
  expect(new Set(hashes).size).to.equal(COUNT);
  // The batcher tried, and the request says why it waits.
  await eventually(
    "the first request tried and waiting for IPFS",
    async () => /IPFS_UNAVAILABLE/.test((await ledger.view(hashes[0])).request?.error ?? ""),
    30_000,
  );
  for (const hash of hashes) {
    const view = await ledger.view(hash);
    expect(view.request!.anchoring, hash).to.equal("queued");
    expect(view.request!.payloadCid, hash).to.equal(undefined);
    expect(view.record, hash).to.equal(undefined);
  }
  const { direct, batchedLeaves } = await anchorsOnChain(ledger.rpcUrl, ledger.dataDir);
  expect(direct.size + batchedLeaves, "anchors on chain while IPFS is down").to.equal(0);
  return hashes;
}

describe("an IPFS outage: requests are accepted, wait, and land exactly once when the Kubo node is back", function () {
  this.timeout(180_000);
  let kubo: FakeKubo | undefined;
  let ledger: KuboNode | undefined;
  afterEach(async function () {
    const node = ledger?.node;
    if (node && node.child.exitCode === null && node.child.signalCode === null) {
      node.child.kill("SIGINT");
      await node.exited;
    }
    // A node killed and not restarted (the test failed in between) leaves its anvil behind, named in the pid file.
    const orphan = ledger && Number(await readFile(path.join(ledger.dataDir, "chain", "anvil.pid"), "utf8").catch(() => ""));
    if (orphan) {
      try {
        process.kill(orphan, "SIGINT");
      } catch {
        // already gone
      }
    }
    await kubo?.stop().catch(() => undefined);
    // A failed test's data folder stays, to be looked at.
    if (ledger && this.currentTest?.state === "passed") await rm(ledger.dataDir, { recursive: true, force: true });
    ledger = kubo = undefined;
  });

  it(`with the Kubo node down, ${COUNT} certificates are accepted (202), readiness names IPFS, and all are anchored once and VALID after it is back`, async function () {
    kubo = await startFakeKubo();
    ledger = await startKuboNode(kubo);
    await eventually("ready with the Kubo node up", async () => (await fetch(`${ledger!.api}/readyz`)).status === 200, 30_000);

    await kubo.stop();
    const hashes = await submitWhileDown(ledger, "down");
    await expectIpfsNotReady(ledger.api);

    await kubo.restart();
    await expectAnchoredOnce(ledger, kubo, hashes);
    await eventually("ready again once IPFS is back", async () => (await fetch(`${ledger!.api}/readyz`)).status === 200, 30_000);
  });

  it(`a server started and then SIGKILLed while the Kubo node is down loses none of ${COUNT} accepted requests, and anchors each once after both are back`, async function () {
    kubo = await startFakeKubo();
    await kubo.stop();
    // It starts without IPFS, says so, and accepts requests that wait.
    ledger = await startKuboNode(kubo);
    await expectIpfsNotReady(ledger.api);
    const hashes = await submitWhileDown(ledger, "kill");

    ledger.node.child.kill("SIGKILL");
    await ledger.node.exited;
    await kubo.restart();
    ledger.node = startNode(ledger.env);
    await ledger.node.ready();
    await expectAnchoredOnce(ledger, kubo, hashes);
  });
});
