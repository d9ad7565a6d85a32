import type { z } from "zod";
import type { AuthorityRecord, CertificateRecord } from "../src/chain/ledger-records";
import { revocationReasonName } from "../src/chain/revocation-reasons";
import { certificateTypeName } from "../src/documents/certificate-types";
import type { CertificateHistoryEvent, IndexedCertificate } from "../src/index/index-types";
import { cidFromBytes } from "../src/ipfs/cid";
import type { AnchorRequest } from "../src/pipeline/anchor-request";
import type { anchorRequestView, authorityView, chainRecordView, historyEventView, indexedCertificateView } from "./schemas";

/** The library's objects as the JSON the API answers with (times as ISO 8601, bigints as numbers or strings). */

/** The last second ISO 8601 writes with a four-digit year; later times (a uint64 "never expires") are shown as it. */
export const LAST_ISO_SECOND = 253_402_300_799n;

/** Seconds since the epoch as ISO 8601 (times past year 9999 are shown as 9999-12-31T23:59:59Z). */
export function isoSeconds(seconds: bigint | number): string {
  const s = BigInt(seconds);
  const clamped = s > LAST_ISO_SECOND ? LAST_ISO_SECOND : s < 0n ? 0n : s;
  return new Date(Number(clamped) * 1000).toISOString();
}

/** An outbox request, with its error only when `withError` (the issuer's own view). */
export function anchorRequestJson(request: AnchorRequest, withError: boolean): z.input<typeof anchorRequestView> & { certHash: string } {
  return {
    certHash: request.certHash,
    anchoring: request.status,
    authorityId: request.authorityId,
    certType: request.certType,
    validUntil: isoSeconds(request.validUntil),
    numberHash: request.numberHash,
    payloadCid: request.payloadCid,
    batchRoot: request.batchRoot,
    txHash: request.txHash,
    blockNumber: request.blockNumber,
    error: withError && request.error ? `${request.error.code}: ${request.error.message}` : undefined,
    createdAt: request.createdAt,
    updatedAt: request.updatedAt,
  };
}

/** A certificate as the index describes it. */
export function indexedCertificateJson(c: IndexedCertificate): z.input<typeof indexedCertificateView> {
  return {
    certHash: c.certHash,
    numberHash: c.numberHash,
    authorityId: c.authorityId,
    certType: c.certType,
    certTypeName: certificateTypeName(c.certType),
    status: c.status,
    validUntil: isoSeconds(c.validUntil),
    anchoredAt: isoSeconds(c.anchoredAt),
    statusChangedAt: c.statusChangedAt === undefined ? undefined : isoSeconds(c.statusChangedAt),
    payloadCid: c.payloadCid,
    batchRoot: c.batchRoot,
    blockNumber: c.blockNumber,
    txHash: c.txHash,
    revocation: c.revocation && {
      reason: c.revocation.reason,
      reasonName: revocationReasonName(c.revocation.reason),
      effectiveAt: isoSeconds(c.revocation.effectiveAt),
      replacement: c.revocation.replacement,
      revokedAt: isoSeconds(c.revocation.revokedAt),
      blockNumber: c.revocation.blockNumber,
      txHash: c.revocation.txHash,
    },
  };
}

/** The ledger's stored record of a certificate. */
export function chainRecordJson(r: CertificateRecord): z.input<typeof chainRecordView> {
  return {
    authorityId: r.authorityId,
    certType: r.certType,
    status: r.status as "Active" | "Suspended" | "Revoked",
    revocationReason: r.revocationReason,
    issuedAt: isoSeconds(r.issuedAt),
    validUntil: isoSeconds(r.validUntil),
    statusChangedAt: isoSeconds(r.statusChangedAt),
  };
}

/** One event of a certificate's history, its arguments JSON-safe. */
export function historyEventJson(e: CertificateHistoryEvent): z.input<typeof historyEventView> {
  const args: Record<string, string | number | boolean | null> = {};
  for (const [name, value] of Object.entries(e.args as unknown as Record<string, unknown>)) {
    if (value === undefined) args[name] = null;
    else if (typeof value === "bigint") args[name] = name === "validUntil" || name === "effectiveAt" ? isoSeconds(value) : value.toString();
    else if (value instanceof Uint8Array) args[name] = value.length === 0 ? null : safeCid(value);
    else if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") args[name] = value;
    else args[name] = String(value);
  }
  if (e.event === "CertificateRevoked") args.reasonName = revocationReasonName(e.args.reason);
  return { event: e.event, at: isoSeconds(e.timestamp), blockNumber: e.blockNumber, txHash: e.txHash, logIndex: e.logIndex, args };
}

/** An authority with its accounts. */
export function authorityJson(a: AuthorityRecord, accounts: string[]): z.input<typeof authorityView> {
  const scope: number[] = [];
  for (let type = 1; type < 64; type++) if ((a.scope >> BigInt(type)) & 1n) scope.push(type);
  return {
    id: a.id,
    party: a.party,
    name: a.name,
    status: a.status,
    scope,
    validFrom: isoSeconds(a.validFrom),
    validUntil: isoSeconds(a.validUntil),
    accounts,
  };
}

/** A binary CID as text, or its hex when it is not a CID. */
function safeCid(bytes: Uint8Array): string {
  try {
    return cidFromBytes(bytes);
  } catch {
    return "0x" + Buffer.from(bytes).toString("hex");
  }
}
