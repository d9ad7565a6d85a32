/**
 * Sealing a credential the server signs, the CPU-bound part of accepting it (~140 µs on this machine): its compact
 * JWS (ES256, the authority's prepared key), the JWS's certHash, and its payload (the JWS) encrypted for the holder's
 * link key and the named recipient parties. Done where the sealer says: on the calling thread, or by the document
 * worker pool (document-worker-pool.ts) on every core, so the event loop keeps to what only it can do (the outbox, the
 * status slots, HTTP). Either way the credential is checked against its schema on the calling thread before it is
 * signed, and the JWS signs exactly its JSON as given.
 */
import type { PayloadRecipient } from "../crypto/payload-encryption";
import { encryptPayload } from "../crypto/payload-encryption";
import { validateCredential, type Credential } from "./credentials";
import { certHashOf } from "./hashing";
import { issuerDidOf, signPrepared, VC_JWT_MEDIA_TYPE, type PreparedSigner } from "./vc-jose";

/** A credential to seal: validated, with its issuer and status entries as the server gives them. */
export interface SealInput {
  credential: Credential;
  signer: PreparedSigner;
  /** Parties that may decrypt the payload with their registered encryption keys, besides the holder. */
  recipients?: PayloadRecipient[];
}

/** A sealed credential: the document the holder receives, its certHash, and its encrypted payload with the link key. */
export interface SealedCredential {
  jws: string;
  certHash: string;
  payload: Uint8Array;
  /** The holder's link key (base64url) the payload was encrypted for. */
  linkKey: string;
}

/** Seals credentials: the seam between sealing on this thread and in worker threads. */
export interface CredentialSealer {
  seal(input: SealInput): Promise<SealedCredential>;
}

/** Seals `input` on the calling thread, after checking its credential against its schema (nothing invalid is signed). */
export async function sealCredential(input: SealInput): Promise<SealedCredential> {
  // A credential validated on this thread (as the anchoring service's are) passes at once.
  validateCredential(input.credential);
  return sealValidCredential(input);
}

/**
 * Seals `input`, whose credential the caller validated: what a worker thread of the document pool runs for a
 * credential the pool's caller validated on its own thread before sending it (structured clone copies the data as it
 * is; checking it again cost the worker ~90 µs of every credential). The JWS signs the credential's JSON as given.
 */
export async function sealValidCredential({ credential, signer, recipients }: SealInput): Promise<SealedCredential> {
  const jws = signPrepared(credential, signer, issuerDidOf(credential));
  const certHash = certHashOf(jws);
  const { bytes, linkKey } = await encryptPayload(new TextEncoder().encode(jws), { certHash, contentType: VC_JWT_MEDIA_TYPE, recipients });
  return { jws, certHash, payload: bytes, linkKey };
}

/** Sealing on the calling thread: the library's default, and PDF_WORKERS=0's. */
export const thisThreadSealer: CredentialSealer = { seal: sealCredential };
