import { z } from "zod";
import { compactJws, recipientsInput } from "./schemas";

/** POST /v1/sps/export as JSON: the credential JWS to write as SPS XML. */
export const spsExportJson = z.strictObject({ jws: compactJws });

/** POST /v1/sps/import's query: what the XML does not say. */
export const spsImportQuery = z.strictObject({
  validUntil: z.iso
    .datetime({ offset: true })
    .optional()
    .meta({ description: "the credential's end of validity (the XML has none); default 90 days after the certificate's issue date" }),
  recipients: recipientsInput.optional(),
});
