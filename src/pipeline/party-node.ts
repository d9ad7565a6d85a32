/** What a party's server tells the ledger about itself so that the other parties can reach it and write to it. */
import type { LedgerClient } from "../chain/ledger-client";
import { generateEncryptionKey } from "../crypto/keys";
import { CertLedgerError } from "../errors";
import { cidToBytes } from "../ipfs/cid";
import type { PayloadStore } from "../ipfs/payload-store";
import type { Keyring } from "../keys/keyring";

/** What a party's server registers on the ledger about itself: where its IPFS node is, and its encryption key. */
export interface PartyAnnouncement {
  party: string;
  /** Whether `setPartyNode` was sent (false: the ledger already had this node). */
  nodeSet: boolean;
  /** Whether `setPartyEncryptionKey` was sent (false: the ledger already had this server's key, or another). */
  keySet: boolean;
  /** RFC 7638 thumbprint (hex) of the key this server opens payloads addressed to the party with. */
  thumbprint: string;
  /** Set when the ledger names an encryption key for the party that this server does not hold. */
  foreignKey?: string;
}

/**
 * Registers on the ledger, as `party`'s admin, this server's IPFS node (`peerId` at `multiaddr`) and the party's
 * encryption key (created and kept in the keyring on first use, its public JWK stored on IPFS): each only when the
 * ledger does not already say so, so a restart on the same address sends nothing. A key the ledger names that this
 * server does not hold (another server of the party registered it) is left alone and reported as `foreignKey`.
 */
export async function announcePartyNode(options: {
  client: LedgerClient;
  keyring: Keyring;
  payloads: PayloadStore;
  party: string;
  node: { peerId: string; multiaddr: string };
}): Promise<PartyAnnouncement> {
  const { client, keyring, payloads, party, node } = options;
  const admin = await keyring.signerForParty(party);
  if (admin === undefined) throw new CertLedgerError("NO_SIGNER", `this server holds no admin account of party ${party}`);
  const asAdmin = client.withSigner(admin);
  const [registered, record] = await Promise.all([client.partyNode(party), client.getParty(party)]);

  let nodeSet = false;
  if (registered?.peerId !== node.peerId || registered.multiaddr !== node.multiaddr) {
    await asAdmin.setPartyNode({ party, peerId: node.peerId, multiaddr: node.multiaddr });
    nodeSet = true;
  }

  const key = await keyring.ensurePartyEncryptionKey(party, generateEncryptionKey);
  let keySet = false;
  let foreignKey: string | undefined;
  if (record?.encryptionKeyThumbprint === undefined) {
    const jwk = new TextEncoder().encode(JSON.stringify(key.publicJwk));
    const cid = await payloads.add(jwk);
    await asAdmin.setPartyEncryptionKey({ party, thumbprint: key.thumbprint, cid: cidToBytes(cid) });
    keySet = true;
  } else if (record.encryptionKeyThumbprint.toLowerCase() !== key.thumbprint.toLowerCase()) {
    foreignKey = record.encryptionKeyThumbprint;
  }
  return { party, nodeSet, keySet, thumbprint: key.thumbprint, foreignKey };
}
