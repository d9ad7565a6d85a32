import type { Signer } from "ethers";
import type { LedgerClient } from "../src/chain/ledger-client";
import type { JWK } from "../src/crypto/keys";
import type { PayloadRecipient } from "../src/crypto/payload-encryption";
import { CertLedgerError } from "../src/errors";
import type { PayloadStore } from "../src/ipfs/payload-store";
import { BorderDesk, CertificateUseReader, OutcomesClient } from "../src/outcomes";
import { ledgerRecipientKeys } from "../src/pipeline";
import type { Verifier } from "../src/verify";
import type { AppDependencies } from "./dependencies";

/**
 * The importing side's dependencies for a server, when its deployment has the outcomes contract (older deployment
 * files may not: then its routes answer 503 OUTCOMES_NOT_DEPLOYED and verification reports carry no `use`).
 */
export function importingSide(options: {
  client: LedgerClient;
  verifier: Verifier;
  payloads: PayloadStore;
  signerForAgency(agencyId: number): Promise<Signer | undefined>;
  partyDecryptionKey(party: string): JWK | undefined;
  /** The registered encryption keys of parties, for remarks (default: read from the ledger and IPFS). */
  recipientKeys?: (parties: string[]) => Promise<PayloadRecipient[]>;
  /** Resolves once a block survives a power cut (the embedded chain's); absent for a chain whose blocks are final. */
  durable?: (blockNumber: number) => Promise<void>;
  /** The border agencies this server writes for (to record deliveries to its parties' nodes with one of them). */
  agencyIds?: () => number[];
}): Pick<AppDependencies, "outcomes" | "desk" | "useReader" | "signerForAgency"> {
  if (!options.client.deployment.outcomes) return {};
  const outcomes = OutcomesClient.of(options.client);
  const useReader = new CertificateUseReader(outcomes, options.payloads);
  const desk = new BorderDesk({
    verifier: options.verifier,
    outcomes,
    use: (anchoring) => useReader.read(anchoring),
    writerFor: async (agencyId) => {
      const signer = await options.signerForAgency(agencyId);
      if (!signer)
        throw new CertLedgerError(
          "FORBIDDEN",
          `this server holds no account of border agency ${agencyId}, so it cannot act for this token`,
        );
      return outcomes.withSigner(signer);
    },
    partyDecryptionKey: options.partyDecryptionKey,
    payloads: options.payloads,
    recipientKeys: options.recipientKeys ?? ledgerRecipientKeys(options.client, options.payloads),
    durable: options.durable,
    deliveryAgency: async (party) => {
      for (const id of options.agencyIds?.() ?? []) {
        const agency = await outcomes.getAgency(id);
        if (agency?.party === party && agency.status === "Active") return id;
      }
      return undefined;
    },
  });
  return { outcomes, desk, useReader, signerForAgency: options.signerForAgency };
}
