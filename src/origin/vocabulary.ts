/**
 * The words of origin declarations: the kinds of trader a registration is for, and the kinds of proof of origin a
 * party recognises per agreement (the registry's bit set), with the ledger's certificate type of each.
 */
import { CERTIFICATE_TYPES } from "../documents/certificate-types";
import { CertLedgerError } from "../errors";

/** Who declares under a registration (the contract's TraderKind, from 1). */
export const TRADER_KINDS = ["exporter", "importer"] as const;
export type TraderKindName = (typeof TRADER_KINDS)[number];

/** A registration's lifecycle (the contract's RegistrationStatus). */
export const REGISTRATION_STATUSES = ["None", "Active", "Suspended", "Revoked"] as const;
export type RegistrationStatusName = Exclude<(typeof REGISTRATION_STATUSES)[number], "None">;

/** The proofs of origin a party may recognise under an agreement, as the registry's bits. */
export const PROOF_KINDS = { certificate: 1, exporterDeclaration: 2, importerDeclaration: 4 } as const;
export type ProofKind = keyof typeof PROOF_KINDS;
export const PROOF_KIND_NAMES = Object.keys(PROOF_KINDS) as ProofKind[];

/** The proof of origin a certificate of type `certType` is, or undefined for a type that proves no origin. */
export function proofKindOfType(certType: number): ProofKind | undefined {
  if (certType === CERTIFICATE_TYPES.certificateOfOrigin) return "certificate";
  if (certType === CERTIFICATE_TYPES.exporterDeclaration) return "exporterDeclaration";
  if (certType === CERTIFICATE_TYPES.importerDeclaration) return "importerDeclaration";
  return undefined;
}

/** The ledger type of a trader kind's declarations. */
export function declarationTypeOf(kind: TraderKindName): number {
  return kind === "exporter" ? CERTIFICATE_TYPES.exporterDeclaration : CERTIFICATE_TYPES.importerDeclaration;
}

/** The registry's bit set of `proofs`. */
export function proofBits(proofs: readonly ProofKind[]): number {
  return proofs.reduce((bits, proof) => bits | PROOF_KINDS[proof], 0);
}

/** The proofs in the registry's bit set `bits`. */
export function proofNames(bits: number): ProofKind[] {
  return PROOF_KIND_NAMES.filter((proof) => (bits & PROOF_KINDS[proof]) !== 0);
}

/** An HS heading as the registry keeps it: the first 4 digits of an HS code (or a 4-digit heading) as a number, 0813 → 813. */
export function headingOf(code: string): number {
  if (!/^[0-9]{4}([0-9]{2}){0,3}$/.test(code) || Number(code.slice(0, 4)) < 101) {
    throw new CertLedgerError(
      "INVALID_HEADINGS",
      `${JSON.stringify(code)} is not an HS heading or code (4 to 10 digits, e.g. 0813 or 081310)`,
    );
  }
  return Number(code.slice(0, 4));
}

/** A heading as people write it: 4 digits, 813 → "0813". */
export function headingText(heading: number): string {
  return String(heading).padStart(4, "0");
}
