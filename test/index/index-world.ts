/**
 * The chain index's test world: the verifier's world (the ledger on the in-process Hardhat network, four
 * authorities with keys, a real Helia node), plus helpers to open an index on a fresh SQLite file, anchor
 * certificates and batches, and count what the chain and the index hold.
 */
import os from "node:os";
import path from "node:path";
import { mkdtempSync, rmSync } from "node:fs";
import Database from "better-sqlite3";
import { ethers } from "hardhat";
import type { Provider, Filter, FilterByBlockHash, Log } from "ethers";
import { LedgerClient } from "../../src/chain/ledger-client";
import { CERTIFICATE_TYPES } from "../../src/documents/certificate-types";
import { certificateNumberHash } from "../../src/documents/hashing";
import { cidOf, cidToBytes } from "../../src/ipfs/cid";
import { buildBatch, encodeBatchManifest, type Batch } from "../../src/merkle/batch";
import { ChainIndex, type ChainIndexOptions } from "../../src/index";
import { randomHash, time } from "../contracts/fixtures";
import { DAY, payloadStore, type Authority, type World } from "../verify/world";

const folders: string[] = [];

/** A fresh folder for index files, removed by {@link removeIndexFolders}. */
export function indexFolder(): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), "certledger-index-"));
  folders.push(folder);
  return folder;
}

/** Removes the folders {@link indexFolder} made. */
export function removeIndexFolders(): void {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
}

/** What the index logged. */
export interface Warning {
  details: Record<string, unknown>;
  message: string;
}

/** An index of `world`'s ledger on a fresh file, with the Helia store for manifests and a logger that keeps warnings. */
export async function openIndex(world: World, options: Partial<ChainIndexOptions> = {}) {
  const file = options.file ?? path.join(indexFolder(), "index.sqlite");
  const warnings: Warning[] = [];
  const index = ChainIndex.open({
    file,
    client: world.client,
    payloads: await payloadStore(),
    manifestTimeoutMs: 500,
    manifestRetryMs: 0,
    logger: { warn: (details, message) => warnings.push({ details, message }) },
    ...options,
  });
  return { index, file, warnings };
}

/** A provider that records each eth_getLogs range and can be made to fail, around Hardhat's. */
export function recordingProvider() {
  const ranges: { fromBlock: number; toBlock: number }[] = [];
  /** The number of the eth_getLogs call to fail (1 is the first), if any. */
  const control: { failCall?: number; onCall?: (call: number) => void } = {};
  let calls = 0;
  const provider = new Proxy(ethers.provider, {
    get(target, property) {
      if (property === "getLogs") {
        return async (filter: Filter | FilterByBlockHash): Promise<Log[]> => {
          calls++;
          control.onCall?.(calls);
          if (calls === control.failCall) throw new Error("the node fell over");
          const { fromBlock, toBlock } = filter as Filter;
          ranges.push({ fromBlock: Number(fromBlock), toBlock: Number(toBlock) });
          return target.getLogs(filter);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  }) as Provider;
  return { provider, ranges, control };
}

/** A client of `world`'s ledger on `provider`. */
export function clientOn(world: World, provider: Provider): LedgerClient {
  return LedgerClient.connect({ deployment: world.deployment, provider, pollIntervalMs: 20 });
}

let serial = 0;

/** A certificate number hash of `party`, unique in the run. */
export function numberHash(party = "KG"): string {
  return certificateNumberHash(party, `IDX-${++serial}-${Date.now()}`);
}

/** Anchors a certificate with a random hash on its own; returns what was anchored. */
export async function anchorDirect(
  world: World,
  authority: Authority,
  options: { certHash?: string; numberHash?: string; certType?: number; payloadCid?: string } = {},
) {
  const anchor = {
    certHash: options.certHash ?? randomHash(),
    numberHash: options.numberHash ?? numberHash(authority.party),
    certType: options.certType ?? CERTIFICATE_TYPES.conformityCertificate,
    validUntil: BigInt(await time.latest()) + 90n * DAY,
    payloadCid: options.payloadCid === undefined ? undefined : cidToBytes(options.payloadCid),
  };
  const written = await world.client.withSigner(authority.account).anchorCertificate(anchor);
  return { ...anchor, certHash: anchor.certHash.toLowerCase(), ...written };
}

/** The leaves of a batch: random certificates, or the ones given. */
export async function leaves(count: number, given: { certHash?: string; numberHash?: string }[] = []) {
  const validUntil = BigInt(await time.latest()) + 90n * DAY;
  return Array.from({ length: count }, (_, i) => ({
    certHash: given[i]?.certHash ?? randomHash(),
    numberHash: given[i]?.numberHash ?? numberHash(),
    validUntil,
  }));
}

/** Anchors `batch` by `authority`, its manifest put on IPFS first unless `publish` is false (then only its CID is known). */
export async function anchorBatch(
  world: World,
  authority: Authority,
  batch: Batch,
  options: { publish?: boolean; manifest?: Uint8Array } = {},
) {
  const bytes = options.manifest ?? encodeBatchManifest(batch.manifest);
  const manifestCid = options.publish === false ? await cidOf(bytes) : await (await payloadStore()).add(bytes);
  const written = await world.client.withSigner(authority.account).anchorBatch({
    root: batch.root,
    certType: batch.certType,
    leafCount: batch.leafCount,
    manifestCid: cidToBytes(manifestCid),
  });
  return { manifestCid, bytes, ...written };
}

/** Builds a batch of test reports from `leafInputs` and anchors it by the KG certification body. */
export async function anchorTestReports(world: World, leafInputs: Awaited<ReturnType<typeof leaves>>, options: { publish?: boolean } = {}) {
  const batch = buildBatch(world.authorities.kgBody.id, CERTIFICATE_TYPES.testReport, leafInputs);
  return { batch, ...(await anchorBatch(world, world.authorities.kgBody, batch, options)) };
}

/** How many ledger events the chain holds up to `toBlock`. */
export async function chainEventCount(world: World, toBlock?: number): Promise<number> {
  const logs = await ethers.provider.getLogs({
    address: world.client.address,
    fromBlock: world.deployment.ledger.deploymentBlock,
    toBlock: toBlock ?? "latest",
  });
  return logs.length;
}

/** How many events the index file holds (certificate, batch and registry events), read straight from SQLite. */
export function indexedEventCount(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    return count("cert_events") + count("batches") + count("registry_events");
  } finally {
    db.close();
  }
}
