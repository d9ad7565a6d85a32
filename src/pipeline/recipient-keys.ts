import type { LedgerClient } from "../chain/ledger-client";
import { jwkThumbprintHex, p256PublicJwk } from "../crypto/keys";
import type { PayloadRecipient } from "../crypto/payload-encryption";
import { CertLedgerError } from "../errors";
import { cidFromBytes } from "../ipfs/cid";
import type { PayloadStore } from "../ipfs/payload-store";

const FETCH_TIMEOUT_MS = 10_000;
const MAX_JWK_BYTES = 16 * 1024;

/**
 * The registered encryption key of each recipient party: the JWK stored on IPFS under the CID the party recorded on
 * the ledger, accepted only when its RFC 7638 thumbprint is the one on the ledger. A party that is unknown or has no
 * usable key is refused (PARTY_NOT_FOUND, KEY_NOT_FOUND), so no payload is ever wrapped to a key nobody vouched for.
 *
 * (Library logic living in the server for now: it belongs beside the anchoring service in src/pipeline.)
 */
export function ledgerRecipientKeys(client: LedgerClient, payloads: PayloadStore): (parties: string[]) => Promise<PayloadRecipient[]> {
  return async (parties) => Promise.all([...new Set(parties)].map((party) => recipientKey(client, payloads, party)));
}

async function recipientKey(client: LedgerClient, payloads: PayloadStore, party: string): Promise<PayloadRecipient> {
  const record = await client.getParty(party);
  if (!record) throw new CertLedgerError("PARTY_NOT_FOUND", `recipient party ${party} is not a party of the ledger`);
  const cid = await client.partyEncryptionKeyCid(party);
  if (!record.encryptionKeyThumbprint || !cid || cid.length === 0) {
    throw new CertLedgerError("KEY_NOT_FOUND", `recipient party ${party} has registered no encryption key on the ledger`);
  }
  const missing = () => new CertLedgerError("KEY_NOT_FOUND", `the encryption key party ${party} registered cannot be read from IPFS`);
  let text: string;
  try {
    text = new TextDecoder().decode(
      await payloads.get(cidFromBytes(cid), { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), maxBytes: MAX_JWK_BYTES }),
    );
  } catch (error) {
    if (error instanceof CertLedgerError && error.code === "IPFS_UNAVAILABLE") throw error;
    throw missing();
  }
  let publicJwk;
  try {
    publicJwk = p256PublicJwk(JSON.parse(text), `party ${party}'s encryption key`);
  } catch {
    throw missing();
  }
  if (jwkThumbprintHex(publicJwk) !== record.encryptionKeyThumbprint) {
    throw new CertLedgerError("KEY_NOT_FOUND", `the key stored for party ${party} is not the one its ledger record names`);
  }
  return { party, publicJwk };
}
