import { expect } from "chai";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { chainStateSize } from "../../bench/chain-state-size";

describe("bench: the embedded chain's state file, as said beside the accept figures", function () {
  let dir: string;
  beforeEach(async function () {
    dir = await mkdtemp(path.join(os.tmpdir(), "certledger-chain-state-"));
  });
  afterEach(async function () {
    await rm(dir, { recursive: true, force: true });
  });

  it("says the file's size and how many blocks and transactions anvil's dump holds", async function () {
    const file = path.join(dir, "state.json");
    const transactions = Array.from({ length: 3 }, (_, i) => ({ info: { transaction_hash: `0x${i}`, traces: ["x".repeat(400_000)] } }));
    await writeFile(file, JSON.stringify({ accounts: {}, blocks: [{}, {}], transactions }));
    expect(await chainStateSize(file)).to.match(/^1\.2 MB, 2 blocks and 3 transactions \(their part 1\.2 MB\)$/);
  });

  it("says nothing of a file that is not there, and names one that is not anvil's JSON", async function () {
    expect(await chainStateSize(path.join(dir, "none.json"))).to.equal("");
    await writeFile(path.join(dir, "bad.json"), "{");
    expect(await chainStateSize(path.join(dir, "bad.json"))).to.equal("0.0 MB (not readable as anvil's JSON)");
  });
});
