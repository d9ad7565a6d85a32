/**
 * The chain index of a stopped node's data folder, built again in this process (the scale bench, bench/scale.ts): the
 * node's chain started from its state file, its Helia store opened on its blocks, and a `ChainIndex` on a new file
 * synchronised until caught up with every event and every batch manifest — what a node does when its index file is
 * lost, or another party's node joins. Then the file is closed and opened again: the time to caught up on a restart.
 */
import path from "node:path";
import { startEmbeddedChain } from "../src/chain/anvil";
import { readDeployment } from "../src/chain/deployment";
import { LedgerClient } from "../src/chain/ledger-client";
import { connectRpc } from "../src/chain/provider";
import { ChainIndex } from "../src/index";
import { createHeliaStore } from "../src/ipfs";
import type { PayloadStore } from "../src/ipfs/payload-store";
import { anchorsOnChain } from "../test/e2e/anchors-on-chain";
import { freePort } from "../test/e2e/node-process";

/** What building the index measured. */
export interface IndexBuildFigures {
  /** anvil started from the node's state file, answering JSON-RPC. */
  chainLoadMs: number;
  /** A new index file synchronised until caught up, manifests included. */
  fromScratchMs: number;
  /** The same file closed, opened again and synchronised until caught up. */
  reopenMs: number;
  blocks: number;
  /** Certificates the index holds, and what the chain says it anchored. */
  indexed: number;
  direct: number;
  batches: number;
  batchedLeaves: number;
  warnings: number;
}

/** Builds an index of the ledger in `dataDir` into `file` (which must not exist) and reopens it; the node must be stopped. */
export async function buildIndex(dataDir: string, file: string): Promise<IndexBuildFigures> {
  let started = performance.now();
  const chain = await startEmbeddedChain({ stateFile: path.join(dataDir, "chain", "state.json"), port: await freePort() });
  const chainLoadMs = performance.now() - started;
  const deployment = await readDeployment(path.join(dataDir, "deployment.json"));
  const provider = connectRpc(chain.rpcUrl, { chainId: deployment.chainId });
  let payloads: PayloadStore | undefined;
  try {
    const client = LedgerClient.connect({ deployment, provider });
    payloads = await createHeliaStore({ dataDir: path.join(dataDir, "ipfs"), allowedPeers: [] });
    let warnings = 0;
    const logger = {
      warn: (details: Record<string, unknown>, message: string) => {
        if (warnings++ < 5) console.warn(`  index: ${message}`, details);
      },
    };
    const open = () => ChainIndex.open({ file, client, payloads, logger });

    started = performance.now();
    let index = open();
    const blocks = await syncUntilCaughtUp(index);
    const fromScratchMs = performance.now() - started;
    const indexed = index.authorities().reduce((sum, authority) => sum + index.listByAuthority(authority.id, { limit: 1 }).total, 0);
    index.close();

    started = performance.now();
    index = open();
    await syncUntilCaughtUp(index);
    const reopenMs = performance.now() - started;
    index.close();

    const onChain = await anchorsOnChain(chain.rpcUrl, dataDir);
    return {
      chainLoadMs,
      fromScratchMs,
      reopenMs,
      blocks,
      indexed,
      direct: onChain.direct.size,
      batches: onChain.manifests.length,
      batchedLeaves: onChain.batchedLeaves,
      warnings,
    };
  } finally {
    await payloads?.stop();
    provider.destroy();
    await chain.stop();
  }
}

/** Synchronises `index` until it has the chain's head and no manifest is pending; returns the last block indexed. */
async function syncUntilCaughtUp(index: ChainIndex): Promise<number> {
  for (;;) {
    const last = await index.syncOnce();
    const status = index.status();
    if (status.lastError) throw new Error(`chain index: ${status.lastError.code}: ${status.lastError.message}`);
    if (status.caughtUp && status.pendingManifests === 0) return last;
    // Manifests come 64 per synchronisation; one that failed waits for its retry.
    if (status.caughtUp) await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
