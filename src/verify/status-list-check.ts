/**
 * The cross-check of a credential's published status lists (W3C Bitstring Status List) against the ledger: each of
 * its `credentialStatus` entries is read (from the issuing party's server), its list credential verified as signed by
 * a key the ledger registers for the anchoring authority, and its bit compared with the ledger's status now. The
 * ledger stays the source of truth: a list that disagrees is reported (a warning: generic verifiers reading that list
 * would be misled, or it has not caught up yet) and never changes the verdict.
 */
import type { LedgerClient } from "../chain/ledger-client";
import type { Credential } from "../documents/credentials";
import { isCertLedgerError } from "../errors";
import { didDocumentUrl } from "../standard-views/did-web";
import { statusBit } from "../standard-views/status-list-bits";
import { verifyStatusList, type StatusPurpose } from "../standard-views/status-list-credential";
import type { Check } from "./report";

/** Reads a status list credential (a compact JWS) from its URL. */
export type StatusListReader = (url: string) => Promise<string>;

/** What the cross-check compares with: the anchoring authority and the ledger's stored status now. */
export interface StatusListFacts {
  client: Pick<LedgerClient, "getSigningKey">;
  blockNumber: number;
  authorityId: number;
  ledgerStatus: "Active" | "Suspended" | "Revoked";
}

interface Entry {
  statusPurpose: StatusPurpose;
  statusListIndex: string;
  statusListCredential: string;
}

/** The check, or undefined when the credential carries no status entries (nothing published to compare). */
export async function checkStatusLists(
  credential: Credential | undefined,
  facts: StatusListFacts,
  read: StatusListReader | undefined,
  asOf: bigint | undefined,
): Promise<Check | undefined> {
  const entries = (credential as { credentialStatus?: Entry[] } | undefined)?.credentialStatus;
  if (!entries || entries.length === 0) return undefined;
  const skip = (detail: string): Check => ({ id: "statusList", result: "skip", detail });
  if (asOf !== undefined) return skip("Status lists say what holds now; this verification is as of an earlier time.");
  if (read === undefined) return skip("This verifier does not read published status lists.");
  const said: string[] = [];
  const mismatches: string[] = [];
  const issuerDid = (credential as { issuer: { id: string } }).issuer.id;
  for (const entry of entries) {
    // Only lists at the issuer's own did:web host are read: a credential cannot send this server to any address it likes.
    if (!atIssuerHost(entry.statusListCredential, issuerDid)) {
      mismatches.push(`the ${entry.statusPurpose} list ${entry.statusListCredential} is not at the issuer's host (${issuerDid}): not read`);
      continue;
    }
    let list;
    try {
      list = await verifyStatusList(await read(entry.statusListCredential));
    } catch (error) {
      const why = isCertLedgerError(error) ? error.message : (error as Error).message;
      return {
        id: "statusList",
        result: "warn",
        detail: `The ${entry.statusPurpose} list ${entry.statusListCredential} could not be checked: ${why}.`,
      };
    }
    if (list.url !== entry.statusListCredential || list.purpose !== entry.statusPurpose) {
      mismatches.push(`${entry.statusListCredential} is not the ${entry.statusPurpose} list the credential names`);
      continue;
    }
    if (list.issuer !== issuerDid) {
      mismatches.push(`the ${entry.statusPurpose} list is issued by ${list.issuer}, not by the credential's issuer`);
      continue;
    }
    const key = await facts.client.getSigningKey(facts.authorityId, list.thumbprint, { blockTag: facts.blockNumber });
    if (!key || (key.compromisedAt !== undefined && key.compromisedAt * 1000n <= BigInt(Date.parse(list.validFrom)))) {
      mismatches.push(
        `the ${entry.statusPurpose} list is signed with a key the ledger does not register (valid) for authority ${facts.authorityId}`,
      );
      continue;
    }
    const set = statusBit(list.bits, Number(entry.statusListIndex));
    const ledgerSays = entry.statusPurpose === "revocation" ? facts.ledgerStatus === "Revoked" : facts.ledgerStatus === "Suspended";
    said.push(`${entry.statusPurpose} bit ${set ? "set" : "clear"}`);
    if (set !== ledgerSays) {
      mismatches.push(
        `the ${entry.statusPurpose} list has bit ${entry.statusListIndex} ${set ? "set" : "clear"} but the ledger has the certificate ${facts.ledgerStatus}`,
      );
    }
  }
  if (mismatches.length > 0) {
    return {
      id: "statusList",
      result: "warn",
      detail: `The published status lists disagree with the ledger, which is the source of truth: ${mismatches.join("; ")}. A list regenerated within its ttl catches up; one that does not misleads verifiers reading only the list.`,
    };
  }
  return { id: "statusList", result: "pass", detail: `The issuer's published status lists agree with the ledger (${said.join(", ")}).` };
}

/** Whether `url` is on the host (and port) of a did:web issuer: where the issuer's own DID document is. */
function atIssuerHost(url: string, issuerDid: string): boolean {
  try {
    return new URL(url).host === new URL(didDocumentUrl(issuerDid)).host;
  } catch {
    return false;
  }
}
