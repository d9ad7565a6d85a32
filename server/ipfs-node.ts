/**
 * The server's IPFS node and its place in the consortium's network: the payload store chosen by config (a Kubo node's
 * RPC API, or an embedded Helia node), and for the embedded node the allow-list kept in step with the ledger and the
 * announcement of this party's node and encryption key (IPFS_ANNOUNCE=1).
 */
import path from "node:path";
import type { Logger } from "pino";
import type { LedgerClient } from "../src/chain/ledger-client";
import { createHeliaStore, createPayloadStore, type HeliaStore, type PayloadStore } from "../src/ipfs";
import { scopeOfListen } from "../src/ipfs/dial-scope";
import type { Keyring } from "../src/keys/keyring";
import { announcePartyNode, ConsortiumPeers } from "../src/pipeline";
import type { ServerConfig } from "./config";

/** Opens the payload store: Kubo's with IPFS_API_URL, else an embedded Helia node that admits no peer until `joinConsortium`. */
export async function openPayloadStore(config: ServerConfig): Promise<{ payloads: PayloadStore; helia?: HeliaStore }> {
  if (config.ipfsApiUrl) return { payloads: await createPayloadStore({ kind: "kubo", url: config.ipfsApiUrl }) };
  // Gated from its first moment: an empty allow-list until the ledger's registry has been read.
  const helia = await createHeliaStore({ dataDir: path.join(config.dataDir, "ipfs"), listen: [config.ipfsListen], allowedPeers: [] });
  return { payloads: helia, helia };
}

/**
 * Links the embedded node to the consortium: with IPFS_ANNOUNCE=1 registers it (and each administered party's
 * encryption key) on the ledger, then admits the nodes the ledger registers for active parties and follows the
 * registry from then on. Returns what stops the following.
 */
export async function joinConsortium(options: {
  config: ServerConfig;
  client: LedgerClient;
  keyring: Keyring;
  helia: HeliaStore;
  logger: Logger;
}): Promise<() => Promise<void>> {
  const { config, client, keyring, helia, logger } = options;
  if (config.ipfsAnnounce) {
    // The address other parties dial: the listen address as bound (port 0 resolved), without /p2p/ (the peer id is its own field).
    const multiaddr = helia.multiaddrs()[0].replace(/\/p2p\/[^/]+$/, "");
    for (const party of keyring.partyCodes()) {
      const announced = await announcePartyNode({ client, keyring, payloads: helia, party, node: { peerId: helia.peerId, multiaddr } });
      logger.info({ ...announced, peerId: helia.peerId, multiaddr }, "ipfs: party node announced on the ledger");
      if (announced.foreignKey) {
        logger.warn(
          { party, ledgerKey: announced.foreignKey, ownKey: announced.thumbprint },
          "ipfs: the ledger names an encryption key for this party that this server does not hold; payloads addressed to the party will not open here",
        );
      }
    }
  }
  const peers = new ConsortiumPeers({
    client,
    node: helia,
    // Another party's registered address is dialled only within this node's own reach (see src/ipfs/dial-scope.ts).
    dialScope: scopeOfListen(config.ipfsListen),
    log: (event, details) => (event === "peers" ? logger.info(details, "ipfs: consortium peers") : logger.warn(details, `ipfs: ${event}`)),
  });
  await peers.sync().catch((error: unknown) => logger.warn({ error: String(error) }, "ipfs: first read of the party registry failed"));
  peers.start();
  return () => peers.stop();
}
