import { createHash } from "node:crypto";
import type { LedgerClient } from "../chain/ledger-client";
import type { PayloadRecipient } from "../crypto/payload-encryption";
import { buildCredential, type PhytosanitaryCertificateCredential } from "../documents/credentials";
import { spsXmlToCredentialInput } from "../documents/sps";
import { CertLedgerError } from "../errors";
import type { AnchoringService, CredentialSubmissionOutcome } from "./anchoring-service";

/** An issuing authority's UN/CEFACT SPS certificate (ePhyto XML) to anchor as its phytosanitary credential. */
export interface SubmitSpsInput {
  authorityId: number;
  xml: string | Uint8Array;
  /** End of validity; the importer's default (90 days after issue) when absent, since the XML has none. */
  validUntil?: Date | string;
  recipients?: PayloadRecipient[];
  idempotencyKey?: string;
}

/**
 * Converts an SPS certificate into the authority's phytosanitary credential (src/documents/sps: INVALID_SPS_XML naming
 * the element it cannot take) and submits it exactly as a credential is submitted (AnchoringService.submitCredential:
 * signed with the authority's key, checked against the chain, enqueued). The issuer is the authority as the ledger
 * registers it (AUTHORITY_NOT_FOUND otherwise). The credential's id derives from the XML's bytes, so the same file
 * sent again makes the same credential, and an Idempotency-Key repeat is recognised.
 */
export async function submitSpsCertificate(
  deps: { anchoring: Pick<AnchoringService, "submitCredential">; client: Pick<LedgerClient, "getAuthority"> },
  input: SubmitSpsInput,
): Promise<CredentialSubmissionOutcome & { credential: PhytosanitaryCertificateCredential }> {
  const authority = await deps.client.getAuthority(input.authorityId);
  if (!authority) throw new CertLedgerError("AUTHORITY_NOT_FOUND", `authority ${input.authorityId} is not registered on the ledger`);
  const credential = buildCredential(
    spsXmlToCredentialInput(input.xml, {
      issuer: { party: authority.party, authorityId: input.authorityId, name: authority.name },
      validUntil: input.validUntil,
      id: uuidOf(input.xml),
    }),
  );
  const outcome = await deps.anchoring.submitCredential({
    authorityId: input.authorityId,
    credential,
    recipients: input.recipients,
    idempotencyKey: input.idempotencyKey,
  });
  return { ...outcome, credential };
}

/** A `urn:uuid:` named by the SHA-256 of the bytes (RFC 9562 version 8, name-based with a modern hash). */
function uuidOf(xml: string | Uint8Array): string {
  const hex = createHash("sha256").update(xml).digest("hex").slice(0, 32).split("");
  hex[12] = "8";
  hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  const h = hex.join("");
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
