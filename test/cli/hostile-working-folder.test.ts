/**
 * The command run from a folder someone else filled. `certledger start` runs a node wherever it is started, with the
 * authorities' signing keys, and the command, the node's worker threads and its verification processes load the
 * sources through esbuild (src/typescript-sources.ts). Two ways a working folder could choose what they load: a package
 * name looked up from the working folder (a `--require`, or the code a thread is started with, finds the folder's
 * node_modules first), and esbuild-register, which resolves every package name through the `paths` of the first
 * tsconfig.json above the working folder unless TS_NODE_PROJECT names one. The attack: a folder whose tsconfig.json
 * maps every package name to a script, and whose node_modules holds esbuild-register and @napi-rs/nice (the thread
 * loader and the thread priority, both required by name) as scripts; each script leaves a mark.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { freePort } from "../e2e/node-process";
import { runCli, spawnCli, until, type CliProcess } from "./cli-process";
import { EXIT } from "../../scripts/cli/exit-codes";

describe("certledger run from a folder with a planted tsconfig.json", function () {
  this.timeout(180_000);
  let dir: string;
  let received: string;
  let marks: string;

  before(async function () {
    dir = await mkdtemp(path.join(os.tmpdir(), "certledger-hostile-cwd-"));
    received = path.join(dir, "received");
    marks = path.join(dir, "marks");
    await mkdir(received);
    await mkdir(marks);
    // "*" with no star in its target: every package name resolves to planted.js (builtins excepted).
    await writeFile(
      path.join(received, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { baseUrl: ".", paths: { "*": ["./planted.js"] } } }),
    );
    const mark = `require("node:fs").writeFileSync(${JSON.stringify(marks)} + "/" + process.pid + "-" + require("node:worker_threads").threadId, "");\n`;
    await writeFile(path.join(received, "planted.js"), mark);
    for (const [name, main] of [
      ["esbuild-register", "dist/node.js"],
      ["@napi-rs/nice", "index.js"],
    ]) {
      const folder = path.join(received, "node_modules", name);
      await mkdir(path.dirname(path.join(folder, main)), { recursive: true });
      await writeFile(path.join(folder, "package.json"), JSON.stringify({ name, version: "9.9.9", main }));
      await writeFile(path.join(folder, main), mark);
    }
  });

  after(async function () {
    await rm(dir, { recursive: true, force: true });
  });

  const planted = async () => readdir(marks);

  it("verify: the command loads its own packages, and answers as it does from the project's folder", async function () {
    const unreachable = `http://127.0.0.1:${await freePort()}`;
    const args = ["verify", `0x${"ab".repeat(32)}`, "--api", unreachable];
    const there = await runCli(args, {}, received);
    expect(await planted(), "processes that ran the planted script").to.deep.equal([]);
    const here = await runCli(args);
    expect(there.code, there.stderr).to.equal(EXIT.UNREACHABLE);
    expect(there.code).to.equal(here.code);
    expect(there.stderr).to.equal(here.stderr);
  });

  it("start: the node, its worker threads and its verification processes load their own packages", async function () {
    const port = await freePort();
    const chainPort = await freePort();
    let node: CliProcess | undefined = spawnCli(
      ["start", "--data-dir", path.join(dir, "data"), "--port", String(port), "--chain-port", String(chainPort)],
      { VERIFY_PROCESSES: "2" },
      received,
    );
    try {
      await until(
        "the node started from the planted folder is ready",
        async () => {
          if (node!.child.exitCode !== null) throw new Error(`certledger start exited:\n${node!.stderr()}\n${node!.stdout()}`);
          return node!.stdout().includes("CertLedger is ready");
        },
        120_000,
      );
      // The threads that load sources as the node starts (the document pool, the IPFS writer, the manifest thread) and
      // both verification processes are up once the node says it is ready; one anonymous verification to be sure.
      const answer = await fetch(`http://127.0.0.1:${port}/v1/verify/0x${"cd".repeat(32)}`);
      expect(answer.status).to.equal(200);
      expect(await planted(), "processes and threads that ran the planted script").to.deep.equal([]);
    } finally {
      node.child.kill("SIGINT");
      await node.done;
      node = undefined;
    }
  });
});
