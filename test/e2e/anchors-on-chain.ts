/** What the chain holds after an end-to-end run: the exactly-once checks of the durability, outage and CLI tests. */
import path from "node:path";
import { ethers } from "ethers";
import { readDeployment } from "../../src/chain/deployment";
import { LedgerClient } from "../../src/chain/ledger-client";
import { connectRpc } from "../../src/chain/provider";
import { cidFromBytes } from "../../src/ipfs/cid";

/** The anchors on chain of the ledger deployed in `dataDir`. */
export interface AnchorsOnChain {
  /** Each certificate anchored on its own, with how often (exactly once means 1 for each). */
  direct: Map<string, number>;
  /** The leaves of every batch together. */
  batchedLeaves: number;
  /** The batches' manifest CIDs. */
  manifests: string[];
}

/** Reads every direct anchor and every batch of the ledger in `dataDir/deployment.json` from `rpcUrl`. */
export async function anchorsOnChain(rpcUrl: string, dataDir: string): Promise<AnchorsOnChain> {
  const deployment = await readDeployment(path.join(dataDir, "deployment.json"));
  const provider = connectRpc(rpcUrl, { chainId: deployment.chainId });
  try {
    const client = LedgerClient.connect({ deployment, provider });
    const direct = new Map<string, number>();
    const topic = ethers.id("CertificateAnchored(bytes32,bytes32,uint32,uint8,uint64,bytes)");
    for (const log of await provider.getLogs({ address: deployment.ledger.address, topics: [topic], fromBlock: 0, toBlock: "latest" })) {
      direct.set(log.topics[1], (direct.get(log.topics[1]) ?? 0) + 1);
    }
    const batches = await client.batchAnchors();
    return {
      direct,
      batchedLeaves: batches.reduce((sum, b) => sum + b.leafCount, 0),
      manifests: batches.map((b) => cidFromBytes(b.manifestCid)),
    };
  } finally {
    provider.destroy();
  }
}
