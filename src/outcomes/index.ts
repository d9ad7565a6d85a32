/**
 * The importing side: border agencies' outcomes (acknowledged, accepted, accepted with remarks, rejected) and the
 * utilisation of certificates' goods items, recorded on the outcomes contract beside the ledger.
 */
export {
  BorderDesk,
  declarationHashOf,
  type BorderDeskDependencies,
  type PresentedDocument,
  type Presentation,
  type Recorded,
} from "./border-desk";
export { itemsOfCredential, itemsOfDeclaration, type CertificateItem } from "./certificate-items";
export { anchoringOf, certificateUseSchema, describeUse, useFromEvents, type CertificateUse } from "./certificate-use";
export { CertificateUseReader, feedEventSchema, type FeedEvent } from "./use-reader";
export { OutcomesClient, type AgencyRecord, type Anchoring, type ItemState, type OutcomesEvent } from "./outcomes-client";
export { fromThousandths, toThousandths, unitFromBytes4, unitToBytes4 } from "./quantities";
export {
  AGENCY_OUTCOMES,
  OUTCOMES,
  REJECTION_REASONS,
  outcomeCode,
  outcomeName,
  rejectionReason,
  type AgencyOutcomeName,
  type OutcomeName,
  type RejectionReason,
} from "./vocabulary";
