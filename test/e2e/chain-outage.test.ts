import { mkdtemp, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { eventually, freePort, startNode, type NodeProcess } from "./node-process";

function pdfForm(tag: string): FormData {
  const form = new FormData();
  form.append("file", new Blob([`%PDF-1.4\n% certificate ${tag} ${Math.random()}\n%%EOF\n`], { type: "application/pdf" }), "c.pdf");
  form.append("type", "conformityCertificate");
  form.append("number", `KG-OUTAGE-${tag}`);
  // A stand-in PDF that pdf-lib cannot open: anchored as it is, unstamped.
  form.append("stamp", "false");
  form.append("validUntil", new Date(Date.now() + 90 * 86_400_000).toISOString());
  return form;
}

describe("a chain outage: requests are accepted, wait, and land once the chain is back", function () {
  this.timeout(300_000);
  let node: NodeProcess | undefined;
  let anvilPid: number | undefined;
  after(async function () {
    if (anvilPid) process.kill(anvilPid, "SIGCONT");
    if (node && node.child.exitCode === null) {
      node.child.kill("SIGINT");
      await node.exited;
    }
  });

  it("with the chain frozen, 20 PDFs are accepted (202), readiness says the chain is down, and all are anchored and VALID after it thaws", async function () {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "certledger-outage-"));
    const ports = { CHAIN_PORT: String(await freePort()), PORT: String(await freePort()) };
    const api = `http://127.0.0.1:${ports.PORT}`;
    node = startNode({ DATA_DIR: dataDir, ...ports });
    await node.ready();
    const token = JSON.parse(await readFile(path.join(dataDir, "demo-credentials.json"), "utf8")).parties.KG.authorities[0].token as string;
    const submit = async (tag: string) => {
      const answer = await fetch(`${api}/v1/certificates`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}` },
        body: pdfForm(tag),
      });
      expect(answer.status, await answer.clone().text()).to.equal(202);
      return ((await answer.json()) as { certHash: string }).certHash;
    };
    const status = async (hash: string) =>
      ((await (await fetch(`${api}/v1/certificates/${hash}`)).json()) as { anchoring?: string }).anchoring;
    const first = await submit("before");
    await eventually("the first certificate anchored", async () => (await status(first)) === "anchored");

    // SIGSTOP freezes the embedded chain: its port stays open but nothing answers, as a node that hangs.
    anvilPid = Number(await readFile(path.join(dataDir, "chain", "anvil.pid"), "utf8"));
    process.kill(anvilPid, "SIGSTOP");
    const hashes: string[] = [];
    for (let i = 0; i < 20; i++) hashes.push(await submit(String(i)));
    // The certificate's view still answers, from the outbox, and says the ledger did not.
    const during = (await (await fetch(`${api}/v1/certificates/${hashes[0]}`)).json()) as { chain: string; anchoring: string };
    expect(during.chain).to.equal("unavailable");
    expect(during.anchoring).to.be.oneOf(["queued", "submitted"]);
    const ready = await fetch(`${api}/readyz`);
    expect(ready.status).to.equal(503);
    expect(await ready.text()).to.match(/chain/);

    process.kill(anvilPid, "SIGCONT");
    anvilPid = undefined;
    await eventually("every request anchored after the outage", async () => {
      for (const hash of hashes) if ((await status(hash)) !== "anchored") return false;
      return true;
    });
    for (const hash of hashes) {
      const verified = (await (await fetch(`${api}/v1/verify/${hash}`)).json()) as { report: { verdict: string } };
      expect(verified.report.verdict).to.equal("VALID");
    }
    await eventually("ready again once the index caught up", async () => (await fetch(`${api}/readyz`)).status === 200);
  });
});
