import { spawn, type ChildProcess } from "node:child_process";
import { lstat, mkdtemp, readdir, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { freePort } from "./e2e/node-process";

const ROOT = path.resolve(__dirname, "..");

/** `npm start` as a user runs it, in its own process group so Ctrl-C (SIGINT to the group) reaches it all. */
function npmStart(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn("npm", ["start"], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: "warn", ...env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { child, output: () => output, exited };
}

async function waitFor(text: string, output: () => string, exited: Promise<number | null>, timeoutMs = 120_000): Promise<void> {
  let done = false;
  void exited.then(() => (done = true));
  const deadline = Date.now() + timeoutMs;
  while (!output().includes(text)) {
    if (done) throw new Error(`npm start exited before printing "${text}":\n${output()}`);
    if (Date.now() > deadline) throw new Error(`npm start did not print "${text}" in time:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The files and folders under `dir` that group or others may read (symbolic links left out). */
async function readableByOthers(dir: string): Promise<string[]> {
  const found: string[] = [];
  const stats = await lstat(dir);
  if (stats.isSymbolicLink()) return found;
  if ((stats.mode & 0o077) !== 0) found.push(`${dir} ${(stats.mode & 0o777).toString(8)}`);
  if (stats.isDirectory()) for (const name of await readdir(dir)) found.push(...(await readableByOthers(path.join(dir, name))));
  return found;
}

async function json(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}

describe("npm start (the embedded default)", function () {
  this.timeout(300_000);

  it("starts chain, IPFS and API; a demo issuer anchors a PDF that verifies VALID, and after Ctrl-C and a restart still does", async function () {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "certledger-start-"));
    const env = { DATA_DIR: dataDir, CHAIN_PORT: String(await freePort()), PORT: String(await freePort()) };
    const api = `http://127.0.0.1:${env.PORT}`;

    const first = npmStart(env);
    let certHash: string;
    try {
      await waitFor("CertLedger is ready", first.output, first.exited);
      expect(first.output()).to.include("demo consortium seeded");
      expect(first.output()).to.include(`${api}/docs`);
      expect((await fetch(`${api}/readyz`)).status).to.equal(200);
      expect(await readableByOthers(dataDir), "the data folder is its owner's alone (0700 folders, 0600 files)").to.deep.equal([]);
      const credentials = JSON.parse(await readFile(path.join(dataDir, "demo-credentials.json"), "utf8"));
      const token: string = credentials.parties.KG.authorities[0].token;
      expect(credentials.parties.KZ.adminToken).to.be.a("string");
      // The first lines say where the tokens are and how to take one, never the tokens themselves.
      expect(first.output()).to.include(path.join(dataDir, "demo-credentials.json"));
      expect(first.output()).to.include(".parties.KG.authorities[0].token')");
      expect(first.output()).not.to.include(token);
      expect(first.output()).not.to.include(credentials.parties.KZ.adminToken);

      const pdf = new TextEncoder().encode(`%PDF-1.4\n% certificate of conformity ${Date.now()}\n%%EOF\n`);
      const form = new FormData();
      form.append("file", new Blob([pdf], { type: "application/pdf" }), "certificate.pdf");
      form.append("type", "conformityCertificate");
      form.append("number", "KG-START-1");
      form.append("stamp", "false");
      form.append("validUntil", new Date(Date.now() + 90 * 86_400_000).toISOString());
      const accepted = await fetch(`${api}/v1/certificates`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: form });
      expect(accepted.status).to.equal(202);
      certHash = (await json(accepted)).certHash as string;

      for (let i = 0; i < 100; i++) {
        if ((await json(await fetch(`${api}/v1/certificates/${certHash}`))).anchoring === "anchored") break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const verified = await json(await fetch(`${api}/v1/verify/${certHash}`));
      expect((verified.report as { verdict: string }).verdict).to.equal("VALID");
    } finally {
      process.kill(-first.child.pid!, "SIGINT");
      await first.exited;
    }
    await waitFor("stopping", first.output, first.exited);

    const second = npmStart(env);
    try {
      await waitFor("CertLedger is ready", second.output, second.exited);
      expect(second.output()).not.to.include("demo consortium seeded");
      const verified = await json(await fetch(`${api}/v1/verify/${certHash}`));
      expect((verified.report as { verdict: string }).verdict).to.equal("VALID");
      const byNumber = await json(await fetch(`${api}/v1/certificates?number=kg-start-1&party=KG`));
      expect(JSON.stringify(byNumber)).to.include(certHash);
    } finally {
      process.kill(-second.child.pid!, "SIGINT");
      await second.exited;
    }
  });

  it("a bad environment variable stops it at once with the variable named", async function () {
    const run = npmStart({ CHAIN_PORT: "eighty" });
    expect(await run.exited).to.equal(1);
    expect(run.output()).to.match(/CHAIN_PORT/);
  });
});
