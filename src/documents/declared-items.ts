/**
 * The goods items a file certificate (a PDF, an XML, an image) covers, as its issuer declares them at anchoring: what
 * each is and how much, in a UN/ECE Rec 20 unit. A structured credential states its own goods lines; a file's bytes
 * say nothing a machine can read, so the issuer's declaration travels in its payload's protected header, whose bytes
 * the anchoring commits to (the payload's CID is in the issuer's anchoring), and borders write quantities off them.
 */
import { z } from "zod";
import { quantity, text } from "./credentials/common";

export const declaredItemSchema = z.strictObject({ description: text(1000), quantity });
export const declaredItemsSchema = z.array(declaredItemSchema).min(1).max(255);

/** One goods item as the issuer declared it. */
export type DeclaredItem = z.infer<typeof declaredItemSchema>;
