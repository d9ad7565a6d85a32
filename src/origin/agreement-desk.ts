/**
 * A party admin's writes about agreements: proposing one with its party among the parties, approving one its party
 * is named in, and stating which proofs of origin its party accepts from another party under one. Codes are resolved
 * to the registry's ids here, with a clear refusal when the agreement is unknown.
 */
import { CertLedgerError } from "../errors";
import type { PartyCode } from "../chain/party-code";
import type { AgreementRecord, AgreementRecognitionRecord, OriginClient } from "./origin-client";
import { proofBits, type ProofKind } from "./vocabulary";

const TEN_YEARS = 10n * 365n * 86_400n;

/** Resolves an agreement's code (AGREEMENT_NOT_FOUND naming it when the registry has none). */
export async function agreementNamed(origin: OriginClient, code: string): Promise<AgreementRecord> {
  const agreement = await origin.agreementByCode(code);
  if (!agreement)
    throw new CertLedgerError("AGREEMENT_NOT_FOUND", `no agreement ${code} is registered`, { details: { field: "agreement" } });
  return agreement;
}

/** Agreement `code`, which must name `party` among its parties (NOT_AGREEMENT_PARTY otherwise). */
async function agreementOfParty(writer: OriginClient, party: PartyCode, code: string): Promise<AgreementRecord> {
  const agreement = await agreementNamed(writer, code);
  if (!agreement.parties.includes(party)) {
    throw new CertLedgerError("NOT_AGREEMENT_PARTY", `${party} is not a party to ${code} (${agreement.parties.join(", ")})`);
  }
  return agreement;
}

/** Proposes an agreement as `writer` (an admin of `proposer`, which must be among its parties). */
export async function proposeAgreement(
  writer: OriginClient,
  proposer: PartyCode,
  request: { code: string; name: string; parties: string[] },
  durable?: (blockNumber: number) => Promise<void>,
): Promise<AgreementRecord> {
  if (!request.parties.includes(proposer)) {
    throw new CertLedgerError("NOT_AGREEMENT_PARTY", `${proposer} proposes only agreements it is a party to: add ${proposer} to parties`, {
      details: { field: "parties" },
    });
  }
  const taken = await writer.agreementByCode(request.code);
  if (taken)
    throw new CertLedgerError("AGREEMENT_CODE_UNAVAILABLE", `agreement code ${request.code} is taken (${taken.name})`, {
      details: { field: "code" },
    });
  const written = await writer.proposeAgreement({ ...request, parties: request.parties as PartyCode[], proposer });
  await durable?.(written.blockNumber);
  return (await writer.getAgreement(written.agreementId))!;
}

/** Approves agreement `code` for `party` as `writer` (an admin of `party`). */
export async function approveAgreement(
  writer: OriginClient,
  party: PartyCode,
  code: string,
  durable?: (blockNumber: number) => Promise<void>,
): Promise<AgreementRecord> {
  const agreement = await agreementOfParty(writer, party, code);
  if (agreement.approvedBy.includes(party)) throw new CertLedgerError("AGREEMENT_ALREADY_APPROVED", `${party} already approved ${code}`);
  const written = await writer.approveAgreement(agreement.id, party);
  await durable?.(written.blockNumber);
  return (await writer.getAgreement(agreement.id))!;
}

/** Withdraws agreement `code`, still proposed, for `party` as `writer` (an admin of `party`): its code is free again. */
export async function withdrawAgreement(
  writer: OriginClient,
  party: PartyCode,
  code: string,
  durable?: (blockNumber: number) => Promise<void>,
): Promise<AgreementRecord> {
  const agreement = await agreementOfParty(writer, party, code);
  if (agreement.status !== "Proposed")
    throw new CertLedgerError("AGREEMENT_IN_FORCE", `${code} is in force: only a proposal can be withdrawn`);
  const written = await writer.withdrawAgreement(agreement.id, party);
  await durable?.(written.blockNumber);
  return (await writer.getAgreement(agreement.id))!;
}

/** States, as `writer` (an admin of `importer`), which proofs `importer` accepts from `issuer` under agreement `code`. */
export async function setAgreementRecognition(
  writer: OriginClient,
  importer: PartyCode,
  request: { issuer: string; agreement: string; proofs: ProofKind[]; validFrom?: string; validUntil?: string },
  durable?: (blockNumber: number) => Promise<void>,
): Promise<AgreementRecognitionRecord & { agreement: AgreementRecord }> {
  const agreement = await agreementNamed(writer, request.agreement);
  const now = BigInt(Math.floor(Date.now() / 1000));
  const validFrom = request.validFrom === undefined ? now : BigInt(Math.floor(Date.parse(request.validFrom) / 1000));
  const validUntil = request.validUntil === undefined ? validFrom + TEN_YEARS : BigInt(Math.floor(Date.parse(request.validUntil) / 1000));
  const proofs = proofBits(request.proofs);
  if (proofs !== 0 && validFrom >= validUntil) {
    throw new CertLedgerError("INVALID_VALIDITY_PERIOD", "validFrom must be before validUntil", { details: { field: "validUntil" } });
  }
  const written = await writer.setAgreementRecognition({
    importer,
    issuer: request.issuer as PartyCode,
    agreementId: agreement.id,
    proofs,
    validFrom,
    validUntil,
  });
  await durable?.(written.blockNumber);
  return { ...(await writer.getAgreementRecognition(importer, request.issuer as PartyCode, agreement.id)), agreement };
}
