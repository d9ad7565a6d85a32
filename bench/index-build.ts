/**
 * Benchmark of the chain index (not a test: `npx hardhat run bench/index-build.ts`, part of `npm run bench`). Anchors 10,000
 * certificates on the in-process Hardhat network — 4,000 directly in full blocks, 1,000 directly one block each,
 * 5,000 in five batches of 1,000 with their manifests on a Helia node — plus 300 status changes, then prints how long
 * indexing them from scratch takes and how long each lookup takes.
 */
import { statSync } from "node:fs";
import path from "node:path";
import { ethers } from "hardhat";
import { CERTIFICATE_TYPES } from "../src/documents/certificate-types";
import { cidToBytes } from "../src/ipfs/cid";
import { buildBatch, encodeBatchManifest } from "../src/merkle/batch";
import { ChainIndex } from "../src/index";
import { ICertificateLedger__factory } from "../typechain-types";
import { randomHash, time } from "../test/contracts/fixtures";
import { DAY, payloadStore, stopPayloadStore, verifierWorld } from "../test/verify/world";
import { indexFolder, numberHash, removeIndexFolders } from "../test/index/index-world";
import { report } from "./report";

const DENSE_DIRECT = 4_000;
const SPARSE_DIRECT = 1_000;
const BATCHES = 5;
const PER_BATCH = 1_000;
const LOOKUPS = 10_000;

