/**
 * What a worker thread of the document pool runs to seal credentials (document-worker-tasks.ts exports it): a group
 * of credentials signed by one key, sealed one by one, each answered on its own (a refusal is returned as its
 * CertLedgerError's fields, as pdf-stamp-task.ts does), the payloads' buffers moved to the calling thread.
 */
import type { PayloadRecipient } from "../crypto/payload-encryption";
import { CertLedgerError } from "../errors";
import { sealValidCredential, type SealedCredential } from "./credential-sealing";
import type { Credential } from "./credentials";
import { withBytesMoved } from "./moved-result";
import { clonedError, type ClonedError } from "./pdf-stamp-task";
import type { PreparedSigner } from "./vc-jose";

/**
 * Credentials to seal with one key, validated by the pool's caller (DocumentWorkerPool.seal checks each on its thread):
 * the key crosses once per group (a KeyObject is cloned, not its JWK).
 */
export interface SealTask {
  signer: PreparedSigner;
  items: { credential: Credential; recipients?: PayloadRecipient[] }[];
}

/** Each credential of a task sealed, or the CertLedgerError that refused it. */
export type SealTaskOutcome = (SealedCredential | { error: ClonedError })[];

export async function sealCredentials({ signer, items }: SealTask): Promise<unknown> {
  const outcomes: SealTaskOutcome = [];
  for (const { credential, recipients } of items) {
    try {
      outcomes.push(await sealValidCredential({ credential, signer, recipients }));
    } catch (error) {
      // Anything else is a bug, not a refusal: it fails the whole task, and the pool rejects each of its credentials.
      if (!(error instanceof CertLedgerError)) throw error;
      outcomes.push({ error: clonedError(error) });
    }
  }
  // A payload is a buffer of its own (TextEncoder's), which nothing else on this thread holds: it is moved, not copied.
  const payloads = outcomes.flatMap((outcome) => ("payload" in outcome ? [outcome.payload] : []));
  return withBytesMoved(outcomes, payloads);
}
