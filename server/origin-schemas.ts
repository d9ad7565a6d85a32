/** Request and response schemas of the origin routes (agreements, registrations, declarations, recognition per agreement). */
import { z } from "zod";
import { agreementCode, REGISTRATION_NUMBER } from "../src/documents/credentials";
import {
  agreementRecognitionRequestSchema,
  agreementRequestSchema,
  declarationRequestSchema,
  PROOF_KIND_NAMES,
  registrationRequestSchema,
  registrationStatusRequestSchema,
  signedDeclarationRequestSchema,
  TRADER_KINDS,
  type ProofKind,
} from "../src/origin";
import { certificateAccepted, formBoolean, hash, jsonField, partyCode, requestComponents, responseComponents } from "./schemas";

export const agreementRequest = agreementRequestSchema;
requestComponents.add(agreementRequest, { id: "ProposeAgreement" });
export const agreementRecognitionRequest = agreementRecognitionRequestSchema;
requestComponents.add(agreementRecognitionRequest, { id: "SetAgreementRecognition" });
export const registrationRequest = registrationRequestSchema;
requestComponents.add(registrationRequest, { id: "RegisterTrader" });
export const registrationStatusRequest = registrationStatusRequestSchema;
requestComponents.add(registrationStatusRequest, { id: "SetRegistrationStatus" });
export const declarationRequest = declarationRequestSchema;
requestComponents.add(declarationRequest, { id: "DeclareOrigin" });
export const signedDeclarationRequest = signedDeclarationRequestSchema;
requestComponents.add(signedDeclarationRequest, { id: "DeclareOriginSigned" });
/** A declaration made out on a file (a PDF invoice carrying the statement): the declaration as JSON, beside `file`. */
export const declarationForm = z.strictObject({
  declaration: jsonField(declarationRequestSchema).meta({ description: "JSON: the declaration, as the JSON body takes it" }),
  stamp: formBoolean.optional().meta({ description: "false: anchor the PDF as it is, without its QR code stamped on" }),
});
requestComponents.add(declarationForm, { id: "DeclareOriginForm", description: "the form fields besides `file`" });

export const agreementParams = z.object({ code: agreementCode.meta({ description: "the agreement's code, e.g. KG-KZ" }) });
export const registrationParams = z.object({
  number: z
    .string()
    .regex(REGISTRATION_NUMBER, "must be a registration number, e.g. KG-REX-000123")
    .meta({ description: "the registration number" }),
});
export const recognitionQuery = z.object({ importer: partyCode.meta({ description: "the importing party whose recognition is listed" }) });

const proofKind = z.enum(PROOF_KIND_NAMES as [ProofKind, ...ProofKind[]]);
const isoTime = z.iso.datetime();

export const agreementView = z.object({
  id: z.int(),
  code: z.string(),
  name: z.string(),
  parties: z.array(partyCode),
  status: z.enum(["Proposed", "InForce", "Withdrawn"]),
  approvedBy: z.array(partyCode),
});
responseComponents.add(agreementView, { id: "Agreement" });
export const agreementList = z.object({ agreements: z.array(agreementView) });

export const agreementRecognitionView = z.object({
  importer: partyCode,
  issuer: partyCode,
  agreement: z.string(),
  proofs: z.array(proofKind),
  validFrom: isoTime.optional(),
  validUntil: isoTime.optional(),
});
responseComponents.add(agreementRecognitionView, { id: "AgreementRecognition" });
export const agreementRecognitionList = z.object({ recognition: z.array(agreementRecognitionView) });

export const registrationView = z.object({
  registrationNumber: z.string(),
  kind: z.enum(TRADER_KINDS),
  party: partyCode,
  authorityId: z.int().meta({ description: "the origin authority that registered it" }),
  status: z.enum(["Active", "Suspended", "Revoked"]),
  statusChangedAt: isoTime,
  validFrom: isoTime,
  validUntil: isoTime,
  consent: z.boolean().meta({ description: "whether the trader consented to its name, address and headings being public" }),
  name: z.string().optional(),
  address: z.string().optional(),
  headings: z.array(z.string()).optional(),
});
responseComponents.add(registrationView, { id: "Registration" });

export const registrationCreated = z.object({
  registrationId: z.int(),
  registration: registrationView,
  /** Its registrar sees the headings and details whatever the consent. */
  headings: z.array(z.string()),
  token: z
    .string()
    .meta({ description: "a declarant token for the trader (role declarant), to hand over; mint more with `npm run token`" }),
});

export const declarationAccepted = certificateAccepted.extend({
  registrationNumber: z.string(),
  agreement: z.string(),
  jws: z.string().optional().meta({ description: "a credential's declaration as signed with the trader's key (compact JWS, VC-JOSE)" }),
});
responseComponents.add(declarationAccepted, { id: "DeclarationAccepted" });

export const txRecorded = z.object({ txHash: hash.optional(), blockNumber: z.int().optional() });
