import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { gzipSync } from "node:zlib";
import { expect } from "chai";
import { ChainStateFile } from "../../src/chain/chain-state-file";
import { StateDumpThread } from "../../src/chain/state-dump-thread";
import { CertLedgerError } from "../../src/errors";

/** Something like a large chain's state: JSON of storage slots, the keys random, the values compressible. */
function largeState(bytes: number): Buffer {
  const slots: string[] = [];
  for (let size = 0; size < bytes; size += 140) slots.push(`"0x${randomBytes(32).toString("hex")}":"0x${"0".repeat(63)}1"`);
  return Buffer.from(`{${slots.join(",")}}`);
}

/** anvil's JSON-RPC as a state write uses it: head 7, and `dump` as anvil_dumpState's answer (or an error when undefined). */
async function chainAnswering(dump: Buffer | undefined): Promise<{ url: string; close: () => Promise<void> }> {
  const answer = dump && Buffer.from(JSON.stringify({ jsonrpc: "2.0", id: 1, result: `0x${dump.toString("hex")}` }));
  const server: Server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      const { method } = JSON.parse(body) as { method: string };
      if (method === "eth_blockNumber") return response.end(JSON.stringify({ jsonrpc: "2.0", id: 1, result: "0x7" }));
      if (answer) return response.end(answer);
      response.end(JSON.stringify({ jsonrpc: "2.0", id: 1, error: { code: -32000, message: "state too large to dump" } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe("The embedded chain's state dumps on a thread (src/chain/state-dump-thread.ts)", function () {
  this.timeout(120_000);
  let folder: string;
  const thread = new StateDumpThread();
  beforeEach(async () => (folder = await mkdtemp(path.join(os.tmpdir(), "certledger-dump-"))));
  afterEach(() => rm(folder, { recursive: true, force: true }));
  after(() => thread.close());

  it("writes a large state (a 1M-certificate chain's size) while the event loop stays free, the file holding it whole", async function () {
    // ~24 MB of state, ~13 MB gzipped, ~26 MB of hex in the answer: reading that answer on the event loop held it
    // ~100 ms (its text, its JSON, its hex), every dump.
    const state = largeState(24_000_000);
    const chain = await chainAnswering(gzipSync(state));
    try {
      const file = new ChainStateFile(path.join(folder, "state.json"), chain.url, (url, target) => thread.dump(url, target));
      await file.write(); // the thread started and warm
      const delay = monitorEventLoopDelay({ resolution: 1 });
      delay.enable();
      expect(await file.write()).to.equal(7);
      delay.disable();
      expect((await readFile(file.file)).equals(state)).to.equal(true);
      expect(file.durableHead).to.equal(7);
      expect(delay.max / 1e6, "the event loop's longest wait (ms)").to.be.below(40);
    } finally {
      await chain.close();
    }
  });

  it("fails a dump the chain does not give with CHAIN_UNAVAILABLE, leaving the file as it was", async function () {
    const good = await chainAnswering(gzipSync(Buffer.from('{"block":1}')));
    const file = path.join(folder, "state.json");
    await new ChainStateFile(file, good.url, (url, target) => thread.dump(url, target)).write();
    await good.close();
    const failing = await chainAnswering(undefined);
    try {
      const error = await thread.dump(failing.url, file).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(CertLedgerError);
      expect((error as CertLedgerError).code).to.equal("CHAIN_UNAVAILABLE");
      expect((error as Error).message).to.include("state too large to dump");
      expect(await readFile(file, "utf8")).to.equal('{"block":1}');
    } finally {
      await failing.close();
    }
  });
});
