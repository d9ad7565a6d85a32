import { createHash, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { anchorsOnChain } from "../e2e/anchors-on-chain";
import { startEmbeddedChain, type EmbeddedChain } from "../../src/chain/anvil";
import { freePort } from "../e2e/node-process";
import { runCli, spawnCli, until, type CliProcess, type CliResult } from "./cli-process";
import { buildCredential } from "../../src/documents/credentials";
import { EXAMPLE_INPUTS } from "../documents/credential-examples";

const FILES = 1_000;

interface RunEntry {
  file: string;
  status: string;
  certHash?: string;
  link?: string;
  linkKeyMissing?: boolean;
  anchor?: { kind: string; txHash: string; proof?: string[] };
}

async function readRunRecord(out: string): Promise<RunEntry[] | undefined> {
  const text = await readFile(path.join(out, "run.json"), "utf8").catch(() => undefined);
  return text === undefined ? undefined : (JSON.parse(text) as { entries: RunEntry[] }).entries;
}

function explain(result: CliResult): string {
  return `exit ${result.code}\nstdout: ${result.stdout.slice(-1500)}\nstderr: ${result.stderr.slice(-1500)}`;
}

describe("certledger, the command-line tool, against a real node", function () {
  this.timeout(300_000);
  let dir: string;
  let dataDir: string;
  let api: string;
  let rpc: string;
  let chainPort: number;
  let token: string;
  let node: CliProcess | undefined;
  let chain: EmbeddedChain | undefined;
  let entries: RunEntry[] = [];

  before(async function () {
    dir = await mkdtemp(path.join(os.tmpdir(), "certledger-cli-"));
    dataDir = path.join(dir, "data");
    chainPort = await freePort();
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    rpc = `http://127.0.0.1:${chainPort}`;
    node = spawnCli(["start", "--data-dir", dataDir, "--port", String(port), "--chain-port", String(chainPort)]);
    await until(
      "the node started by certledger start is ready",
      () => {
        if (node!.child.exitCode !== null) throw new Error(`certledger start exited:\n${node!.stderr()}\n${node!.stdout()}`);
        return node!.stdout().includes("CertLedger is ready");
      },
      120_000,
    );
    token = JSON.parse(await readFile(path.join(dataDir, "demo-credentials.json"), "utf8")).parties.KG.authorities[0].token as string;
  });

  after(async function () {
    if (node && node.child.exitCode === null) {
      node.child.kill("SIGINT");
      await node.done;
    }
    await chain?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("refuses bad arguments and unreadable files with a clear message and exit code 2", async function () {
    const cases: [string[], RegExp][] = [
      [["frobnicate"], /unknown command "frobnicate"/],
      [["anchor", "--api", api, "--token", token, "--out", dir], /give the files or folders to anchor/],
      [
        ["anchor", path.join(dir, "missing"), "--api", api, "--token", token, "--out", path.join(dir, "o")],
        /cannot read .*missing: no such file or folder/,
      ],
      [["verify", path.join(dir, "missing.pdf"), "--api", api], /cannot read .*missing\.pdf: it is not a file, a certHash/],
      [["verify", "0x" + "ab".repeat(32), "--api", api, "--source", "cache"], /--source cache is not index or chain/],
      [["verify-bundle", path.join(dir, "missing.bundle.json"), "--rpc", rpc], /cannot read the bundle file .*missing\.bundle\.json/],
      [["revoke", "0x1234", "--api", api, "--token", token, "--reason", "superseded", "--bogus"], /Unknown option '--bogus'/],
      [["revoke", "0x1234", "--api", api, "--token", token, "--reason", "superseded"], /"0x1234" is not a certHash/],
    ];
    const results = await Promise.all(cases.map(([args]) => runCli(args)));
    results.forEach((result, i) => {
      expect(result.code, `${cases[i][0].join(" ")}\n${explain(result)}`).to.equal(2);
      expect(result.stderr, cases[i][0].join(" ")).to.match(cases[i][1]);
    });
  });

  it(`anchors ${FILES} files, survives a SIGKILL in the middle, and a resume anchors each exactly once with its proof`, async function () {
    const folder = path.join(dir, "certificates");
    await mkdir(folder, { recursive: true });
    const hashes = new Map<string, string>();
    for (let i = 0; i < FILES; i++) {
      const bytes = Buffer.from(`%PDF-1.4\n% certificate ${i} ${randomBytes(8).toString("hex")}\n%%EOF\n`);
      const file = path.join(folder, `KG-${String(i).padStart(4, "0")}.pdf`);
      await writeFile(file, bytes);
      hashes.set(file, "0x" + createHash("sha256").update(bytes).digest("hex"));
    }
    const out = path.join(dir, "anchored");
    // --no-stamp: these PDFs are anchored as they are, so their hashes are known here (stamping has tests of its own).
    const args = ["anchor", folder, "--api", api, "--out", out, "--valid-until", "365d", "--chunk", "25", "--no-stamp"];
    const env = { CERTLEDGER_TOKEN: token };

    const first = spawnCli(args, env);
    await until("the first run recorded 200 files", async () => ((await readRunRecord(out))?.length ?? 0) >= 200);
    first.child.kill("SIGKILL");
    const killed = await first.done;
    expect(killed.signal, explain(killed)).to.equal("SIGKILL");
    const partial = (await readRunRecord(out))!;
    expect(partial.length).to.be.within(200, FILES - 1);

    const resumed = await runCli([...args, "--wait", "--json"], env);
    expect(resumed.code, explain(resumed)).to.equal(0);
    expect(resumed.stderr).to.include(`of ${FILES} files were accepted by an earlier run`);
    const summary = JSON.parse(resumed.stdout) as Record<string, unknown>;
    expect(summary).to.include({ total: FILES, accepted: FILES, anchored: FILES, refused: 0, failed: 0, complete: true });

    entries = (await readRunRecord(out))!;
    expect(entries).to.have.length(FILES);
    for (const entry of entries) {
      expect(entry.status, entry.file).to.equal("anchored");
      expect(entry.certHash, entry.file).to.equal(hashes.get(entry.file));
      expect(entry.link!.split("#")[0]).to.equal(`${api}/v/${entry.certHash}`);
      expect(entry.anchor?.txHash, entry.file).to.match(/^0x[0-9a-f]{64}$/);
      if (entry.anchor?.kind === "batch") expect(entry.anchor.proof).to.be.an("array");
    }
    // The request in flight when the first run was killed got its answer lost with its link keys: the resume asked the
    // server for them again, so every file has its link with the holder's key.
    expect(entries.filter((e) => e.linkKeyMissing)).to.deep.equal([]);
    expect(entries.every((e) => /#k=[\w-]{20,}$/.test(e.link!))).to.equal(true);
    // The chain holds exactly as many anchors as files, each anchored: so each is anchored once.
    const { direct, batchedLeaves } = await anchorsOnChain(rpc, dataDir);
    expect([...direct.values()].every((n) => n === 1)).to.equal(true);
    expect(batchedLeaves + direct.size).to.equal(FILES);

    // A third run has nothing left to do, and says so without sending anything.
    const again = await runCli([...args, "--json"], env);
    expect(again.code, explain(again)).to.equal(0);
    expect(again.stderr).to.include(`${FILES} of ${FILES} files were accepted by an earlier run`);
    expect((await anchorsOnChain(rpc, dataDir)).batchedLeaves).to.equal(batchedLeaves);
  });

  it("verify exits with a distinct code per verdict: VALID 0, NOT_FOUND 10, TAMPERED 11, REVOKED 14, SUSPENDED 15", async function () {
    expect(entries, "the bulk anchoring test ran first").to.have.length(FILES);
    const [valid, suspended, revoked, original] = entries;
    const env = { CERTLEDGER_TOKEN: token, CERTLEDGER_API: api };
    const changes = await Promise.all([
      runCli(["suspend", suspended.certHash!], env),
      runCli(["revoke", revoked.certHash!, "--reason", "superseded", "--json"], env),
    ]);
    for (const change of changes) expect(change.code, explain(change)).to.equal(0);
    expect(JSON.parse(changes[1].stdout)).to.include({ certHash: revoked.certHash, action: "revoke" });

    const tampered = path.join(dir, "tampered.pdf");
    await writeFile(tampered, Buffer.concat([await readFile(original.file), Buffer.from("% altered\n")]));
    const [byLink, notFound, altered, isRevoked, isSuspended, fromNode] = await Promise.all([
      // A link names its server: no --api needed.
      runCli(["verify", valid.link!]),
      runCli(["verify", "0x" + randomBytes(32).toString("hex"), "--api", api]),
      runCli(["verify", tampered, "--expect", original.certHash!, "--api", api]),
      runCli(["verify", revoked.certHash!, "--api", api, "--json"]),
      runCli(["verify", suspended.file, "--api", api]),
      runCli(["verify", revoked.certHash!, "--api", api, "--source", "chain"]),
    ]);
    expect(byLink.code, explain(byLink)).to.equal(0);
    expect(byLink.stdout).to.match(new RegExp(`^VALID  ${valid.certHash}`));
    expect(byLink.stdout).to.match(/✓ anchored +Anchored in Merkle batch/);
    expect(notFound.code, explain(notFound)).to.equal(10);
    expect(notFound.stdout).to.match(/^NOT_FOUND/);
    expect(altered.code, explain(altered)).to.equal(11);
    expect(altered.stdout).to.match(/^TAMPERED/);
    expect(isRevoked.code, explain(isRevoked)).to.equal(14);
    expect(JSON.parse(isRevoked.stdout)).to.include({ verdict: "REVOKED", certHash: revoked.certHash });
    expect(isSuspended.code, explain(isSuspended)).to.equal(15);
    expect(isSuspended.stdout).to.match(/^SUSPENDED/);
    // The server reads from its chain index unless asked to read from its node: the same verdict, saying where.
    expect(fromNode.code, explain(fromNode)).to.equal(14);
    expect(fromNode.stdout).to.include("(read from the node)");
    expect(byLink.stdout).to.include("(read from the chain index)");
  });

  it("outcome, write-off and use: KG's customs writes off KZ's certificate of origin, exit 6 once it is used up", async function () {
    const demo = JSON.parse(await readFile(path.join(dataDir, "demo-credentials.json"), "utf8")) as {
      parties: Record<string, { adminToken: string; authorities: { id: number; token: string }[]; agencies: { token: string }[] }>;
    };
    const kz = demo.parties.KZ.authorities[0];
    const customs = demo.parties.KG.agencies[0].token;
    const json = async (route: string, method: string, token: string, body: unknown) => {
      const response = await fetch(api + route, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      expect(response.status, await response.clone().text()).to.be.below(300);
      return (await response.json()) as Record<string, unknown>;
    };
    await json("/v1/recognition", "PUT", demo.parties.KG.adminToken, { issuer: "KZ", types: ["certificateOfOrigin"] });
    const now = Date.now();
    const credential = buildCredential({
      ...EXAMPLE_INPUTS.certificateOfOrigin,
      issuer: { party: "KZ", authorityId: kz.id, name: "KZ chamber of commerce" },
      certificateNumber: `KZ-CO-CLI-${now}`,
      validFrom: new Date(now).toISOString(),
      validUntil: new Date(now + 90 * 86_400_000).toISOString(),
    });
    const { certHash } = (await json("/v1/certificates", "POST", kz.token, { credential })) as { certHash: string };
    await until("the certificate of origin is anchored", async () => {
      const answer = await fetch(`${api}/v1/certificates/${certHash}`).then((r) => r.json() as Promise<{ anchoring?: string }>);
      return answer.anchoring === "anchored";
    });
    const jwt = path.join(dir, "origin.jwt");
    const documentAnswer = await fetch(`${api}/v1/certificates/${certHash}/document`, { headers: { authorization: `Bearer ${kz.token}` } });
    await writeFile(jwt, await documentAnswer.text());
    const env = { CERTLEDGER_API: api, CERTLEDGER_TOKEN: customs };

    const accepted = await runCli(["outcome", certHash, "--outcome", "accepted", "--credential", jwt], env);
    expect(accepted.code, explain(accepted)).to.equal(0);
    expect(accepted.stdout).to.match(/^recorded by KG \(transaction 0x[0-9a-f]{64}, block \d+\)/);
    const first = await runCli(
      ["write-off", certHash, "--declaration", "KG-DT-1", "--item", "1:18000:KGM", "--credential", jwt, "--json"],
      env,
    );
    expect(first.code, explain(first)).to.equal(0);
    expect(JSON.parse(first.stdout)).to.include({ alreadyRecorded: false, party: "KG" });
    const again = await runCli(["write-off", certHash, "--declaration", "KG-DT-1", "--item", "1:18000:KGM", "--credential", jwt], env);
    expect(again.code, explain(again)).to.equal(0);
    expect(again.stdout).to.match(/^already recorded by KG/);
    const over = await runCli(["write-off", certHash, "--declaration", "KG-DT-2", "--item", "1:0.5:KGM", "--credential", jwt], env);
    expect(over.code, explain(over)).to.equal(6);
    expect(over.stderr).to.contain("OVER_UTILISATION").and.contain("0.5 KGM asked, 0 KGM left");
    const badItem = await runCli(["write-off", certHash, "--declaration", "KG-DT-3", "--item", "one:1:KGM"], env);
    expect(badItem.code, explain(badItem)).to.equal(2);
    const use = await runCli(["use", certHash, "--api", api]);
    expect(use.code, explain(use)).to.equal(0);
    expect(use.stdout).to.contain("accepted by KG (KG State Customs Service) on").and.contain("item 1: 18,000 of 18,000 KGM used");
  });

  it("a proof bundle verifies against the chain with the server stopped", async function () {
    const [valid, , revoked] = entries;
    const validBundle = path.join(dir, "valid.bundle.json");
    const revokedBundle = path.join(dir, "revoked.bundle.json");
    const written = await Promise.all([
      runCli(["bundle", valid.certHash!, "--api", api, "--out", validBundle, "--document", valid.file]),
      runCli(["bundle", revoked.certHash!, "--api", api, "--out", revokedBundle]),
    ]);
    for (const result of written) expect(result.code, explain(result)).to.equal(0);
    expect(JSON.parse(await readFile(validBundle, "utf8"))).to.deep.include({
      certHash: valid.certHash,
      format: "certledger-proof-bundle",
    });

    // Stop the whole node (API, index, and its embedded chain), then bring back the chain alone from its state.
    node!.child.kill("SIGINT");
    await node!.done;
    chain = await startEmbeddedChain({ stateFile: path.join(dataDir, "chain", "state.json"), port: chainPort });
    const apiDown = await fetch(`${api}/healthz`).then(
      () => false,
      () => true,
    );
    expect(apiDown, "the API server is stopped").to.equal(true);

    const [validResult, revokedResult] = await Promise.all([
      runCli(["verify-bundle", validBundle, "--rpc", rpc, "--json"]),
      runCli(["verify-bundle", revokedBundle, "--rpc", rpc]),
    ]);
    expect(validResult.code, explain(validResult)).to.equal(0);
    const report = JSON.parse(validResult.stdout) as { verdict: string; checks: { id: string; result: string }[] };
    expect(report.verdict).to.equal("VALID");
    // The bundle carries the document: its integrity is checked too, not only its hash.
    expect(report.checks.find((c) => c.id === "integrity")?.result).to.equal("pass");
    expect(revokedResult.code, explain(revokedResult)).to.equal(14);
    expect(revokedResult.stdout).to.match(/^REVOKED/);
  });
});
