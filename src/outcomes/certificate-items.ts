/**
 * The goods items a certificate covers, with the quantity of each: the lines a border writes quantities off. For a
 * structured credential they are its own lines (a certificate of origin's `goods`, a phytosanitary certificate's
 * `commodities`), read from the credential the issuer signed; for a file certificate, the items its issuer declared
 * at anchoring (in its payload's protected header, which the anchoring's CID commits to); others have none, and only
 * outcomes apply.
 */
import type { Credential } from "../documents/credentials";
import type { DeclaredItem } from "../documents/declared-items";
import { toThousandths } from "./quantities";

/** One goods item: its number as users see it (from 1), what it is, and its total in thousandths of `unit`. */
export interface CertificateItem {
  item: number;
  description: string;
  total: bigint;
  unit: string;
}

/** The items of `credential`, or an empty list when its type states no quantities. */
export function itemsOfCredential(credential: Credential): CertificateItem[] {
  const subject = credential.credentialSubject as {
    goods?: { description: string; quantity: { value: number; unit: string } }[];
    commodities?: { description: string; quantity: { value: number; unit: string } }[];
  };
  const lines = subject.goods ?? subject.commodities ?? [];
  return lines.map((line, i) => ({
    item: i + 1,
    description: line.description,
    total: toThousandths(line.quantity.value, `item ${i + 1} of the certificate`),
    unit: line.quantity.unit,
  }));
}

/** The items a file certificate's issuer declared at anchoring (see src/documents/declared-items.ts). */
export function itemsOfDeclaration(items: readonly DeclaredItem[]): CertificateItem[] {
  return items.map((line, i) => ({
    item: i + 1,
    description: line.description,
    total: toThousandths(line.quantity.value, `item ${i + 1} of the certificate`),
    unit: line.quantity.unit,
  }));
}
