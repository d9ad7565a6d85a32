/**
 * The pipeline's throughput on the in-process Hardhat network: `npx hardhat run bench/pipeline-throughput.ts` (part of `npm run bench`).
 * It prints figures and asserts nothing (speed is not a test). Each run submits N requests of one authority and type
 * at once into a fresh outbox (grouped enqueues, as concurrent HTTP requests make them) with a batcher running, and
 * times until every one is in a confirmed transaction; "with payloads" adds a 2 KB encrypted payload per request,
 * which goes to the embedded Helia node first (in bulk: a batch of payloads in one write). `mocha` loads this file with the tests
 * and finds nothing to run: the benchmark runs only as a script.
 */
import { randomBytes } from "node:crypto";
import { Outbox } from "../src/pipeline/outbox";
import { batcherFor, outboxFile, pipelineWorld, removeOutboxFiles, requestOf, stopPayloadStore } from "../test/pipeline/fixtures";
import { report } from "./report";

async function run(label: string, n: number, withPayloads: boolean): Promise<void> {
  const world = await pipelineWorld();
  const outbox = Outbox.open(await outboxFile());
  const inputs = await Promise.all(
    Array.from({ length: n }, async () => ({
      ...(await requestOf(world.authorities.kgBody, 1)),
      ...(withPayloads ? { payload: { bytes: new Uint8Array(randomBytes(2048)), contentType: "application/vc+jwt" } } : {}),
    })),
  );
  const batcher = await batcherFor(world, outbox, { maxBatchSize: 1000, maxWaitMs: 200, pollIntervalMs: 10 });
  batcher.start();
  const started = Date.now();
  // As the HTTP server submits them: concurrently, so the outbox commits them in groups.
  await Promise.all(inputs.map((input) => outbox.enqueueGrouped(input)));
  const enqueueSeconds = (Date.now() - started) / 1000;
  await batcher.drain();
  const seconds = (Date.now() - started) / 1000;
  const batches = new Set(inputs.map((i) => outbox.get(i.certHash)?.batchRoot)).size;
  await batcher.stop();
  outbox.close();
  report(
    `${label.padEnd(28)} ${String(n).padStart(6)} requests: enqueued in ${enqueueSeconds.toFixed(2)} s; all anchored ` +
      `${seconds.toFixed(2)} s after the first: ${Math.round(n / seconds)} certificates/s, in ${batches} batches`,
  );
}

async function main(): Promise<void> {
  await run("without payloads", 10_000, false);
  await run("with payloads (Helia)", 5_000, true);
  await stopPayloadStore();
  await removeOutboxFiles();
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
