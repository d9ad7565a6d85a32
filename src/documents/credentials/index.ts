/**
 * Structured certificates as W3C Verifiable Credentials 2.0, one zod schema per certificate type:
 *
 * - conformityCertificate: VC type DigitalConformityCredential (UNTP), subject a ConformityAttestation whose
 *   attestationType is certification, declaration, inspection, verification or validation;
 * - testReport: VC type DigitalConformityCredential (UNTP), subject a ConformityAttestation with attestationType
 *   testing and measured values;
 * - certificateOfOrigin: VC type CertificateOfOriginCredential, subject a CertificateOfOrigin;
 * - phytosanitaryCertificate: VC type PhytosanitaryCertificateCredential, subject a PhytosanitaryCertificate;
 * - exporterDeclaration / importerDeclaration: VC type OriginDeclarationCredential, subject an OriginDeclaration whose
 *   declarant is a registered exporter or importer (its issuer DID names the registration, see origin-declaration.ts).
 *
 * Conventions every credential follows, so that a verifier can tie it to the ledger:
 * - `issuer.id` is `did:certledger:<party>:<authorityId>`: the issuing party's ISO 3166-1 alpha-2 code and the
 *   issuing authority's uint32 id on the ledger (e.g. `did:certledger:KG:7`). A verifier compares it with the
 *   authority that anchored the certificate; it is an identifier, not a resolvable DID method — keys come from the chain.
 * - `credentialSubject.certificateNumber` is the number as printed; the ledger indexes
 *   `certificateNumberHash(party, number)` (src/documents/hashing.ts), so customs can look a certificate up by it.
 * - `id` is `urn:uuid:<uuid>`; `validFrom` and `validUntil` are both required, since the ledger records expiry.
 * - Schemas are strict: a member the schema does not know is refused, so nothing unvalidated reaches a reader.
 *
 * Credentials are secured as VC-JOSE (src/documents/vc-jose.ts), which signs the JSON as it is: no JSON-LD
 * processing happens, and the `@context` URLs are never fetched.
 */
import { certificateNumberHash } from "../hashing";
import type { CertificateTypeName } from "../certificate-types";
import { CertLedgerError } from "../../errors";
import {
  CERTIFICATE_OF_ORIGIN_VC_TYPE,
  certificateOfOriginCredential,
  certificateOfOriginSchema,
  type CertificateOfOriginCredential,
  type CertificateOfOriginSubjectInput,
} from "./certificate-of-origin";
import { z } from "zod";
import { credentialStatus, issuer, parseIssuerDid, parseWith, type CredentialEnvelopeInput, type CredentialIssuerRef } from "./common";
import {
  conformityCertificateCredential,
  conformityCertificateSchema,
  type ConformityCertificateCredential,
  type ConformityCertificateSubjectInput,
} from "./conformity-certificate";
import {
  PHYTOSANITARY_CERTIFICATE_VC_TYPE,
  phytosanitaryCertificateCredential,
  phytosanitaryCertificateSchema,
  type PhytosanitaryCertificateCredential,
  type PhytosanitaryCertificateSubjectInput,
} from "./phytosanitary-certificate";
import {
  ORIGIN_DECLARATION_VC_TYPE,
  originDeclarationCredential,
  originDeclarationSchema,
  type OriginDeclarationCredential,
  type OriginDeclarationSubjectInput,
} from "./origin-declaration";
import { testReportCredential, testReportSchema, type TestReportCredential, type TestReportSubjectInput } from "./test-report";

export {
  issuerDid,
  parseIssuerDid,
  REGISTRATION_NUMBER,
  STATUS_PURPOSES,
  VC_CONTEXT,
  type CredentialEnvelopeInput,
  type CredentialIssuerRef,
} from "./common";
export { UNTP_DCC_CONTEXT } from "./untp";
export * from "./conformity-certificate";
export * from "./test-report";
export * from "./certificate-of-origin";
export * from "./phytosanitary-certificate";
export * from "./origin-declaration";

/** Each certificate type's credential. */
export interface CredentialTypes {
  conformityCertificate: ConformityCertificateCredential;
  testReport: TestReportCredential;
  certificateOfOrigin: CertificateOfOriginCredential;
  phytosanitaryCertificate: PhytosanitaryCertificateCredential;
  exporterDeclaration: OriginDeclarationCredential;
  importerDeclaration: OriginDeclarationCredential;
}

