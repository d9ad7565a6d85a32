import { randomBytes } from "node:crypto";
import { gunzip, gunzipSync, gzipSync } from "node:zlib";
import { expect } from "chai";
import { gunzipWhole, wholeOutputChunk } from "../../src/chain/state-dump";

/** Something like anvil's state: JSON of hex storage slots, half random (the keys), half compressible (the values). */
function stateLike(bytes: number): Buffer {
  const slots: string[] = [];
  for (let size = 0; size < bytes; size += 140) slots.push(`"0x${randomBytes(32).toString("hex")}":"0x${"0".repeat(63)}1"`);
  return Buffer.from(`{${slots.join(",")}}`);
}

/**
 * Counts the event-loop turns of a loop kept busy (`busyMs` a turn, as the node's is under load) until `work` settles:
 * what a caller waiting for `work` waits for when each of its steps needs a turn of that loop.
 */
async function busyTurnsUntil<T>(work: () => Promise<T>, busyMs: number): Promise<{ result: T; turns: number }> {
  let turns = 0;
  let busy = true;
  const spin = () => {
    if (!busy) return;
    const until = performance.now() + busyMs;
    while (performance.now() < until);
    turns++;
    setImmediate(spin);
  };
  setImmediate(spin);
  try {
    return { result: await work(), turns };
  } finally {
    busy = false;
  }
}

describe("The embedded chain's state dump, unzipped (src/chain/state-dump.ts)", function () {
  this.timeout(60_000);

  it("gives gunzipSync's bytes, for empty, small, multi-chunk and large states", async function () {
    for (const state of [Buffer.alloc(0), stateLike(200), stateLike(100_000), stateLike(5_000_000)]) {
      const gz = gzipSync(state);
      expect((await gunzipWhole(gz)).equals(gunzipSync(gz))).to.equal(true);
    }
  });

  it("answers while the event loop is busy within a few turns, not one per 16 KiB of state (the asynchronous gunzip reverted at 31380cd)", async function () {
    // 2 MB of state at 20 ms a turn: zlib's default 16 KiB pieces need ~120 turns (2.4 s or more). One piece needs a
    // turn or two, plus one per 20 ms the pool spends unzipping (~10 ms here; 10 turns leave room for a slow machine).
    const gz = gzipSync(stateLike(2_000_000));
    const { result, turns } = await busyTurnsUntil(() => gunzipWhole(gz), 20);
    expect(result.length).to.equal(gunzipSync(gz).length);
    expect(turns).to.be.at.most(10);
    // The same wait with zlib's defaults, so that this test measures what it claims.
    const defaults = await busyTurnsUntil(
      () => new Promise<Buffer>((resolve, reject) => gunzip(gz, (e, out) => (e ? reject(e) : resolve(out)))),
      20,
    );
    expect(defaults.turns).to.be.greaterThan(50);
  });

  it("does not block the event loop while it unzips: other work runs between the call and its answer", async function () {
    const gz = gzipSync(stateLike(8_000_000));
    // Unzipped on this thread (gunzipSync), the answer would come before any other turn of the event loop.
    const { turns } = await busyTurnsUntil(() => gunzipWhole(gz), 0);
    expect(turns).to.be.at.least(1);
  });

  it("sizes its one piece from the gzip trailer, bounded by what deflate can expand to (a forged trailer allocates no 4 GiB)", function () {
    const state = stateLike(300_000);
    expect(wholeOutputChunk(gzipSync(state))).to.equal(state.length);
    // Small states get zlib's default chunk at least.
    expect(wholeOutputChunk(gzipSync(Buffer.from("{}")))).to.equal(16 * 1024);
    // A trailer claiming 4 GiB on 100 bytes of input: deflate expands at most 1,032 times.
    const forged = Buffer.concat([randomBytes(96), Buffer.from([0xff, 0xff, 0xff, 0xff])]);
    expect(wholeOutputChunk(forged)).to.equal(100 * 1032);
    expect(wholeOutputChunk(Buffer.alloc(3))).to.equal(16 * 1024);
  });

  it("refuses a dump that is not gzip with zlib's error, as gunzipSync did", async function () {
    let error: unknown;
    await gunzipWhole(Buffer.from("not gzip at all")).catch((e: unknown) => (error = e));
    expect((error as NodeJS.ErrnoException).code).to.equal("Z_DATA_ERROR");
  });
});
