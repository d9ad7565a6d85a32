import { expect } from "chai";
import { existsSync } from "node:fs";
import path from "node:path";
import { startWorker } from "../src/worker-thread";
import { niceOf } from "./fixtures/thread-priority";

/** The nice value of the thread that runs `thread-priority.ts` started by startWorker with `background`. */
async function niceOfThread(background: boolean): Promise<number> {
  const worker = startWorker(path.join(__dirname, "fixtures"), "thread-priority", path.join(__dirname, "fixtures", "caller.ts"), {
    background,
  });
  try {
    return await new Promise<number>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    });
  } finally {
    await worker.terminate();
  }
}

describe("worker threads (worker-thread.ts)", function () {
  this.timeout(30_000);

  it("a background thread runs at a lower priority than the event loop (Linux), another at the same", async function () {
    if (!existsSync("/proc/thread-self/stat")) this.skip();
    const loop = niceOf("/proc/thread-self/stat");
    expect(await niceOfThread(true)).to.equal(loop + 10);
    expect(await niceOfThread(false)).to.equal(loop);
  });
});
