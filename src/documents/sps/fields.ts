/**
 * The key fields of an SPS certificate file, for a verification report: what a customs officer compares with the
 * paper and the goods. Read leniently (first occurrence of each element, whatever else the file holds), since any
 * ePhyto may be anchored as a file; never throws: a file that is not a readable SPSCertificate has no fields.
 */
import { z } from "zod";
import { spsFieldsOfElement, type SpsDocument } from "./fields-of-element";
import { readXml, type XmlElement } from "./xml-reader";
import { SPS_FORMAT } from "./schema-version";

/** Files larger than this are not read for fields (an ePhyto with attached scans can be a few MiB). */
const MAX_FIELDS_BYTES = 8 * 1024 * 1024;

const text = z.string();
const quantity = z.object({ value: z.string(), unit: z.string() });

/** An SPS certificate's key fields as a verification report carries them. */
export const spsDocumentSchema: z.ZodType<SpsDocument> = z.object({
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
export type { SpsDocument } from "./fields-of-element";

/** The key fields of `bytes` when they are an SPSCertificate (the ePhyto Hub's version), else undefined. */
export function spsDocumentFields(bytes: Uint8Array): SpsDocument | undefined {
  let root: XmlElement;
  try {
    root = readXml(bytes, MAX_FIELDS_BYTES);
  } catch {
    return undefined;
  }
  return spsFieldsOfElement(root);
}
