import { createHash, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { Wallet, type JsonRpcProvider } from "ethers";
import { startEmbeddedChain, type EmbeddedChain } from "../../src/chain/anvil";
import { deployLedger } from "../../src/chain/deploy";
import { writeDeployment, type Deployment } from "../../src/chain/deployment";
import { writeKeystore } from "../../src/chain/keystore";
import { LedgerClient } from "../../src/chain/ledger-client";
import { connectRpc } from "../../src/chain/provider";
import { typeSet } from "../../src/documents/certificate-types";
import { cidFromBytes, cidOf } from "../../src/ipfs";
import { verifyBatchMember } from "../../src/merkle";
import { freePort } from "../e2e/node-process";
import { startFakeKubo, type FakeKubo } from "../ipfs/fake-kubo";
import { runCli, spawnCli, until, type CliResult } from "./cli-process";

const FILES = 30;
const PASSWORD = "correct horse battery staple";

/** The run record of `certledger anchor`, as far as these tests read it. */
interface RunRecordFile {
  entries: {
    file: string;
    status: string;
    certHash: string;
    anchor?: {
      kind: string;
      root: string;
      authorityId?: number;
      numberHash: string;
      validUntil: string;
      proof: string[];
      txHash?: string;
      blockNumber?: number;
    };
  }[];
  batches: { root: string; leafCount: number; manifestCid: string; manifestFile: string; ipfs: string; status: string }[];
}

async function readOutput(out: string): Promise<RunRecordFile | undefined> {
  const text = await readFile(path.join(out, "run.json"), "utf8").catch(() => undefined);
  return text === undefined ? undefined : (JSON.parse(text) as RunRecordFile);
}

function explain(result: CliResult): string {
  return `exit ${result.code}\nstdout: ${result.stdout.slice(-1500)}\nstderr: ${result.stderr.slice(-1500)}`;
}

describe("certledger anchor straight to the chain (no API server)", function () {
  this.timeout(120_000);
  let dir: string;
  let chain: EmbeddedChain;
  let provider: JsonRpcProvider;
  let deployment: Deployment;
  let client: LedgerClient;
  let kubo: FakeKubo;
  let rpc: string;
  let deploymentFile: string;
  let keystore: string;
  let issuer: string;
  let folder: string;
  const hashes = new Map<string, string>();

  /** The transactions the authority's account has sent (mined). */
  const sent = () => provider.getTransactionCount(issuer, "latest");

  before(async function () {
    dir = await mkdtemp(path.join(os.tmpdir(), "certledger-direct-"));
    const port = await freePort();
    chain = await startEmbeddedChain({ stateFile: path.join(dir, "chain", "state.json"), port });
    rpc = chain.rpcUrl;
    provider = connectRpc(rpc, { chainId: 31337 });
    const admin = await provider.getSigner(0);
    deployment = await deployLedger(admin, { parties: [{ code: "KG", admin: await admin.getAddress() }], threshold: 1 });
    deploymentFile = path.join(dir, "deployment.json");
    await writeDeployment(deploymentFile, deployment);
    client = LedgerClient.connect({ deployment, provider, pollIntervalMs: 50 });

    // The issuing authority's account lives in a keystore (a cheap scrypt: the test is about anchoring, not hashing).
    const wallet = Wallet.createRandom();
    issuer = wallet.address;
    keystore = path.join(dir, "issuer.keystore.json");
    await writeKeystore(keystore, wallet, PASSWORD, { scryptN: 1024 });
    await provider.send("anvil_setBalance", [issuer, "0x56BC75E2D63100000"]);
    const now = BigInt(Math.floor(Date.now() / 1000));
    await client.withSigner(admin).registerAuthority({
      party: "KG",
      name: "Kyrgyzstan Centre of Standards",
      accounts: [issuer],
      scope: typeSet(1),
      validFrom: now - 3600n,
      validUntil: now + 365n * 86_400n,
    });
    kubo = await startFakeKubo();

    folder = path.join(dir, "certificates");
    await mkdir(folder);
    for (let i = 0; i < FILES; i++) {
      const bytes = Buffer.from(`%PDF-1.4\n% certificate ${i} ${randomBytes(8).toString("hex")}\n%%EOF\n`);
      const file = path.join(folder, `KG-D-${String(i).padStart(3, "0")}.pdf`);
      await writeFile(file, bytes);
      hashes.set(file, "0x" + createHash("sha256").update(bytes).digest("hex"));
    }
  });

  after(async function () {
    provider?.destroy();
    await kubo?.stop().catch(() => undefined);
    await chain?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** `anchor` of folder `from`, valid for `validFor`, with these tests' chain, deployment and keystore, into `out`. */
  const anchorArgsFrom = (from: string, validFor: string, out: string, ...more: string[]) => [
    "anchor",
    from,
    "--rpc",
    rpc,
    "--deployment",
    deploymentFile,
    "--keystore",
    keystore,
    "--out",
    out,
    "--valid-until",
    validFor,
    ...more,
  ];
  const anchorArgs = (out: string, ...more: string[]) => anchorArgsFrom(folder, "365d", out, ...more);

  it("a wrong keystore password stops the run with a clear message before anything is recorded or sent", async function () {
    const out = path.join(dir, "wrong-password");
    const result = await runCli(anchorArgs(out, "--ipfs-api", kubo.url), { CERTLEDGER_PASSWORD: "not the password" });
    expect(result.code, explain(result)).to.equal(3);
    expect(result.stderr).to.match(/WRONG_PASSWORD: wrong password for the keystore .*issuer\.keystore\.json/);
    expect(await readOutput(out)).to.equal(undefined);
    expect(await sent()).to.equal(0);
  });

  it(`anchors ${FILES} files as one batch exactly once, through an IPFS outage and a SIGKILL while its transaction is pending`, async function () {
    const out = path.join(dir, "anchored");
    const env = { CERTLEDGER_PASSWORD: PASSWORD };

    // IPFS is down: the batch is recorded, then the run stops before sending, since no one could find its leaves.
    await kubo.stop();
    const ipfsDown = await runCli(anchorArgs(out, "--ipfs-api", kubo.url), env);
    expect(ipfsDown.code, explain(ipfsDown)).to.equal(4);
    expect(ipfsDown.stderr).to.match(/IPFS_UNAVAILABLE: the Kubo node at .* is unreachable/);
    const recorded = (await readOutput(out))!;
    expect(recorded.batches).to.have.length(1);
    expect(recorded.batches[0]).to.include({ leafCount: FILES, status: "recorded", ipfs: "local" });
    expect(recorded.entries.map((e) => e.status)).to.deep.equal(new Array(FILES).fill("batched"));
    expect(await sent()).to.equal(0);

    // IPFS is back, but the chain is slow: the run adds the manifest, sends, and is killed while its transaction waits.
    await kubo.restart();
    await provider.send("evm_setAutomine", [false]);
    const killed = spawnCli(anchorArgs(out, "--ipfs-api", kubo.url), env);
    try {
      await until("the batch transaction is pending", async () => (await provider.getTransactionCount(issuer, "pending")) === 1);
      killed.child.kill("SIGKILL");
      expect((await killed.done).signal).to.equal("SIGKILL");
    } finally {
      await provider.send("evm_mine", []);
      await provider.send("evm_setAutomine", [true]);
    }
    expect(kubo.holds(recorded.batches[0].manifestCid), "the manifest went to IPFS before the transaction").to.equal(true);
    expect((await readOutput(out))!.batches[0].status).to.equal("recorded");

    // The resume finds the root on the chain and does not send it again.
    const resumed = await runCli(anchorArgs(out, "--ipfs-api", kubo.url, "--json"), env);
    expect(resumed.code, explain(resumed)).to.equal(0);
    expect(resumed.stderr).to.include(`batch ${recorded.batches[0].root} is on the chain already (an earlier run sent it): not sent again`);
    expect(JSON.parse(resumed.stdout)).to.include({ total: FILES, anchored: FILES, refused: 0, complete: true });
    expect(await sent()).to.equal(1);

    const events = await client.batchAnchors();
    expect(events).to.have.length(1);
    const [event] = events;
    expect(event).to.include({ root: recorded.batches[0].root, leafCount: FILES, certType: 1 });
    expect(cidFromBytes(event.manifestCid)).to.equal(recorded.batches[0].manifestCid);
    expect(kubo.holds(cidFromBytes(event.manifestCid)), "the event's manifest CID is on the Kubo node").to.equal(true);

    const { entries, batches } = (await readOutput(out))!;
    expect(batches[0]).to.include({ status: "anchored", ipfs: "added" });
    expect(entries).to.have.length(FILES);
    for (const entry of entries) {
      expect(entry.status, entry.file).to.equal("anchored");
      expect(entry.certHash, entry.file).to.equal(hashes.get(entry.file));
      const anchor = entry.anchor!;
      expect(anchor).to.include({ kind: "batch", root: event.root, txHash: event.txHash, blockNumber: event.blockNumber });
      expect(anchor.authorityId, "the batch's authority (every leaf names it)").to.be.a("number");
      const member = { ...anchor, authorityId: anchor.authorityId!, certHash: entry.certHash, validUntil: BigInt(anchor.validUntil) };
      expect(verifyBatchMember(member), `the proof of ${entry.file}`).to.equal(true);
    }
  });

  it("a re-run has nothing left to send, and says so (from a run record an older version left as manifest.json too)", async function () {
    const out = path.join(dir, "anchored");
    // Before 0.2.0 the run record was DIR/manifest.json in format certledger-anchor-manifest: it is still resumed.
    const current = JSON.parse(await readFile(path.join(out, "run.json"), "utf8")) as { format: string };
    await writeFile(path.join(out, "manifest.json"), JSON.stringify({ ...current, format: "certledger-anchor-manifest" }));
    await rm(path.join(out, "run.json"));
    const again = await runCli(anchorArgs(out, "--ipfs-api", kubo.url, "--json"), { CERTLEDGER_PASSWORD: PASSWORD });
    expect(again.code, explain(again)).to.equal(0);
    expect(again.stderr).to.include(`${FILES} of ${FILES} files were recorded in a batch by an earlier run: not read again`);
    expect(JSON.parse(again.stdout)).to.include({ total: FILES, anchored: FILES, earlier: FILES });
    expect(await sent()).to.equal(1);
    expect(await client.batchAnchors()).to.have.length(1);
    expect(JSON.parse(await readFile(path.join(out, "run.json"), "utf8"))).to.include({ format: "certledger-anchor-run" });
    expect(await readFile(path.join(out, "manifest.json")).catch(() => "gone")).to.equal("gone");
  });

  it("verify --rpc finds a batched certificate through the manifests on IPFS, or the run record; without either, NOT_FOUND", async function () {
    const { entries } = (await readOutput(path.join(dir, "anchored")))!;
    const [first, second] = entries;
    const chainArgs = ["--rpc", rpc, "--deployment", deploymentFile];
    const record = path.join(dir, "anchored", "run.json");
    const [byIpfs, byManifest, byOldFlag, alone] = await Promise.all([
      runCli(["verify", first.file, ...chainArgs, "--ipfs-api", kubo.url]),
      runCli(["verify", second.certHash, ...chainArgs, "--run-record", record, "--json"]),
      runCli(["verify", second.certHash, ...chainArgs, "--manifest", record, "--json"]),
      runCli(["verify", second.certHash, ...chainArgs]),
    ]);
    expect(JSON.parse(byOldFlag.stdout), explain(byOldFlag)).to.include({ verdict: "VALID", certHash: second.certHash });
    expect(byIpfs.code, explain(byIpfs)).to.equal(0);
    expect(byIpfs.stdout).to.match(new RegExp(`^VALID  ${first.certHash}`));
    expect(byIpfs.stdout).to.match(/✓ anchored +Anchored in Merkle batch/);
    expect(byManifest.code, explain(byManifest)).to.equal(0);
    expect(JSON.parse(byManifest.stdout)).to.include({ verdict: "VALID", certHash: second.certHash });
    expect(alone.code, explain(alone)).to.equal(10);
    expect(alone.stdout).to.match(/^NOT_FOUND/);
  });

  it("without --ipfs-api, the batch manifest is written next to the output with the event's CID, and the run says to add it", async function () {
    const small = path.join(dir, "small");
    await mkdir(small);
    const files = [0, 1, 2].map((i) => path.join(small, `KG-S-${i}.pdf`));
    for (const file of files) await writeFile(file, `%PDF-1.4\n% ${randomBytes(8).toString("hex")}\n%%EOF\n`);
    const out = path.join(dir, "small-out");
    const args = anchorArgsFrom(small, "30d", out);
    const result = await runCli(args, { CERTLEDGER_PASSWORD: PASSWORD });
    expect(result.code, explain(result)).to.equal(0);
    const { batches } = (await readOutput(out))!;
    expect(batches).to.have.length(1);
    expect(batches[0]).to.include({ leafCount: 3, ipfs: "local", status: "anchored" });
    expect(result.stdout).to.include(`the batch manifest ${batches[0].manifestFile} is NOT on IPFS`);
    expect(result.stdout).to.include(`ipfs add --cid-version 1 --raw-leaves ${batches[0].manifestFile} gives the same CID`);
    const bytes = new Uint8Array(await readFile(batches[0].manifestFile));
    const event = (await client.batchAnchors()).find((e) => e.root === batches[0].root)!;
    expect(await cidOf(bytes)).to.equal(cidFromBytes(event.manifestCid));
    expect(JSON.parse(Buffer.from(bytes).toString("utf8"))).to.include({ version: 1, certType: 1 });
    expect(kubo.holds(batches[0].manifestCid)).to.equal(false);
  });
});
