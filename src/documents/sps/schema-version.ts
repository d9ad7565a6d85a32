/**
 * The version of the UN/CEFACT SPS Certificate this folder reads and writes: the one the IPPC ePhyto Hub exchanges,
 * root `SPSCertificate` of `urn:un:unece:uncefact:data:standard:SPSCertificate:17` (schema SPSCertificate_17p0.xsd)
 * whose content is in the Reusable Aggregate Business Information Entity and Unqualified Data Type namespaces of
 * release 21 (UN/CEFACT D16B library). Other versions (e.g. SPSCertificate:8) are refused, not guessed at.
 */

/** The root element's namespace (prefix `rsm`). */
export const RSM_NS = "urn:un:unece:uncefact:data:standard:SPSCertificate:17";
/** The namespace of every element inside the two top-level ones (prefix `ram`). */
export const RAM_NS = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:21";
/** The namespace of `DateTimeString` (prefix `udt`). */
export const UDT_NS = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:21";

/** How reports and docs name the format. */
export const SPS_FORMAT = "UN/CEFACT SPS";
/** How reports and docs name the version. */
export const SPS_VERSION = "SPSCertificate:17 (RAM/UDT 21, IPPC ePhyto Hub)";

/** UN/EDIFACT 1001 document name code of a phytosanitary certificate (657 is a re-export one, which CertLedger does not hold). */
export const PHYTOSANITARY_TYPE_CODE = "851";
/** The ePhyto Hub's certificate status of an issued certificate (others: withdrawn, replaced…). */
export const ISSUED_STATUS_CODE = "70";
