import type { Signer } from "ethers";
import type { LedgerClient, WriteResult } from "../chain/ledger-client";
import { revocationReasonCode, type RevocationReasonName } from "../chain/revocation-reasons";
import { parseCertHash } from "../documents/hashing";
import { CertLedgerError } from "../errors";
import type { BatchMember } from "../merkle/batch";
import type { Outbox } from "./outbox";

/** A revocation: an RFC 5280 reason by name or code, when it takes effect (default: now), and what replaces it. */
export interface RevokeInput {
  reason: RevocationReasonName | number | string;
  /** Seconds; may be back-dated to issuance, never in the future. Default: the latest block's time. */
  effectiveAt?: bigint;
  /** The certHash of the certificate that replaces this one. */
  replacement?: string;
}

/** A status change as sent: the transaction, and whether it went by the certificate's record or its batch proof. */
export interface StatusChangeResult extends WriteResult {
  certHash: string;
  via: "record" | "batchProof";
}

/** How the ledger addresses an anchoring: a direct one by its certHash, a batched one by its Merkle proof. */
type Target = { via: "record" } | { via: "batchProof"; member: BatchMember };

/**
 * Suspends, reinstates and revokes certificates on behalf of their issuing authority or its party's admin (the
 * `signer`; the ledger checks who may). Each anchoring of a hash is a record of its own on chain, so a batched
 * certificate is always addressed by its Merkle proof, kept in the outbox (the ledger gives it a record at its first
 * change): a direct anchoring of the same hash by another authority is another record, and never in the way.
 */
export class CertificateStatusService {
  readonly #outbox: Outbox;
  readonly #client: LedgerClient;

  constructor(options: { outbox: Outbox; client: LedgerClient }) {
    this.#outbox = options.outbox;
    this.#client = options.client;
  }

  /** Suspends certificate `certHash` as `signer`. */
  async suspend(certHash: string, signer: Signer): Promise<StatusChangeResult> {
    const hash = parseCertHash(certHash);
    const target = await this.#target(hash);
    const writer = this.#client.withSigner(signer);
    const result =
      target.via === "batchProof" ? await writer.suspendBatchedCertificate(target.member) : await writer.suspendCertificate(hash);
    return { ...result, certHash: hash, via: target.via };
  }

  /** Reinstates suspended certificate `certHash` as `signer`. */
  async reinstate(certHash: string, signer: Signer): Promise<StatusChangeResult> {
    const hash = parseCertHash(certHash);
    const target = await this.#target(hash);
    const writer = this.#client.withSigner(signer);
    const result =
      target.via === "batchProof" ? await writer.reinstateBatchedCertificate(target.member) : await writer.reinstateCertificate(hash);
    return { ...result, certHash: hash, via: target.via };
  }

  /** Revokes certificate `certHash` for good as `signer`. */
  async revoke(certHash: string, signer: Signer, revocation: RevokeInput): Promise<StatusChangeResult> {
    const hash = parseCertHash(certHash);
    const reason = revocationReasonCode(revocation.reason);
    const replacement = revocation.replacement === undefined ? undefined : parseCertHash(revocation.replacement);
    const target = await this.#target(hash);
    // "Now" is the chain's time, not this machine's: the ledger refuses an effective time after its latest block.
    const effectiveAt = revocation.effectiveAt ?? (await this.#client.now());
    const input = { reason, effectiveAt, replacement };
    const writer = this.#client.withSigner(signer);
    const result =
      target.via === "batchProof"
        ? await writer.revokeBatchedCertificate(target.member, input)
        : await writer.revokeCertificate({ ...input, certHash: hash });
    return { ...result, certHash: hash, via: target.via };
  }

  /** How to address this node's anchoring of `certHash`: the proof when it was batched, else its direct record. */
  async #target(certHash: string): Promise<Target> {
    const request = this.#outbox.get(certHash);
    if (request && request.status !== "anchored") {
      const why =
        request.status === "failed" ? `its anchoring failed (${request.error?.code ?? "unknown"})` : `it is still ${request.status}`;
      throw new CertLedgerError("REQUEST_NOT_ANCHORED", `certificate ${certHash} is not on the ledger: ${why}`, {
        details: { certHash, status: request.status },
      });
    }
    const member = this.#outbox.member(certHash);
    if (member) return { via: "batchProof", member };
    // Anchored on its own, or anchored elsewhere: the ledger answers CERT_NOT_FOUND if it has no direct record.
    return { via: "record" };
  }
}
