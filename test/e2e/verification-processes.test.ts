import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { ethers } from "ethers";
import { postCertificateBatch, postStandInPdfs } from "../../bench/stand-in-pdfs";
import { eventually, freePort, startNode, verificationProcessesOf as verificationProcesses, type NodeProcess } from "./node-process";

/**
 * VERIFY_PROCESSES: processes beside the node that share its public port and answer anonymous verifications by hash
 * (server/verification-process.ts). Each test is an attack on what they must keep: the same verdict and report as the
 * node's, a revocation sent through the node visible at once, one rate limit per client whichever process counts, and
 * nothing left behind when a process dies or the node stops.
 */

interface Answer {
  verdict: string;
  status?: string;
  report: Record<string, unknown> & { chain: { blockNumber: number; source: string } };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** A report without what differs from one verification to the next at the same block: when it was made. */
function timeless(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(timeless);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !/^(checkedAt|verifiedAt|generatedAt)$/.test(key))
      .map(([k, v]) => [k, timeless(v)]),
  );
}

describe("verification processes (VERIFY_PROCESSES)", function () {
  this.timeout(600_000);
  const nodes: { node: NodeProcess; dataDir: string }[] = [];

  async function start(env: Record<string, string>) {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "certledger-verify-processes-"));
    const ports = { CHAIN_PORT: String(await freePort()), PORT: String(await freePort()) };
    const node = startNode({ DATA_DIR: dataDir, ...ports, VERIFY_PROCESSES: "2", ...env });
    nodes.push({ node, dataDir });
    await node.ready();
    const demo = JSON.parse(await readFile(path.join(dataDir, "demo-credentials.json"), "utf8"));
    return { node, api: `http://127.0.0.1:${ports.PORT}`, token: demo.parties.KG.authorities[0].token as string, demo };
  }

  after(async function () {
    for (const { node } of nodes) {
      if (node.child.exitCode === null && node.child.signalCode === null) {
        node.child.kill("SIGINT");
        await node.exited;
      }
    }
    for (const { dataDir } of nodes) await rm(dataDir, { recursive: true, force: true });
  });

  describe("a node with two verification processes", function () {
    let node: NodeProcess;
    let api: string;
    let token: string;
    let members: string[];
    let direct: string;

    const verify = async (hash: string, options: { token?: string; query?: string } = {}): Promise<Answer> => {
      const response = await fetch(`${api}/v1/verify/${hash}${options.query ?? ""}`, {
        headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
      });
      expect(response.status, await response.clone().text()).to.equal(200);
      return (await response.json()) as Answer;
    };
    const anchored = async (hashes: string[]) => {
      for (const hash of hashes) {
        await eventually(`${hash} anchored and indexed`, async () => (await verify(hash)).verdict === "VALID", 60_000);
      }
    };

    before(async function () {
      ({ node, api, token } = await start({ LOG_LEVEL: "info" }));
      members = await postStandInPdfs(api, token, 200, { label: "verify processes" });
      // One certificate sent alone, anchored on its own (not in a batch).
      [direct] = await postCertificateBatch(api, token, [
        {
          file: {
            base64: Buffer.from(`%PDF-1.4\n% alone ${ethers.hexlify(ethers.randomBytes(8))}\n%%EOF\n`).toString("base64"),
            type: "conformityCertificate",
            number: "KG-ALONE-1",
            validUntil: new Date(Date.now() + 90 * 86_400_000).toISOString(),
            stamp: false,
          },
        },
      ]);
      await anchored([...members.slice(0, 20), direct]);
    });

    it("starts two processes that answer anonymous verifications by hash themselves", async function () {
      expect(await verificationProcesses(node.child.pid!)).to.have.length(2);
      const hash = members[21];
      await verify(hash);
      // Each process logs its requests as "verification N"; the node's own lines carry no process name.
      await eventually("the request logged by a verification process", async () =>
        node
          .output()
          .split("\n")
          .some((line) => line.includes(`/v1/verify/${hash}`) && /"process":"verification \d"/.test(line)),
      );
    });

    it("answers with the very report the node gives at the same block, for every verdict (the node answers a token's verification)", async function () {
      const revoked = members[30];
      const suspended = members[31];
      for (const [hash, action] of [
        [revoked, "revoke"],
        [suspended, "suspend"],
      ]) {
        const response = await fetch(`${api}/v1/certificates/${hash}/${action}`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify(action === "revoke" ? { reason: "superseded" } : {}),
        });
        expect(response.status, await response.text()).to.equal(200);
      }
      const cases = [members[40], direct, revoked, suspended, ethers.hexlify(ethers.randomBytes(32))];
      const queries = ["", "?forParty=KZ", "?asOf=2020-01-01T00:00:00Z", "?source=chain"];
      const verdicts = new Set<string>();
      let compared = 0;
      for (const hash of cases) {
        for (const query of queries) {
          const [here, atNode] = [await verify(hash, { query }), await verify(hash, { query, token })];
          if (here.report.chain.blockNumber !== atNode.report.chain.blockNumber) continue; // a block in between: not comparable
          expect(timeless(here), `${hash}${query}`).to.deep.equal(timeless(atNode));
          verdicts.add(here.verdict);
          compared++;
        }
      }
      expect([...verdicts]).to.include.members(["VALID", "REVOKED", "SUSPENDED", "NOT_FOUND"]);
      expect(compared).to.be.greaterThan(cases.length * queries.length - 3);
    });

    it("shows a revocation sent through the node in the very next anonymous verification (no stale head in a process)", async function () {
      for (const hash of members.slice(50, 56)) {
        // Each process has this head cached now (several requests, fresh connections, so both processes are asked).
        for (let i = 0; i < 4; i++) expect((await verify(hash)).verdict).to.equal("VALID");
        const response = await fetch(`${api}/v1/certificates/${hash}/revoke`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify({ reason: "superseded" }),
        });
        expect(response.status, await response.text()).to.equal(200);
        for (let i = 0; i < 4; i++) expect((await verify(hash)).verdict, `${hash}, ask ${i + 1}`).to.equal("REVOKED");
      }
    });

    it("counts the processes' verifications in the node's /metrics, beside the node's own requests", async function () {
      const count = async () => {
        const text = await (await fetch(`${api}/metrics`)).text();
        const line = text
          .split("\n")
          .find(
            (l) =>
              l.startsWith("certledger_http_requests_total{") &&
              l.includes('route="/v1/verify/:certHash"') &&
              l.includes('status="200"') &&
              l.includes('method="GET"'),
          );
        return line ? Number(line.split(" ").at(-1)) : 0;
      };
      const before = await count();
      for (let i = 0; i < 30; i++) await verify(members[100 + i]);
      // A scrape's answer stands for a second.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect(await count()).to.be.at.least(before + 30);
    });

    it("passes a forwarded request's body and answer through unchanged (a problem document, the API's description)", async function () {
      // A write (forwarded to the node) answers as the node answers it, problem documents included.
      const refused = await fetch(`${api}/v1/certificates/batch`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "x-certledger-client": "10.9.9.9" },
        body: JSON.stringify({ items: "not a list" }),
      });
      expect(refused.status).to.equal(400);
      expect(refused.headers.get("content-type")).to.match(/^application\/problem\+json/);
      const docs = await fetch(`${api}/openapi.json`);
      expect(docs.status).to.equal(200);
      expect(((await docs.json()) as { openapi: string }).openapi).to.match(/^3\./);
    });

    it("starts a process that was killed again, and the port keeps answering", async function () {
      const [victim] = await verificationProcesses(node.child.pid!);
      process.kill(victim, "SIGKILL");
      await eventually("the killed process replaced", async () => {
        const now = await verificationProcesses(node.child.pid!);
        return now.length === 2 && !now.includes(victim);
      });
      for (let i = 0; i < 20; i++) expect((await verify(members[60 + i])).verdict).to.equal("VALID");
    });

    it("takes its processes with it when the node stops", async function () {
      const processes = await verificationProcesses(node.child.pid!);
      expect(processes).to.have.length(2);
      node.child.kill("SIGINT");
      expect(await node.exited).to.equal(0);
      await eventually("the verification processes gone", async () => processes.every((pid) => !alive(pid)), 15_000);
    });
  });

  it("leaves no process behind when the node's process is killed outright, and a node started again on the folder takes the port", async function () {
    const { node, api } = await start({});
    const processes = await verificationProcesses(node.child.pid!);
    expect(processes).to.have.length(2);
    node.child.kill("SIGKILL");
    await node.exited;
    await eventually("the verification processes gone", async () => processes.every((pid) => !alive(pid)), 15_000);
    const { dataDir } = nodes.find((n) => n.node === node)!;
    // Its anvil was its child too; a power cut would have taken it as well.
    const anvil = Number(await readFile(path.join(dataDir, "chain", "anvil.pid"), "utf8"));
    process.kill(anvil, "SIGKILL");
    await eventually("anvil gone", async () => !alive(anvil), 15_000);
    const port = new URL(api).port;
    const again = startNode({ DATA_DIR: dataDir, PORT: port, CHAIN_PORT: String(await freePort()), VERIFY_PROCESSES: "2" });
    nodes.push({ node: again, dataDir });
    await again.ready();
    const answer = await fetch(`${api}/v1/verify/${ethers.hexlify(ethers.randomBytes(32))}`);
    expect(answer.status).to.equal(200);
    expect(((await answer.json()) as Answer).verdict).to.equal("NOT_FOUND");
  });

  it("counts a client's requests once, whichever process answers them, and a forged client name does not reset the count", async function () {
    const { api } = await start({ RATE_LIMIT_PER_MINUTE: "12" });
    const hash = ethers.hexlify(ethers.randomBytes(32));
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) {
      // Verifications (answered by the processes) and registry reads (forwarded to the node), each claiming another client.
      const url = i % 2 === 0 ? `${api}/v1/verify/${hash}` : `${api}/v1/parties`;
      const headers = { "x-certledger-client": `10.0.0.${i}`, "x-forwarded-for": `10.1.0.${i}` };
      statuses.push((await fetch(url, { headers })).status);
    }
    expect(statuses.slice(0, 12)).to.deep.equal(Array(12).fill(200));
    expect(statuses.slice(12)).to.deep.equal([429, 429]);
  });
});
