import { readFile } from "node:fs/promises";
import type { BatchMember } from "../../src/merkle";
import type { BatchLocator } from "../../src/verify";
import { UsageError } from "./errors";
import { isRunRecord } from "./run-record";
import { isHex32 } from "../../src/hex32";

/**
 * Finds batched certificates in the run record of `certledger anchor` (straight to the chain, or through a server
 * with the proofs recorded): the proof comes from the file, the ledger still decides whether it places the certificate
 * under an anchored root, so a wrong or altered run record can only make a certificate NOT_FOUND, never valid.
 */
export async function runRecordLocator(file: string): Promise<BatchLocator> {
  const text = await readFile(file, "utf8").catch(() => {
    throw new UsageError(`cannot read the run record ${file}`);
  });
  let json: { format?: unknown; entries?: unknown };
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    throw new UsageError(`the run record ${file} is not JSON`);
  }
  if (!isRunRecord(json)) throw new UsageError(`${file} is not a run record written by certledger anchor`);
  const members = new Map<string, BatchMember>();
  for (const entry of json.entries as { certHash?: unknown; anchor?: Record<string, unknown> }[]) {
    const member = memberOf(entry);
    if (member) members.set(member.certHash, member);
  }
  return { locate: async (certHash) => members.get(certHash.toLowerCase()) };
}

/** The batch member an entry's anchor describes, or undefined (not anchored in a batch, or not well formed). */
function memberOf(entry: { certHash?: unknown; anchor?: Record<string, unknown> }): BatchMember | undefined {
  const anchor = entry?.anchor;
  if (anchor?.kind !== "batch" || typeof entry.certHash !== "string") return undefined;
  const { root, authorityId, numberHash, validUntil, proof } = anchor;
  const certHash = entry.certHash.toLowerCase();
  if (!isHex32(certHash) || !isHex32(root) || !isHex32(numberHash)) return undefined;
  if (typeof validUntil !== "string" || !/^\d{1,20}$/.test(validUntil)) return undefined;
  if (typeof authorityId !== "number" || !Number.isInteger(authorityId) || authorityId < 1) return undefined;
  if (!Array.isArray(proof) || !proof.every((step) => isHex32(step))) return undefined;
  return { root, authorityId, certHash, numberHash, validUntil: BigInt(validUntil), proof: proof as string[] };
}

/** Asks each locator in turn; the first that knows the certificate answers. */
export function firstLocator(locators: BatchLocator[]): BatchLocator {
  return {
    async locate(certHash) {
      for (const locator of locators) {
        const member = await locator.locate(certHash);
        if (member) return member;
      }
      return undefined;
    },
  };
}