/** Each certificate type's subject as the builder takes it. */
export interface CredentialSubjectInputs {
  conformityCertificate: ConformityCertificateSubjectInput;
  testReport: TestReportSubjectInput;
  certificateOfOrigin: CertificateOfOriginSubjectInput;
  phytosanitaryCertificate: PhytosanitaryCertificateSubjectInput;
  exporterDeclaration: OriginDeclarationSubjectInput;
  importerDeclaration: OriginDeclarationSubjectInput;
}

/** A validated credential of any certificate type. */
export type Credential = CredentialTypes[CertificateTypeName];

/** What buildCredential takes for certificate type `T`. */
export type CredentialInputOf<T extends CertificateTypeName> = CredentialEnvelopeInput & {
  certificateType: T;
  subject: CredentialSubjectInputs[T];
};

/** What buildCredential takes: a union discriminated by `certificateType`. */
export type CredentialInput = { [T in CertificateTypeName]: CredentialInputOf<T> }[CertificateTypeName];

/** The schema of each certificate type's credential, e.g. for the server's OpenAPI document. */
export const CREDENTIAL_SCHEMAS = {
  conformityCertificate: conformityCertificateSchema,
  testReport: testReportSchema,
  certificateOfOrigin: certificateOfOriginSchema,
  phytosanitaryCertificate: phytosanitaryCertificateSchema,
  exporterDeclaration: originDeclarationSchema,
  importerDeclaration: originDeclarationSchema,
} as const;

const DCC_VC_TYPE = "DigitalConformityCredential";
const VC_TYPES: Record<string, CertificateTypeName | "dcc" | "declaration"> = {
  [DCC_VC_TYPE]: "dcc",
  [ORIGIN_DECLARATION_VC_TYPE]: "declaration",
  [CERTIFICATE_OF_ORIGIN_VC_TYPE]: "certificateOfOrigin",
  [PHYTOSANITARY_CERTIFICATE_VC_TYPE]: "phytosanitaryCertificate",
};

/** Builds and validates the credential of `input.certificateType`; a bad member throws INVALID_CREDENTIAL naming it. */
export function buildCredential<T extends CertificateTypeName>(input: CredentialInputOf<T>): CredentialTypes[T];
export function buildCredential(input: CredentialInput): Credential {
  switch (input.certificateType) {
    case "conformityCertificate":
      return parseWith(conformityCertificateSchema, conformityCertificateCredential(input));
    case "testReport":
      return parseWith(testReportSchema, testReportCredential(input));
    case "certificateOfOrigin":
      return parseWith(certificateOfOriginSchema, certificateOfOriginCredential(input));
    case "phytosanitaryCertificate":
      return parseWith(phytosanitaryCertificateSchema, phytosanitaryCertificateCredential(input));
    case "exporterDeclaration":
    case "importerDeclaration": {
      const vc = parseWith(originDeclarationSchema, originDeclarationCredential(input));
      const kind = input.certificateType === "exporterDeclaration" ? "exporter" : "importer";
      if (vc.credentialSubject.declarant.kind !== kind) {
        throw new CertLedgerError("INVALID_CREDENTIAL", `invalid credential: credentialSubject.declarant.kind: must be ${kind}`);
      }
      return vc;
    }
    default:
      throw new CertLedgerError(
        "INVALID_CERTIFICATE_TYPE",
        `unknown certificate type ${JSON.stringify((input as { certificateType: unknown }).certificateType)}`,
      );
  }
}

/** Validates parsed JSON as a CertLedger credential of any type; INVALID_CREDENTIAL names the failing member's path. */
export function validateCredential(json: unknown): Credential {
  if (typeof json === "object" && json !== null && validated.has(json)) return json as Credential;
  const certificateType = detectCertificateType(json);
  const vc = parseWith<Credential>(CREDENTIAL_SCHEMAS[certificateType], json);
  validated.add(vc);
  return vc;
}

/**
 * Credentials this module validated (or made from validated ones), which validating again would only confirm: the
 * objects it returns are its own copies, which no code changes afterwards (a credential is built, given its issuer and
 * signed, never edited). A server signing a credential it accepted validated it twice: ~35 µs and ~19 kB of garbage.
 */
