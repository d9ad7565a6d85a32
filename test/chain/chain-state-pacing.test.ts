import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { expect } from "chai";
import { ChainStateFile, PACE } from "../../src/chain/chain-state-file";

/**
 * A stand-in for anvil's JSON-RPC as ChainStateFile uses it: a head the test moves, and a state dump that takes
 * `dumpMs` (a long chain's dump takes that long), each dump's start and end recorded.
 */
async function fakeChain(
  dumpMs: number,
): Promise<{ url: string; mine: () => number; dumps: { start: number; end: number }[]; close: () => Promise<void> }> {
  let head = 0;
  const dumps: { start: number; end: number }[] = [];
  const server: Server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      const { method, id } = JSON.parse(body) as { method: string; id: number };
      const answer = (result: unknown) => response.end(JSON.stringify({ jsonrpc: "2.0", id, result }));
      if (method === "eth_blockNumber") return answer(`0x${head.toString(16)}`);
      const start = performance.now();
      // The state as of the dump's start: its head when asked.
      const state = gzipSync(JSON.stringify({ head }));
      setTimeout(() => {
        dumps.push({ start, end: performance.now() });
        answer(`0x${state.toString("hex")}`);
      }, dumpMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    mine: () => ++head,
    dumps,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe("The embedded chain's state dumps, paced (src/chain/chain-state-file.ts)", function () {
  this.timeout(30_000);
  let dir: string;
  let chain: Awaited<ReturnType<typeof fakeChain>>;
  beforeEach(async function () {
    dir = await mkdtemp(path.join(os.tmpdir(), "certledger-state-pace-"));
  });
  afterEach(async function () {
    await chain?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("blocks asked to be durable without pause (batches anchored back to back) keep the chain dumping at most half the time, each durable once its block is on disk", async function () {
    chain = await fakeChain(60);
    const file = new ChainStateFile(path.join(dir, "state.json"), chain.url);
    const started = performance.now();
    const vouched: number[] = [];
    // Three anchoring loops, as the batcher's sends: each mines a block and waits until it is durable, again and again.
    await Promise.all(
      Array.from({ length: 3 }, async () => {
        while (performance.now() - started < 1500) {
          const block = chain.mine();
          await file.durable(block);
          const onDisk = (JSON.parse(await readFile(file.file, "utf8")) as { head: number }).head;
          expect(onDisk, `block ${block} vouched for with the state of block ${onDisk} on disk`).to.be.at.least(block);
          vouched.push(block);
        }
      }),
    );
    const elapsed = performance.now() - started;
    const dumping = chain.dumps.reduce((sum, { start, end }) => sum + (end - start), 0);
    // Asked back to back, dumps ran all the time (~25 in 1.5 s); paced, about half of it (the write adds to each).
    expect(dumping / elapsed, `${chain.dumps.length} dumps, ${dumping.toFixed(0)} ms of ${elapsed.toFixed(0)} ms`).to.be.below(
      1 / (1 + PACE) + 0.1,
    );
    expect(vouched.length).to.be.greaterThan(3);
  });

  it("a write() (a stop, a deployment) does not wait for its turn, and cuts short the wait of a paced write under way", async function () {
    chain = await fakeChain(300);
    const file = new ChainStateFile(path.join(dir, "state.json"), chain.url);
    await file.durable(chain.mine()); // the last write took >= 300 ms: the next paced one waits >= PACE times that
    chain.mine();
    const paced = file.writePaced();
    const asked = performance.now();
    const head = await file.write();
    const waited = performance.now() - asked;
    expect(head).to.equal(2);
    expect(await paced).to.equal(2);
    // One dump (300 ms) and its write, without the paced write's turn (>= PACE × 300 ms) before it.
    expect(waited, `the write took ${waited.toFixed(0)} ms`).to.be.below(300 + PACE * 300 - 100);
    expect(chain.dumps.length).to.equal(2);
  });

  it("a durable() long after the last dump is written at once", async function () {
    chain = await fakeChain(150);
    const file = new ChainStateFile(path.join(dir, "state.json"), chain.url);
    await file.durable(chain.mine());
    await new Promise((resolve) => setTimeout(resolve, PACE * 150 + 200));
    const asked = performance.now();
    await file.durable(chain.mine());
    expect(performance.now() - asked).to.be.below(150 + 150);
  });
});
