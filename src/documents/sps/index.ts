/**
 * UN/CEFACT SPS Certificate XML (SPSCertificate:17 with RAM/UDT 21, as the IPPC ePhyto Hub exchanges it) for
 * phytosanitary certificates: a credential written as XML, an XML certificate read as a credential's input (strictly:
 * whatever the credential cannot hold is refused by name), and the key fields of any SPS certificate file, read
 * leniently for a verification report. docs/sps-xml.md has the mapping.
 */
export { credentialToSpsXml, DEFAULT_DOCUMENT_NAME } from "./export";
export { spsXmlToCredentialInput, MAX_SPS_XML_BYTES, DEFAULT_VALIDITY_DAYS, type SpsImportOptions } from "./import";
export { spsDocumentFields, spsDocumentSchema, type SpsDocument } from "./fields";
export { phytosanitaryCredentialOf } from "./phytosanitary-credential";
export { RSM_NS, RAM_NS, UDT_NS, SPS_FORMAT, SPS_VERSION } from "./schema-version";