async function main(): Promise<void> {
  const world = await verifierWorld();
  const { kgBody } = world.authorities;
  const ledger = ICertificateLedger__factory.connect(world.client.address, kgBody.account);
  const validUntil = BigInt(await time.latest()) + 365n * DAY;
  const direct: { certHash: string; numberHash: string }[] = [];

  // Dense: many anchors per block (automine off). Hardhat's mempool slows down as it fills, so a block is mined
  // every few hundred transactions rather than once at the end.
  let started = Date.now();
  await ethers.provider.send("evm_setAutomine", [false]);
  let nonce = await kgBody.account.getNonce();
  let blocks = 0;
  let pending = 0;
  const overrides = () => ({ nonce: nonce++, gasLimit: 80_000 });
  const flushEvery = async (size: number) => {
    if (++pending < size) return;
    await ethers.provider.send("evm_mine", []);
    blocks++;
    pending = 0;
  };
  for (let i = 0; i < DENSE_DIRECT; i++) {
    const anchor = { certHash: randomHash(), numberHash: numberHash() };
    direct.push(anchor);
    await ledger.anchorCertificate(
      anchor.certHash,
      CERTIFICATE_TYPES.conformityCertificate,
      validUntil,
      anchor.numberHash,
      "0x",
      overrides(),
    );
    await flushEvery(250);
  }
  await ethers.provider.send("evm_mine", []);
  pending = 0;
  // 300 status changes of the dense anchors.
  const now = BigInt(await time.latest());
  for (let i = 0; i < 200; i++) {
    await ledger.suspendCertificate(direct[i].certHash, overrides());
    await flushEvery(250);
  }
  for (let i = 200; i < 300; i++) {
    await ledger.revokeCertificate(direct[i].certHash, 0, now, ethers.ZeroHash, overrides());
    await flushEvery(250);
  }
  await ethers.provider.send("evm_mine", []);
  blocks += 2;
  await ethers.provider.send("evm_setAutomine", [true]);
  report(`anchored ${DENSE_DIRECT} certificates and 300 status changes in ${blocks} blocks (${Date.now() - started} ms)`);

  // Sparse: one anchor per block.
  started = Date.now();
  for (let i = 0; i < SPARSE_DIRECT; i++) {
    const anchor = { certHash: randomHash(), numberHash: numberHash() };
    direct.push(anchor);
    await ledger.anchorCertificate(
      anchor.certHash,
      CERTIFICATE_TYPES.conformityCertificate,
      validUntil,
      anchor.numberHash,
      "0x",
      overrides(),
    );
  }
  report(`anchored ${SPARSE_DIRECT} certificates one block each (${Date.now() - started} ms)`);

  // Batches, manifests on IPFS.
  started = Date.now();
  const members: string[] = [];
  const store = await payloadStore();
  for (let b = 0; b < BATCHES; b++) {
    const batch = buildBatch(
      kgBody.id,
      CERTIFICATE_TYPES.testReport,
      Array.from({ length: PER_BATCH }, () => ({ certHash: randomHash(), numberHash: numberHash(), validUntil })),
    );
    const cid = await store.add(encodeBatchManifest(batch.manifest));
    await world.client.withSigner(kgBody.account).anchorBatch({
      root: batch.root,
      certType: batch.certType,
      leafCount: batch.leafCount,
      manifestCid: cidToBytes(cid),
    });
    members.push(...batch.manifest.leaves.map(([certHash]) => certHash));
  }
  report(`anchored ${BATCHES} batches of ${PER_BATCH} (${Date.now() - started} ms)`);

  const head = await ethers.provider.getBlockNumber();
  const file = path.join(indexFolder(), "bench.sqlite");
  const index = ChainIndex.open({ file, client: world.client, payloads: store, logger: { warn: () => undefined } });
  started = performance.now();
  const last = await index.syncOnce();
  const syncMs = performance.now() - started;
  if (last !== head) throw new Error(`indexed up to ${last}, head is ${head}`);
  const total = index.listByAuthority(kgBody.id).total;
  report(
    `\nindexed ${total} certificates (${DENSE_DIRECT + SPARSE_DIRECT} direct, ${BATCHES * PER_BATCH} batched), ` +
      `${head - world.deployment.ledger.deploymentBlock + 1} blocks, from scratch: ${(syncMs / 1000).toFixed(2)} s ` +
      `(${Math.round((total / syncMs) * 1000)} certificates/s); file ${(statSync(file).size / 1024 / 1024).toFixed(1)} MiB`,
  );

  const suspended = index.listByAuthority(kgBody.id, { status: "Suspended" }).total;
  const revoked = index.listByAuthority(kgBody.id, { status: "Revoked" }).total;
  if (suspended !== 200 || revoked !== 100) throw new Error(`expected 200 suspended and 100 revoked, got ${suspended} and ${revoked}`);
  // The same chain without manifests: what reading and storing the events costs on its own.
  const eventsOnly = ChainIndex.open({ file: path.join(indexFolder(), "events-only.sqlite"), client: world.client });
  started = performance.now();
  await eventsOnly.syncOnce();
  report(`of which events alone (an index without IPFS): ${((performance.now() - started) / 1000).toFixed(2)} s`);
  eventsOnly.close();

  const pick = <T>(list: T[], i: number): T => list[(i * 7919) % list.length];
  const measure = async (name: string, lookup: (i: number) => unknown) => {
    for (let i = 0; i < 200; i++) await lookup(i); // warm-up
    const t0 = performance.now();
    for (let i = 0; i < LOOKUPS; i++) await lookup(i);
    report(`${name.padEnd(46)} ${(((performance.now() - t0) / LOOKUPS) * 1000).toFixed(1).padStart(7)} µs`);
  };
  report(`\nlookups (mean of ${LOOKUPS}):`);
  await measure("certificate(certHash)", (i) => index.certificate(pick(direct, i).certHash));
  await measure("history(certHash)", (i) => index.history(pick(direct, i).certHash));
  await measure("byNumberHash(numberHash)", (i) => index.byNumberHash(pick(direct, i).numberHash, "KG"));
  await measure("locate(certHash) of a batch member", (i) => index.locate(pick(members, i)));
  await measure("listByAuthority(id, { limit: 50 }) + total", () => index.listByAuthority(kgBody.id, { limit: 50 }));
  await measure("listByAuthority(id, { status: Suspended })", () => index.listByAuthority(kgBody.id, { status: "Suspended", limit: 50 }));
  await measure("listByAuthority(id, { certType, offset: 5000 })", () =>
    index.listByAuthority(kgBody.id, { certType: CERTIFICATE_TYPES.testReport, limit: 50, offset: 4_000 }),
  );
  index.close();
  await stopPayloadStore();
  removeIndexFolders();
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
