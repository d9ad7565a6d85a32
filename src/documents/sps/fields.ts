/**
 * The key fields of an SPS certificate file, for a verification report: what a customs officer compares with the
 * paper and the goods. Read leniently (first occurrence of each element, whatever else the file holds), since any
 * ePhyto may be anchored as a file; never throws: a file that is not a readable SPSCertificate has no fields.
 */
import { z } from "zod";
import type { XmlElement } from "./xml-reader";
import { readXml } from "./xml-reader";
import { NOTE } from "./codes";
import { RAM_NS, RSM_NS, SPS_FORMAT, SPS_VERSION, UDT_NS } from "./schema-version";

/** Files larger than this are not read for fields (an ePhyto with attached scans can be a few MiB). */
const MAX_FIELDS_BYTES = 8 * 1024 * 1024;
/** At most this many commodities are listed. */
const MAX_COMMODITIES = 100;
/** Texts are cut to this length: a report is for reading, not for carrying documents. */
const MAX_TEXT = 300;

const text = z.string();
const quantity = z.object({ value: z.string(), unit: z.string() });

/** An SPS certificate's key fields as a verification report carries them. */
export const spsDocumentSchema = z.object({
  format: z.literal(SPS_FORMAT),
  version: z.string(),
  fields: z.object({
    certificateNumber: text.optional(),
    typeCode: text.optional(),
    issuedAt: text.optional(),
    issuer: text.optional(),
    exportingCountry: text.optional(),
    importingCountry: text.optional(),
    consignor: text.optional(),
    consignee: text.optional(),
    pointOfEntry: text.optional(),
    additionalDeclaration: text.optional(),
    commodities: z.array(
      z.object({
        botanicalName: text.optional(),
        commonName: text.optional(),
        description: text.optional(),
        quantity: quantity.optional(),
        packages: z.object({ count: z.string(), kind: z.string() }).optional(),
        origin: text.optional(),
      }),
    ),
    /** How many commodities the file lists, when more than are shown. */
    commodityCount: z.number().int().optional(),
  }),
});
export type SpsDocument = z.infer<typeof spsDocumentSchema>;

/** The key fields of `bytes` when they are an SPSCertificate (the ePhyto Hub's version), else undefined. */
export function spsDocumentFields(bytes: Uint8Array): SpsDocument | undefined {
  let root: XmlElement;
  try {
    root = readXml(bytes, MAX_FIELDS_BYTES);
  } catch {
    return undefined;
  }
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

function commodityOf(line: XmlElement): SpsDocument["fields"]["commodities"][number] {
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
