import type { CertificateEvent } from "../chain/ledger-events";
import type { BatchAnchoredEvent } from "../chain/ledger-events";
import { revocationReasonName } from "../chain/revocation-reasons";
import type { HistoryEntry } from "./report";

/** What a certificate was at a time, from its record and its history. */
export type CertificateStateName = "Unknown" | "Active" | "Suspended" | "Revoked" | "Expired";

/** The record fields the state depends on (a batched certificate without a record of its own has its batch's). */
export interface EffectiveRecord {
  status: "Active" | "Suspended" | "Revoked";
  issuedAt: bigint;
  validUntil: bigint;
  statusChangedAt: bigint;
}

/** The last second of year 9999: ISO 8601 (and Date) stop there, while the chain's uint64 times go further. */
const MAX_ISO_SECONDS = 253_402_300_799n;
const iso = (seconds: bigint): string => new Date(Number(seconds > MAX_ISO_SECONDS ? MAX_ISO_SECONDS : seconds) * 1000).toISOString();

/** The history entries of a certificate's events, for a person to read. */
export function historyEntries(events: CertificateEvent[], batch?: BatchAnchoredEvent): HistoryEntry[] {
  const entries: HistoryEntry[] = [];
  if (batch) {
    entries.push({
      event: "BatchAnchored",
      at: iso(batch.timestamp),
      blockNumber: batch.blockNumber,
      txHash: batch.txHash,
      detail: { root: batch.root, authorityId: batch.authorityId, certType: batch.certType, leafCount: batch.leafCount },
    });
  }
  for (const e of events) {
    const base = { event: e.event, at: iso(e.timestamp), blockNumber: e.blockNumber, txHash: e.txHash };
    switch (e.event) {
      case "CertificateAnchored":
        entries.push({
          ...base,
          detail: { authorityId: e.args.authorityId, certType: e.args.certType, validUntil: iso(e.args.validUntil) },
        });
        break;
      case "BatchedCertificateMaterialised":
        entries.push({ ...base, detail: { root: e.args.root } });
        break;
      case "CertificateRevoked":
        entries.push({
          ...base,
          detail: {
            reason: e.args.reason,
            reasonName: revocationReasonName(e.args.reason),
            effectiveAt: iso(e.args.effectiveAt),
            replacement: e.args.replacement ?? null,
          },
        });
        break;
      default:
        entries.push({ ...base, detail: {} });
    }
  }
  return entries;
}

/**
 * What the certificate was at `time`. The chain's record knows only the current suspension; earlier suspension
 * periods come from the `CertificateSuspended` / `CertificateReinstated` events, so "as of" a past date inside a
 * suspension that has since ended still answers Suspended.
 */
export function stateAt(record: EffectiveRecord, events: CertificateEvent[], time: bigint): CertificateStateName {
  if (time < record.issuedAt) return "Unknown";
  if (record.status === "Revoked" && time >= record.statusChangedAt) return "Revoked";
  if (record.status === "Suspended" && time >= record.statusChangedAt) return "Suspended";
  let suspendedSince: bigint | undefined;
  for (const e of events) {
    if (e.timestamp > time) break;
    if (e.event === "CertificateSuspended") suspendedSince = e.timestamp;
    else if (e.event === "CertificateReinstated" || e.event === "CertificateRevoked") suspendedSince = undefined;
  }
  if (suspendedSince !== undefined) return "Suspended";
  if (time > record.validUntil) return "Expired";
  return "Active";
}

/** Seconds → ISO 8601. */
export function isoTime(seconds: bigint): string {
  return iso(seconds);
}
