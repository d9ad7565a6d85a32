/**
 * The words of the importing side's answers, with the numbers the outcomes contract stores. Outcomes follow the
 * UN/CEFACT SPS acknowledgement's status codes (received and read, accepted, accepted with remarks, rejected);
 * rejection reasons are a fixed list drawn from the SPS acknowledgement's reasons and the ASEAN Single Window's
 * reasons for returning an e-Form D. The contract checks only that a rejection names a code from 1 to its
 * `maxReason()` (12): adding a reason means a new contract, so the list is closed on purpose.
 */
import { CertLedgerError } from "../errors";

/**
 * What an importing party answers, in the API's words; the contract's `Outcome` enum is the position + 1. `delivered`
 * is recorded by the party's own node once it holds a payload addressed to the party (the ePhyto Hub's "delivered"),
 * never by an officer: {@link AGENCY_OUTCOMES} are what an agency records.
 */
export const OUTCOMES = ["acknowledged", "accepted", "acceptedWithRemarks", "rejected", "delivered"] as const;
export type OutcomeName = (typeof OUTCOMES)[number];

/** The outcomes an agency's officer records through the API. */
export const AGENCY_OUTCOMES = ["acknowledged", "accepted", "acceptedWithRemarks", "rejected"] as const;
export type AgencyOutcomeName = (typeof AGENCY_OUTCOMES)[number];

/** A reason a border agency rejects a certificate for. */
export interface RejectionReason {
  code: number;
  name: string;
  /** In plain words, for the report and the verifier page. */
  text: string;
}

export const REJECTION_REASONS: readonly RejectionReason[] = [
  { code: 1, name: "unreadable", text: "the certificate or its payload cannot be read" },
  { code: 2, name: "incompleteOrIncorrect", text: "required data is missing or incorrect" },
  { code: 3, name: "issuerNotRecognised", text: "the issuer, its signature or its stamp is not recognised" },
  { code: 4, name: "goodsDoNotMatch", text: "the goods, quantities or marks do not match the consignment" },
  { code: 5, name: "originCriterionNotMet", text: "the goods do not meet the origin criterion claimed" },
  { code: 6, name: "phytosanitaryRequirementsNotMet", text: "the import phytosanitary requirements are not met" },
  { code: 7, name: "certificateNotValid", text: "the certificate is expired, suspended or revoked" },
  { code: 8, name: "quantityExceeded", text: "the quantity imported exceeds what the certificate covers" },
  { code: 9, name: "alreadyUsed", text: "the certificate was already used for these goods" },
  { code: 10, name: "issuedRetroactively", text: "issued retroactively without the conditions for it" },
  { code: 11, name: "agreementNotApplicable", text: "the trade agreement claimed does not apply to these goods or parties" },
  { code: 12, name: "other", text: "another reason, given in the remarks" },
];

/** The number the contract stores for `outcome`. */
export function outcomeCode(outcome: OutcomeName): number {
  return OUTCOMES.indexOf(outcome) + 1;
}

/** The API's word for the contract's outcome `code` (undefined for one this version does not know). */
export function outcomeName(code: number): OutcomeName | undefined {
  return OUTCOMES[code - 1];
}

/** The rejection reason named `nameOrCode` (its name, or its code), INVALID_OUTCOME when there is none. */
export function rejectionReason(nameOrCode: string | number): RejectionReason {
  const found = REJECTION_REASONS.find((r) => r.name === nameOrCode || r.code === nameOrCode);
  if (!found) {
    throw new CertLedgerError(
      "INVALID_OUTCOME",
      `reason ${JSON.stringify(nameOrCode)} is not one of ${REJECTION_REASONS.map((r) => r.name).join(", ")}`,
    );
  }
  return found;
}
