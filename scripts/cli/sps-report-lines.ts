import type { VerificationReport } from "../../src/verify";

/** The key fields of an SPS certificate file, for `certledger verify`'s report: what to compare with the goods. */
export function spsDocumentLines(document: NonNullable<VerificationReport["document"]>): string[] {
  const f = document.fields;
  const route = [f.exportingCountry ?? "?", f.importingCountry ?? "?"].join(" → ");
  const lines = [
    `document: ${document.format} certificate ${f.certificateNumber ?? "(no number)"}, ${route}${f.issuedAt ? `, issued ${f.issuedAt}` : ""}`,
  ];
  if (f.issuer) lines.push(`  issuer ${f.issuer}`);
  lines.push(
    `  consignor ${f.consignor ?? "(none)"}; consignee ${f.consignee ?? "(none)"}${f.pointOfEntry ? `; point of entry ${f.pointOfEntry}` : ""}`,
  );
  f.commodities.forEach((c, i) => {
    const name = [c.botanicalName ?? c.description ?? "(unnamed)", c.commonName && `(${c.commonName})`].filter(Boolean).join(" ");
    const amounts = [
      c.quantity && `${c.quantity.value} ${c.quantity.unit}`,
      c.packages && `${c.packages.count} ${c.packages.kind}`,
      c.origin && `origin ${c.origin}`,
    ];
    lines.push(`  ${i + 1}. ${name}${amounts.some(Boolean) ? `: ${amounts.filter(Boolean).join(", ")}` : ""}`);
  });
  if (f.commodityCount !== undefined) lines.push(`  … ${f.commodityCount - f.commodities.length} more commodities`);
  if (f.additionalDeclaration) lines.push(`  additional declaration: ${f.additionalDeclaration}`);
  return lines;
}
