import { spsDocumentFields, type SpsDocument } from "../documents/sps";
import type { DecryptedDocument } from "./checks";
import type { GivenDocument } from "./input";

/**
 * The key fields of the verified document when it is a UN/CEFACT SPS certificate (an ePhyto XML anchored as a file):
 * from the file given, else from the payload a key opened. Undefined for any other document, and for XML that cannot
 * be read: a malformed file shows no fields and changes nothing else in the report.
 */
export function spsFieldsOf(given: GivenDocument | undefined, opened: DecryptedDocument | undefined): SpsDocument | undefined {
  if (given?.kind === "file" && given.mediaType === "application/xml") return spsDocumentFields(given.bytes);
  if (opened && /^(application|text)\/xml\b/i.test(opened.contentType)) return spsDocumentFields(opened.bytes);
  return undefined;
}