const validated = new WeakSet<object>();

/**
 * `vc` (validated) as the server that signs it issues it: under `issuer` (its authority's did:web, carrying the ledger
 * identifier) and with `credentialStatus` (its status list entries). Only these two members are validated, the rest is
 * `vc`'s; the result is a credential {@link validateCredential} returns as it is. INVALID_CREDENTIAL when either is not
 * valid, or `vc` was not validated here.
 */
export function withServerIssuer(vc: Credential, given: { issuer: Credential["issuer"]; credentialStatus: unknown }): Credential {
  // A declaration's issuer is its trader (another schema): it is checked whole, as is a credential not validated here.
  if (!validated.has(vc) || CREDENTIAL_SCHEMAS[detectCertificateType(vc)] === originDeclarationSchema) {
    return validateCredential({ ...vc, ...given });
  }
  const members = parseWith(serverIssuedMembers, given);
  const credential = { ...vc, issuer: members.issuer, credentialStatus: members.credentialStatus } as Credential;
  validated.add(credential);
  return credential;
}

const serverIssuedMembers = z.strictObject({ issuer, credentialStatus });

/** The certificate type of a validated credential. */
export function credentialCertificateType(vc: Credential): CertificateTypeName {
  return detectCertificateType(vc);
}

/** The certificate number of a credential, as printed. */
export function credentialNumber(vc: Credential): string {
  return vc.credentialSubject.certificateNumber;
}

/**
 * The issuing party and authority id a credential claims: from its `did:certledger` issuer id, or for a did:web issuer
 * from the ledger identifier it carries in `alsoKnownAs` (the schema checked both name the same authority).
 */
export function credentialIssuer(vc: Credential): CredentialIssuerRef {
  const issuer: { id: string; alsoKnownAs?: [string] } = vc.issuer;
  const ref = parseIssuerDid(issuer.alsoKnownAs?.[0] ?? issuer.id);
  if (ref === undefined) {
    throw new CertLedgerError(
      "INVALID_CREDENTIAL",
      `invalid credential: issuer.id: ${JSON.stringify(vc.issuer.id)} is not did:certledger:<party>:<authorityId>`,
    );
  }
  return ref;
}

/** The ledger's numberHash of a credential: certificateNumberHash of its issuing party and its number. */
export function credentialNumberHash(vc: Credential): string {
  return certificateNumberHash(credentialIssuer(vc).party, credentialNumber(vc));
}

/** Which schema `json` claims to follow, from its VC `type` (and, for a DCC, its attestation type). */
function detectCertificateType(json: unknown): CertificateTypeName {
  const types: unknown = isRecord(json) ? json.type : undefined;
  const known = Array.isArray(types) ? types.filter((t): t is string => typeof t === "string" && Object.hasOwn(VC_TYPES, t)) : [];
  if (known.length !== 1) {
    const expected = Object.keys(VC_TYPES).join(", ");
    throw new CertLedgerError("INVALID_CREDENTIAL", `invalid credential: type: must be ["VerifiableCredential", one of ${expected}]`);
  }
  const kind = VC_TYPES[known[0]];
  const subject: unknown = isRecord(json) ? json.credentialSubject : undefined;
  if (kind === "declaration") {
    // An importer's declaration is its own type on the ledger; anything else is checked as an exporter's.
    const declarant = isRecord(subject) ? subject.declarant : undefined;
    return isRecord(declarant) && declarant.kind === "importer" ? "importerDeclaration" : "exporterDeclaration";
  }
  if (kind !== "dcc") return kind;
  // A DCC is a test report when it attests testing; anything else is checked against the certificate schema.
  return isRecord(subject) && subject.attestationType === "testing" ? "testReport" : "conformityCertificate";
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The certificates a credential rests on, as certHashes (0x hex, each once): the `evidence` links of its assessments
 * (conformity certificates and test reports; other types link nothing).
 */
export function credentialEvidence(vc: Credential): string[] {
  const subject = vc.credentialSubject as { assessment?: { evidence?: { hashDigest: string }[] }[] };
  const hashes = (subject.assessment ?? []).flatMap((a) => (a.evidence ?? []).map((e) => `0x${e.hashDigest}`));
  return [...new Set(hashes)];
}
