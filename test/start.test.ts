import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { ethers } from "ethers";
import { connectRpc } from "../src/chain/provider";
import { CertificateLedger__factory } from "../typechain-types";

const ROOT = path.resolve(__dirname, "..");

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `npm start` as a user runs it, in its own process group so Ctrl-C (SIGINT to the group) reaches it all. */
function npmStart(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn("npm", ["start"], { cwd: ROOT, env: { ...process.env, ...env }, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { child, output: () => output, exited };
}

async function waitFor(text: string, output: () => string, exited: Promise<number | null>, timeoutMs = 90_000): Promise<void> {
  let done = false;
  void exited.then(() => (done = true));
  const deadline = Date.now() + timeoutMs;
  while (!output().includes(text)) {
    if (done) throw new Error(`npm start exited before printing "${text}":\n${output()}`);
    if (Date.now() > deadline) throw new Error(`npm start did not print "${text}" in time:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("npm start (the embedded ledger)", function () {
  this.timeout(180_000);

  it("starts a persistent chain, deploys once, seeds the demo, and after Ctrl-C and a restart finds a certificate again", async function () {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "certledger-start-"));
    const port = await freePort();
    const env = { DATA_DIR: dataDir, CHAIN_PORT: String(port) };

    const first = npmStart(env);
    await waitFor("CertLedger is ready", first.output, first.exited);
    expect(first.output()).to.match(/demo consortium seeded: KG .*KZ .*UZ/);
    expect(first.output()).to.include("(deployed now)");
    const deployment = JSON.parse(await readFile(path.join(dataDir, "deployment.json"), "utf8"));
    const demo = JSON.parse(await readFile(path.join(dataDir, "demo-consortium.json"), "utf8"));

    const provider = connectRpc(`http://127.0.0.1:${port}`);
    const kg = demo.parties.find((p: { code: string }) => p.code === "KG");
    const issuer = await provider.getSigner(kg.authority.account);
    const ledger = CertificateLedger__factory.connect(deployment.ledger.address, issuer);
    const certHash = ethers.hexlify(ethers.randomBytes(32));
    const now = (await provider.getBlock("latest"))!.timestamp;
    await (await ledger.anchorCertificate(certHash, 1, now + 86_400, ethers.ZeroHash, "0x")).wait();
    expect(await ledger.recognises("0x4b5a", kg.authority.id, 1)).to.equal(true);
    provider.destroy();

    process.kill(-first.child.pid!, "SIGINT");
    await first.exited;
    await waitFor("stopping the chain", first.output, first.exited);

    const second = npmStart(env);
    try {
      await waitFor("CertLedger is ready", second.output, second.exited);
      expect(second.output()).to.include("(from the deployment file)");
      expect(second.output()).not.to.include("demo consortium seeded");
      const again = connectRpc(`http://127.0.0.1:${port}`);
      const reader = CertificateLedger__factory.connect(deployment.ledger.address, again);
      const record = await reader.getCertificate(certHash);
      expect(record.authorityId).to.equal(BigInt(kg.authority.id));
      expect(record.status).to.equal(1n);
      again.destroy();
    } finally {
      process.kill(-second.child.pid!, "SIGINT");
      await second.exited;
    }
  });

  it("a bad environment variable stops it at once with the variable named", async function () {
    const run = npmStart({ CHAIN_PORT: "eighty" });
    expect(await run.exited).to.equal(1);
    expect(run.output()).to.match(/environment variable CHAIN_PORT/);
  });
});
