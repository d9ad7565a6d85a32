/**
 * Origin declarations (the WCO's models 4 and 5): trade agreements, exporters and importers registered by their
 * party's origin authority, their declarations, and recognition per agreement, kept in the origin registry beside the
 * ledger (contracts/origin/OriginRegistry.sol).
 */
export {
  OriginClient,
  type AgreementRecognitionRecord,
  type AgreementRecord,
  type DeclarationRecord,
  type RegistrationInput,
  type RegistrationRecord,
  type TraderKeyRecord,
} from "./origin-client";
export { originInfo, originInfoSchema, publicDetailsOf, readOriginFacts, type OriginFacts, type OriginInfo } from "./origin-facts";
export { recognitionOf, type RecognitionAnswer, type RecognitionQuestion } from "./recognition-rules";
export * from "./vocabulary";
export { agreementNamed, approveAgreement, proposeAgreement, setAgreementRecognition, withdrawAgreement } from "./agreement-desk";
export { DeclarationDesk, type DeclarationMade } from "./declaration-desk";
export {
  agreementRecognitionRequestSchema,
  agreementRequestSchema,
  declarationRequestSchema,
  registrationRequestSchema,
  registrationStatusRequestSchema,
  signedDeclarationRequestSchema,
  type DeclarationRequest,
  type RegistrationRequest,
} from "./requests";
export {
  TraderRegistrar,
  publicRegistration,
  type DeclarantKeys,
  type OriginDeskDependencies,
  type PublicRegistration,
} from "./trader-registrar";
