import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { anvilLeftovers, anvilLeftoversToReport } from "../../src/chain/anvil-leftovers";

describe("Old block states earlier anvil runs left behind (src/chain/anvil-leftovers.ts)", function () {
  let folder: string;
  beforeEach(async () => (folder = await mkdtemp(path.join(os.tmpdir(), "certledger-anvil-tmp-"))));
  afterEach(() => rm(folder, { recursive: true, force: true }));

  it("counts the anvil-state-* folders and their bytes, and nothing else", async function () {
    for (const [run, sizes] of [
      ["anvil-state-06-12-2026-01-26E2apqV", [1000, 2000]],
      ["anvil-state-07-12-2026-00-09MjvohM", [500]],
    ] as const) {
      await mkdir(path.join(folder, run));
      for (const [i, size] of sizes.entries()) await writeFile(path.join(folder, run, `state-${i}`), Buffer.alloc(size));
    }
    await writeFile(path.join(folder, "something-else"), Buffer.alloc(10_000));
    expect(await anvilLeftovers(folder)).to.deep.equal({ folder, runs: 2, bytes: 3500 });
  });

  it("reports leftovers at start from 100 MB on, not below", async function () {
    const run = path.join(folder, "anvil-state-07-12-2026-01-00testXYZ");
    await mkdir(run);
    await writeFile(path.join(run, "0x01"), Buffer.alloc(100 * 1024 * 1024 - 1));
    expect(await anvilLeftoversToReport(folder)).to.equal(undefined);
    await writeFile(path.join(run, "0x02"), Buffer.alloc(1));
    expect(await anvilLeftoversToReport(folder)).to.deep.equal({ folder, runs: 1, bytes: 100 * 1024 * 1024 });
  });

  it("says nothing when anvil's folder is missing or holds no run", async function () {
    expect(await anvilLeftovers(path.join(folder, "missing"))).to.equal(undefined);
    expect(await anvilLeftovers(folder)).to.equal(undefined);
  });
});
