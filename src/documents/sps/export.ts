/**
 * Writes a phytosanitary certificate credential as a UN/CEFACT SPS Certificate (SPSCertificate:17 with RAM/UDT 21, the
 * ePhyto Hub's version: see schema-version.ts), in the element order of the schema. docs/sps-xml.md has the mapping
 * table; what the XML cannot hold (a party's URI `id`, the credential's validity end and its issuer DID) is left out.
 */
import type { PhytosanitaryCertificateCredential } from "../credentials/phytosanitary-certificate";
import { CERTIFYING_STATEMENT, MODE_CODES, NOTE, TREATMENT, TREATMENT_TYPE_CODE, VOLUME_UNITS, WEIGHT_UNITS, packageCodeOf } from "./codes";
import { ISSUED_STATUS_CODE, PHYTOSANITARY_TYPE_CODE, RAM_NS, RSM_NS, UDT_NS } from "./schema-version";
import { element, textElement, writeXmlDocument, type XmlNode } from "./xml-writer";

type Subject = PhytosanitaryCertificateCredential["credentialSubject"];
type Commodity = Subject["commodities"][number];
type TradeParty = Subject["consignor"];

/** The document name written when the credential has none. */
export const DEFAULT_DOCUMENT_NAME = "Phytosanitary Certificate";

/** The SPSCertificate XML of a phytosanitary certificate credential (deterministic: the same credential, the same bytes). */
export function credentialToSpsXml(vc: PhytosanitaryCertificateCredential): string {
  const s = vc.credentialSubject;
  const root: XmlNode = {
    name: "rsm:SPSCertificate",
    attributes: [
      ["xmlns:rsm", RSM_NS],
      ["xmlns:ram", RAM_NS],
      ["xmlns:udt", UDT_NS],
    ],
    children: [exchangedDocument(vc), consignment(s)],
  };
  return writeXmlDocument(root);
}

function exchangedDocument(vc: PhytosanitaryCertificateCredential): XmlNode {
  const s = vc.credentialSubject;
  return element(
    "rsm:SPSExchangedDocument",
    textElement("ram:Name", vc.name ?? DEFAULT_DOCUMENT_NAME),
    textElement("ram:ID", s.certificateNumber),
    textElement("ram:Description", vc.description),
    textElement("ram:TypeCode", PHYTOSANITARY_TYPE_CODE),
    textElement("ram:StatusCode", ISSUED_STATUS_CODE),
    dateTime("ram:IssueDateTime", vc.validFrom),
    element("ram:IssuerSPSParty", textElement("ram:Name", s.exportingNppo.name)),
    s.importingNppo.name === undefined ? undefined : element("ram:RecipientSPSParty", textElement("ram:Name", s.importingNppo.name)),
    note("ram:IncludedSPSNote", NOTE.additionalDeclaration, s.additionalDeclaration),
    note("ram:IncludedSPSNote", NOTE.inspectionDate, s.inspectionDate),
    note("ram:IncludedSPSNote", NOTE.distinguishingMarks, s.distinguishingMarks),
    element(
      "ram:SignatorySPSAuthentication",
      dateTime("ram:ActualDateTime", vc.validFrom),
      s.placeOfIssue === undefined ? undefined : element("ram:IssueSPSLocation", textElement("ram:Name", s.placeOfIssue)),
      s.authorizedOfficer === undefined
        ? undefined
        : element("ram:ProviderSPSParty", element("ram:SpecifiedSPSPerson", textElement("ram:Name", s.authorizedOfficer))),
      element("ram:IncludedSPSClause", textElement("ram:ID", "1"), textElement("ram:Content", CERTIFYING_STATEMENT)),
    ),
  );
}

function consignment(s: Subject): XmlNode {
  const conveyance = s.declaredMeansOfConveyance;
  return element(
    "rsm:SPSConsignment",
    party("ram:ConsignorSPSParty", s.consignor),
    party("ram:ConsigneeSPSParty", s.consignee),
    element("ram:ExportSPSCountry", textElement("ram:ID", s.exportingNppo.countryCode)),
    element("ram:ImportSPSCountry", textElement("ram:ID", s.importingNppo.countryCode)),
    s.pointOfEntry === undefined ? undefined : element("ram:UnloadingBaseportSPSLocation", textElement("ram:Name", s.pointOfEntry)),
    element(
      "ram:MainCarriageSPSTransportMovement",
      textElement("ram:ID", conveyance.identifier),
      textElement("ram:ModeCode", MODE_CODES[conveyance.mode]),
    ),
    element("ram:IncludedSPSConsignmentItem", ...s.commodities.map((c, i) => tradeLineItem(c, i + 1, s.treatment))),
  );
}

