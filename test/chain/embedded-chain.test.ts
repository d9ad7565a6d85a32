import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { STATE_HISTORY_BLOCKS, startEmbeddedChain, type EmbeddedChain } from "../../src/chain/anvil";
import { anvilTemporaryFolder } from "../../src/chain/anvil-leftovers";
import { rpc } from "../../src/chain/embedded-rpc";
import { expectRejection } from "../crypto/expect-error";
import { freePort } from "../e2e/node-process";

const blockNumber = async (url: string) => Number(await rpc<string>(url, "eth_blockNumber"));
/** Every file in anvil's own temporary folder, where it keeps old blocks' states by default (and leaves them when it exits). */
async function anvilTemporaryFiles(): Promise<string[]> {
  const folder = anvilTemporaryFolder();
  const files: string[] = [];
  for (const entry of await readdir(folder).catch(() => [] as string[])) {
    for (const file of await readdir(path.join(folder, entry)).catch(() => [] as string[])) files.push(path.join(entry, file));
  }
  return files;
}

const blockHash = async (url: string, n: number) =>
  (await rpc<{ hash: string } | null>(url, "eth_getBlockByNumber", [`0x${n.toString(16)}`, false]))?.hash;

describe("The embedded chain's state on disk (power loss)", function () {
  this.timeout(60_000);
  let dir: string;
  let chain: EmbeddedChain | undefined;
  beforeEach(async function () {
    dir = await mkdtemp(path.join(os.tmpdir(), "certledger-anvil-"));
  });
  afterEach(async function () {
    await chain?.stop();
    chain = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it("an anvil killed with SIGKILL is started again from its state file, with every block durable() vouched for, and the same hashes", async function () {
    const restarts: unknown[] = [];
    // No periodic write within the test: only what durable() asked for is on disk.
    chain = await startEmbeddedChain({
      stateFile: path.join(dir, "chain", "state.json"),
      port: await freePort(),
      dumpIntervalSeconds: 3600,
      onRestart: (details) => restarts.push(details),
    });
    for (let i = 0; i < 3; i++) await rpc(chain.rpcUrl, "evm_mine");
    const durable = await blockNumber(chain.rpcUrl);
    const hash = await blockHash(chain.rpcUrl, durable);
    await chain.durable(durable);
    for (let i = 0; i < 2; i++) await rpc(chain.rpcUrl, "evm_mine");
    expect(await blockNumber(chain.rpcUrl)).to.equal(durable + 2);

    process.kill(Number(await readFile(path.join(dir, "chain", "anvil.pid"), "utf8")), "SIGKILL");
    const deadline = Date.now() + 20_000;
    while (restarts.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(restarts).to.deep.equal([{ exitCode: null, signal: "SIGKILL" }]);
    // The blocks after the last write are lost; those durable() vouched for are there, unchanged.
    expect(await blockNumber(chain.rpcUrl)).to.equal(durable);
    expect(await blockHash(chain.rpcUrl, durable)).to.equal(hash);
    // A block the chain lost is never reported durable; one the restarted chain mines is written anew.
    await expectRejection(chain.durable(durable + 2), "CHAIN_REORGANISED");
    await rpc(chain.rpcUrl, "evm_mine");
    await chain.durable(durable + 1);
    const written = JSON.parse(await readFile(path.join(dir, "chain", "state.json"), "utf8")) as { block: { number: string } };
    expect(Number(written.block.number)).to.equal(durable + 1);
  });

  it("stop() writes the state: a new start has every block", async function () {
    const stateFile = path.join(dir, "chain", "state.json");
    const port = await freePort();
    chain = await startEmbeddedChain({ stateFile, port, dumpIntervalSeconds: 3600 });
    for (let i = 0; i < 4; i++) await rpc(chain.rpcUrl, "evm_mine");
    const head = await blockNumber(chain.rpcUrl);
    const hash = await blockHash(chain.rpcUrl, head);
    await chain.stop();
    chain = await startEmbeddedChain({ stateFile, port, dumpIntervalSeconds: 3600 });
    expect(await blockNumber(chain.rpcUrl)).to.equal(head);
    expect(await blockHash(chain.rpcUrl, head)).to.equal(hash);
  });

  it("keeps old blocks' states in memory only, as many as STATE_HISTORY_BLOCKS: nothing on disk outside the data folder, nothing left behind", async function () {
    // By default anvil writes the states of blocks beyond its 500th to ~/.foundry/anvil/tmp, without bound, and leaves
    // them there when it exits: 74 GB had piled up on this machine from a few hundred runs of tests and benches.
    const before = new Set(await anvilTemporaryFiles());
    const newFiles = async () => (await anvilTemporaryFiles()).filter((file) => !before.has(file));
    chain = await startEmbeddedChain({
      stateFile: path.join(dir, "chain", "state.json"),
      port: await freePort(),
      dumpIntervalSeconds: 3600,
    });
    const [account] = await rpc<string[]>(chain.rpcUrl, "eth_accounts");
    await rpc(chain.rpcUrl, "anvil_mine", ["0x2bc"]); // 700 blocks
    const head = await blockNumber(chain.rpcUrl);
    expect(head).to.be.at.least(700);
    // A read at a block STATE_HISTORY_BLOCKS - 1 back still works (a verification reads at the head it started from).
    const back = `0x${(head - STATE_HISTORY_BLOCKS + 1).toString(16)}`;
    expect(await rpc<string>(chain.rpcUrl, "eth_getBalance", [account, back])).to.match(/^0x[0-9a-f]+$/);
    // Blocks and their logs stay, however old (the chain index reads them from block 0).
    expect(await blockHash(chain.rpcUrl, 1)).to.match(/^0x[0-9a-f]{64}$/);
    expect(await newFiles()).to.deep.equal([]);
    await chain.stop();
    chain = undefined;
    expect(await newFiles()).to.deep.equal([]);
  });
});
