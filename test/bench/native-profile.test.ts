import { expect } from "chai";
import { nativeBreakdown, parseSamples } from "../../bench/native-profile";

/** One sample as `perf script -F tid,ip,sym,dso` prints it: the thread's id, then its frames, leaf first. */
function sample(tid: number, frames: [symbol: string, file: string][]): string[] {
  return [` ${tid} `, ...frames.map(([symbol, file]) => `\t    7f00deadbeef ${symbol} (${file})`), ""];
}

const NODE = "/usr/bin/node";
const SQLITE = "/app/node_modules/better-sqlite3/build/Release/better_sqlite3.node";
const MAP = "/tmp/perf-100.map";

describe("bench: where the node's CPU went, from perf's samples", function () {
  it("reads each sample's thread and frames, leaf first", async function () {
    const samples = await parseSamples([
      ...sample(100, [
        ["walWriteOneFrame.isra.0", SQLITE],
        ["JS:^sqliteTransaction /app/node_modules/better-sqlite3/lib/methods/transaction.js:52:13", MAP],
      ]),
      ...sample(101, [["[unknown]", "[unknown]"]]),
    ]);
    expect(samples).to.deep.equal([
      {
        tid: 100,
        frames: [
          { symbol: "walWriteOneFrame.isra.0", file: SQLITE },
          { symbol: "JS:^sqliteTransaction /app/node_modules/better-sqlite3/lib/methods/transaction.js:52:13", file: MAP },
        ],
      },
      { tid: 101, frames: [{ symbol: "[unknown]", file: "[unknown]" }] },
    ]);
  });

  it("puts each sample in its thread's role and its part, in µs of CPU per unit", async function () {
    const lines = [
      // The event loop (the process's own id): a SQLite commit, a statement, and zod.
      ...sample(100, [
        ["walWriteOneFrame.isra.0", SQLITE],
        ["sqlite3WalFrames", SQLITE],
        ["JS:*commit /app/src/sqlite-group-commit.ts:60:3", MAP],
      ]),
      ...sample(100, [
        ["sqlite3BtreeIndexMoveto", SQLITE],
        ["JS:*enqueue /app/src/pipeline/request-store.ts:96:14", MAP],
      ]),
      ...sample(100, [["JS:*parse /app/node_modules/zod/v4/core/schemas.js:10:1", MAP]]),
      // A document worker, told by its code: OpenSSL signing.
      ...sample(200, [
        ["ecp_nistz256_ord_sqr_montx", NODE],
        ["JS:*sealValidCredential /app/src/documents/credential-sealing.ts:35:35", MAP],
      ]),
      // V8's platform thread, told by its stack: a scavenge.
      ...sample(300, [
        ["v8::internal::Scavenger::ScavengeObject", NODE],
        ["node::(anonymous namespace)::PlatformWorkerThread", NODE],
      ]),
    ];
    const report = nativeBreakdown(await parseSamples(lines), 100, 997);
    // 5 samples at 997 Hz over 997 units: 1 µs each.
    expect(report[0]).to.match(/^all threads: 5 µs of CPU per unit \(997 units, 5 samples at 997 Hz\)$/);
    const body = report.slice(1).join("\n");
    expect(body).to.include("3 µs  event loop (main thread)");
    expect(body).to.include("1 µs  document workers (sealing, composing batches)");
    expect(body).to.include("1 µs  V8's platform threads (collector, compiler)");
    // Parts of 2 µs and more are listed under their thread: the event loop's samples are one part each here.
    expect(nativeBreakdown(await parseSamples([...lines, ...lines]), 100, 997).join("\n")).to.match(
      /6 µs {2}event loop \(main thread\)\n\s+2 µs {2}SQLite: commits[^\n]*\n\s+2 µs {2}SQLite: statements\n\s+2 µs {2}JavaScript: validation/,
    );
  });
});