function party(name: string, p: TradeParty): XmlNode {
  const scheme: [string, string][] = [];
  if (p.idScheme?.name !== undefined) scheme.push(["schemeName", p.idScheme.name]);
  if (p.idScheme?.id !== undefined) scheme.push(["schemeURI", p.idScheme.id]);
  return element(
    name,
    textElement("ram:ID", p.registeredId, scheme),
    textElement("ram:Name", p.name),
    element("ram:SpecifiedSPSAddress", textElement("ram:LineOne", p.address), textElement("ram:CountryID", p.countryCode)),
  );
}

function tradeLineItem(c: Commodity, sequence: number, treatment: Subject["treatment"]): XmlNode {
  const { value, unit } = c.quantity;
  const measure = WEIGHT_UNITS.has(unit) ? "ram:NetWeightMeasure" : VOLUME_UNITS.has(unit) ? "ram:NetVolumeMeasure" : undefined;
  return element(
    "ram:IncludedSPSTradeLineItem",
    textElement("ram:SequenceNumeric", String(sequence)),
    textElement("ram:Description", c.description),
    textElement("ram:CommonName", c.commonName),
    textElement("ram:ScientificName", c.botanicalName),
    textElement("ram:IntendedUse", c.intendedUse),
    measure === undefined ? undefined : textElement(measure, decimal(value), [["unitCode", unit]]),
    // A count or any other unit has no measure element: the ePhyto Hub's "other quantity" notes carry it.
    measure === undefined ? note("ram:AdditionalInformationSPSNote", NOTE.otherQuantityValue, decimal(value)) : undefined,
    measure === undefined ? note("ram:AdditionalInformationSPSNote", NOTE.otherQuantityUnit, unit) : undefined,
    c.hsCode === undefined
      ? undefined
      : element("ram:ApplicableSPSClassification", textElement("ram:SystemName", "HS"), textElement("ram:ClassCode", c.hsCode)),
    c.packages === undefined
      ? undefined
      : element(
          "ram:PhysicalSPSPackage",
          textElement("ram:LevelCode", "1"),
          textElement("ram:TypeCode", packageCodeOf(c.packages.kind), [["name", c.packages.kind]]),
          textElement("ram:ItemQuantity", String(c.packages.count)),
        ),
    element(
      "ram:OriginSPSCountry",
      textElement("ram:ID", c.placeOfOrigin.countryCode),
      c.placeOfOrigin.region === undefined
        ? undefined
        : element("ram:SubordinateSPSCountrySubDivision", textElement("ram:Name", c.placeOfOrigin.region)),
    ),
    treatment === undefined ? undefined : appliedProcess(treatment),
  );
}

/** The treatment, on every line item: ePhyto records treatments per commodity, the credential once for the consignment. */
function appliedProcess(t: NonNullable<Subject["treatment"]>): XmlNode {
  const characteristic = (code: string, text: string | undefined) =>
    text === undefined
      ? undefined
      : element("ram:ApplicableSPSProcessCharacteristic", textElement("ram:Description", code), textElement("ram:Description", text));
  return element(
    "ram:AppliedSPSProcess",
    textElement("ram:TypeCode", TREATMENT_TYPE_CODE),
    characteristic(TREATMENT.type, t.type),
    characteristic(TREATMENT.chemical, t.chemical),
    characteristic(TREATMENT.concentration, t.concentration),
    characteristic(TREATMENT.durationAndTemperature, t.durationAndTemperature),
    characteristic(TREATMENT.additionalInformation, t.additionalInformation),
    t.date === undefined
      ? undefined
      : element("ram:CompletionSPSPeriod", dateTime("ram:StartDateTime", t.date), dateTime("ram:EndDateTime", t.date)),
  );
}

function note(name: string, subject: string, content: string | undefined): XmlNode | undefined {
  return content === undefined ? undefined : element(name, textElement("ram:Subject", subject), textElement("ram:Content", content));
}

function dateTime(name: string, value: string): XmlNode {
  return element(name, textElement("udt:DateTimeString", value));
}

/** A number in plain decimal notation (never 1e-7 or 1e+21, which xsd:decimal does not allow). */
export function decimal(value: number): string {
  const plain = String(value);
  if (!/e/i.test(plain)) return plain;
  return value.toFixed(20).replace(/\.?0+$/, "");
}
