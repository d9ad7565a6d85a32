/**
 * The key fields of an SPS certificate read from its element tree, whoever parsed it: the server (src/documents/sps/
 * xml-reader.ts) or the verifier page (the browser's DOMParser, web/verifier/sps-view.ts), so that both show the same.
 * Lenient: the first occurrence of each element, texts cut to a readable length; undefined when the root is not an
 * SPSCertificate of the version read here.
 */
import { NOTE } from "./codes";
import { RAM_NS, RSM_NS, SPS_FORMAT, SPS_VERSION, UDT_NS } from "./schema-version";
import type { XmlElement } from "./xml-reader";

/** At most this many commodities are listed. */
const MAX_COMMODITIES = 100;
/** Texts are cut to this length: a report is for reading, not for carrying documents. */
const MAX_TEXT = 300;

/** A commodity line's key fields. */
export interface SpsCommodity {
  botanicalName?: string;
  commonName?: string;
  description?: string;
  quantity?: { value: string; unit: string };
  packages?: { count: string; kind: string };
  origin?: string;
}

/** An SPS certificate's key fields as a verification report carries them. */
export interface SpsDocument {
  format: typeof SPS_FORMAT;
  version: string;
  fields: {
    certificateNumber?: string;
    typeCode?: string;
    issuedAt?: string;
    issuer?: string;
    exportingCountry?: string;
    importingCountry?: string;
    consignor?: string;
    consignee?: string;
    pointOfEntry?: string;
    additionalDeclaration?: string;
    commodities: SpsCommodity[];
    /** How many commodities the file lists, when more than are shown. */
    commodityCount?: number;
  };
}

/** The key fields of the document whose root element is `root`, or undefined when it is not an SPSCertificate. */
export function spsFieldsOfElement(root: XmlElement): SpsDocument | undefined {
  if (root.localName !== "SPSCertificate" || root.namespace !== RSM_NS) return undefined;
  const doc = child(root, "SPSExchangedDocument", RSM_NS);
  const consignment = child(root, "SPSConsignment", RSM_NS);
  const lines = children(consignment, "IncludedSPSConsignmentItem").flatMap((item) => children(item, "IncludedSPSTradeLineItem"));
  const additionalDeclaration = children(doc, "IncludedSPSNote").find((n) => leaf(n, "Subject") === NOTE.additionalDeclaration);
  const unloading = child(consignment, "UnloadingBaseportSPSLocation");
  const fields: SpsDocument["fields"] = {
    certificateNumber: leaf(doc, "ID"),
    typeCode: leaf(doc, "TypeCode"),
    issuedAt: leaf(child(doc, "IssueDateTime"), "DateTimeString", UDT_NS),
    issuer: leaf(child(doc, "IssuerSPSParty"), "Name"),
    exportingCountry: leaf(child(consignment, "ExportSPSCountry"), "ID"),
    importingCountry: leaf(child(consignment, "ImportSPSCountry"), "ID"),
    consignor: leaf(child(consignment, "ConsignorSPSParty"), "Name"),
    consignee: leaf(child(consignment, "ConsigneeSPSParty"), "Name"),
    pointOfEntry: leaf(unloading, "Name") ?? leaf(unloading, "ID"),
    additionalDeclaration: leaf(additionalDeclaration, "Content"),
    commodities: lines.slice(0, MAX_COMMODITIES).map(commodityOf),
  };
  if (lines.length > MAX_COMMODITIES) fields.commodityCount = lines.length;
  return { format: SPS_FORMAT, version: SPS_VERSION, fields: withoutUndefined(fields) };
}

function commodityOf(line: XmlElement): SpsCommodity {
  const measure = child(line, "NetWeightMeasure") ?? child(line, "NetVolumeMeasure") ?? child(line, "GrossWeightMeasure");
  const notes = children(line, "AdditionalInformationSPSNote");
  const note = (subject: string) =>
    leaf(
      notes.find((n) => leaf(n, "Subject") === subject),
      "Content",
    );
  const otherValue = note(NOTE.otherQuantityValue);
  const pkg = child(line, "PhysicalSPSPackage");
  const packageType = child(pkg, "TypeCode");
  const packageCount = leaf(pkg, "ItemQuantity");
  const value = measure ? cut(measure.text) : otherValue;
  const unit = measure ? measure.attributes.unitCode : note(NOTE.otherQuantityUnit);
  return withoutUndefined({
    botanicalName: leaf(line, "ScientificName"),
    commonName: leaf(line, "CommonName"),
    description: leaf(line, "Description"),
    quantity: value !== undefined ? { value, unit: cut(unit ?? "") ?? "" } : undefined,
    packages:
      packageCount !== undefined
        ? { count: packageCount, kind: cut(packageType?.attributes.name ?? packageType?.text ?? "") ?? "" }
        : undefined,
    origin: leaf(child(line, "OriginSPSCountry"), "ID"),
  });
}

function children(parent: XmlElement | undefined, localName: string, namespace = RAM_NS): XmlElement[] {
  return parent?.children.filter((c) => c.localName === localName && c.namespace === namespace) ?? [];
}

function child(parent: XmlElement | undefined, localName: string, namespace = RAM_NS): XmlElement | undefined {
  return children(parent, localName, namespace)[0];
}

/** The first non-blank text of a `localName` child, trimmed and cut to MAX_TEXT. */
function leaf(parent: XmlElement | undefined, localName: string, namespace = RAM_NS): string | undefined {
  for (const c of children(parent, localName, namespace)) {
    const value = cut(c.text);
    if (value !== undefined) return value;
  }
  return undefined;
}

function cut(value: string): string | undefined {
  const trimmed = value.replace(/\s+/g, " ").trim();
  if (trimmed === "") return undefined;
  return trimmed.length > MAX_TEXT ? `${trimmed.slice(0, MAX_TEXT - 1)}…` : trimmed;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
