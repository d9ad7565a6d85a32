/**
 * Power loss on the embedded node (#12): real `npm start` processes, SIGKILLed at random moments while thousands of
 * server-signed credentials are in flight — the server's whole process group with its anvil (a power cut, the OOM
 * killer), or anvil alone — and restarted on the same data folder. Every request the API answered 202 must end up
 * anchored exactly once on the chain the node has afterwards, and verify VALID.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { buildCredential, type CredentialInputOf } from "../../src/documents/credentials";
import { EXAMPLE_INPUTS } from "../documents/credential-examples";
import { anchorsOnChain } from "./anchors-on-chain";
import { eventually, freePort, startNode, type NodeProcess } from "./node-process";

const TOTAL = 2_400;
const PER_REQUEST = 100;
/** What is killed, cut after cut: "power" is the server's process group and anvil at once; "chain" is anvil alone. */
const CUTS = ["power", "chain", "power", "power"] as const;

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function kill(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}

describe("power loss: nothing accepted is lost or anchored twice when the embedded node is killed", function () {
  this.timeout(600_000);
  let node: NodeProcess | undefined;
  let dataDir: string | undefined;
  afterEach(async function () {
    if (node && node.child.exitCode === null && node.child.signalCode === null) {
      node.child.kill("SIGINT");
      await node.exited;
    }
    // Kept when the test failed, to look into.
    if (dataDir && this.currentTest?.state === "passed") await rm(dataDir, { recursive: true, force: true });
  });

  it(`${TOTAL} credentials posted through ${CUTS.length} cuts (${CUTS.join(", ")}) are each anchored once and VALID`, async function () {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "certledger-power-"));
    const ports = { CHAIN_PORT: String(await freePort()), PORT: String(await freePort()) };
    const api = `http://127.0.0.1:${ports.PORT}`;
    const folder = dataDir;
    const anvilPid = async () => Number(await readFile(path.join(folder, "chain", "anvil.pid"), "utf8").catch(() => NaN));
    const start = async () => {
      node = startNode({ DATA_DIR: folder, ...ports }, { detached: true });
      await node.ready();
      return JSON.parse(await readFile(path.join(folder, "demo-credentials.json"), "utf8")).parties.KG.authorities[0] as {
        id: number;
        token: string;
      };
    };
    let authority = await start();

    // Built once: a request sent again after a cut carries the same credential and Idempotency-Key, so the server
    // answers with the request it already holds (a new signature would be a new certificate).
    const validUntil = new Date(Date.now() + 90 * 86_400_000).toISOString();
    const chunks = Array.from({ length: TOTAL / PER_REQUEST }, (_, c) =>
      Array.from({ length: PER_REQUEST }, (_, i) => ({
        credential: buildCredential({
          ...EXAMPLE_INPUTS.conformityCertificate,
          issuer: { party: "KG", authorityId: authority.id, name: "KG certification body" },
          certificateNumber: `KG-POWER-${c}-${i}`,
          validFrom: new Date().toISOString(),
          validUntil,
        } as CredentialInputOf<"conformityCertificate">),
      })),
    );
    const accepted = new Map<number, string[]>();
    /** Posts the chunks not yet answered, two at a time, until they all are or the node stops answering. */
    const submit = async (token: string) => {
      let next = 0;
      const todo = chunks.map((_, c) => c).filter((c) => !accepted.has(c));
      await Promise.all(
        [0, 1].map(async () => {
          while (next < todo.length) {
            const c = todo[next++];
            const response = await fetch(`${api}/v1/certificates/batch`, {
              method: "POST",
              headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "idempotency-key": `power-${c}` },
              body: JSON.stringify({ items: chunks[c] }),
            }).catch(() => undefined);
            if (!response) return; // the node is gone: this chunk is sent again after the restart
            expect(response.status, await response.clone().text()).to.equal(200);
            const { results } = (await response.json()) as { results: { httpStatus: number; certificate?: { certHash: string } }[] };
            expect(results.map((r) => r.httpStatus)).to.deep.equal(chunks[c].map(() => 202));
            accepted.set(
              c,
              results.map((r) => r.certificate!.certHash),
            );
          }
        }),
      );
    };

    for (const cut of CUTS) {
      const sending = submit(authority.token);
      // A moment into the round: requests being accepted, payloads going to IPFS, batches sent, mined, confirmed.
      await delay(700 + Math.random() * 2_000);
      if (cut === "chain") {
        kill(await anvilPid());
        await sending;
        // The node restarts its chain and repairs what the chain lost; the round's requests keep being accepted.
        await delay(3_000);
        continue;
      }
      const pid = await anvilPid();
      process.kill(-node!.child.pid!, "SIGKILL");
      kill(pid); // in the group already, unless the node had restarted it
      await node!.exited;
      await sending;
      authority = await start();
    }
    await submit(authority.token);
    const hashes = [...accepted.values()].flat();
    expect(hashes.length).to.equal(TOTAL);
    expect(new Set(hashes).size).to.equal(TOTAL);

    const statusOf = async (hash: string) =>
      ((await (await fetch(`${api}/v1/certificates/${hash}`)).json()) as { anchoring?: string }).anchoring;
    await eventually(
      "every accepted request anchored",
      async () => {
        const metrics = await (await fetch(`${api}/metrics`)).text();
        return Number(/certledger_outbox_requests\{status="anchored"\} (\d+)/.exec(metrics)?.[1] ?? 0) >= TOTAL;
      },
      120_000,
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}\n${await (await fetch(`${api}/metrics`)).text()}\nnode output:\n${node!.output().slice(-3000)}`);
    });
    // Anchored must mean on this chain: every certificate verifies, and the chain holds each exactly once.
    const verdicts = new Map<string, number>();
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < hashes.length) {
          const hash = hashes[next++];
          const { report } = (await (await fetch(`${api}/v1/verify/${hash}`)).json()) as { report: { verdict: string } };
          verdicts.set(report.verdict, (verdicts.get(report.verdict) ?? 0) + 1);
        }
      }),
    );
    const statuses = new Set(await Promise.all(hashes.slice(0, 50).map(statusOf)));
    expect(Object.fromEntries(verdicts)).to.deep.equal({ VALID: TOTAL });
    expect([...statuses]).to.deep.equal(["anchored"]);
    const { direct, batchedLeaves } = await anchorsOnChain(`http://127.0.0.1:${ports.CHAIN_PORT}`, folder);
    expect(
      [...direct.values()].every((n) => n === 1),
      "a certificate anchored twice on its own",
    ).to.equal(true);
    expect(batchedLeaves + direct.size).to.equal(TOTAL);
  });
});
