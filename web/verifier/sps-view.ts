/**
 * What an ePhyto (UN/CEFACT SPS certificate XML) file says, on the verifier page: the page hashes a file in the
 * browser and never sends it, so the server never sees its fields; they are read here with the browser's DOMParser
 * (no DTD: a file with a DOCTYPE is not read) and shown beside the ledger's answer — the same fields, by the same
 * rules (src/documents/sps/fields-of-element.ts), as `certledger verify file.xml` prints.
 */
import { spsFieldsOfElement, type SpsDocument } from "../../src/documents/sps/fields-of-element";
import type { XmlElement } from "../../src/documents/sps/xml-reader";
import { h } from "../shared/dom";
import type { Words } from "./report-words";

export type { SpsDocument };

const MAX_BYTES = 8 * 1024 * 1024;
const MAX_DEPTH = 32;

/** The key fields of `bytes` when they are an SPS certificate, else undefined (never throws). */
export function spsFieldsInBrowser(bytes: Uint8Array): SpsDocument | undefined {
  if (bytes.length > MAX_BYTES) return undefined;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes).replace(/^\uFEFF/, "");
  } catch {
    return undefined;
  }
  if (!text.trimStart().startsWith("<") || /<!DOCTYPE|<!ENTITY/i.test(text)) return undefined;
  const parsed = new DOMParser().parseFromString(text, "application/xml");
  if (parsed.getElementsByTagName("parsererror").length > 0) return undefined;
  const root = elementOf(parsed.documentElement, 1);
  return root && spsFieldsOfElement(root);
}

function elementOf(element: Element, depth: number): XmlElement | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const children: XmlElement[] = [];
  let text = "";
  for (const node of Array.from(element.childNodes)) {
    if (node.nodeType === Node.ELEMENT_NODE) {
      const child = elementOf(node as Element, depth + 1);
      if (child === undefined) return undefined;
      children.push(child);
    } else if (node.nodeType === Node.TEXT_NODE || node.nodeType === Node.CDATA_SECTION_NODE) {
      text += node.nodeValue ?? "";
    }
  }
  const attributes: Record<string, string> = {};
  for (const attribute of Array.from(element.attributes))
    if (attribute.namespaceURI === null) attributes[attribute.localName] = attribute.value;
  return { namespace: element.namespaceURI ?? undefined, localName: element.localName, attributes, children, text };
}

/** The section showing an SPS certificate's key fields, or nothing. */
export function spsSection(t: Words, document: SpsDocument | undefined): HTMLElement | null {
  if (!document) return null;
  const f = document.fields;
  const rows: [string, string][] = [];
  const add = (label: Parameters<Words["t"]>[0], value: string | undefined) => {
    if (value !== undefined) rows.push([t.t(label), value]);
  };
  add("spsNumber", f.certificateNumber);
  add("spsRoute", f.exportingCountry || f.importingCountry ? `${f.exportingCountry ?? "?"} → ${f.importingCountry ?? "?"}` : undefined);
  add("spsIssuer", f.issuer);
  add("spsIssued", f.issuedAt);
  add("spsConsignor", f.consignor);
  add("spsConsignee", f.consignee);
  add("spsPointOfEntry", f.pointOfEntry);
  add("spsAdditionalDeclaration", f.additionalDeclaration);
  const commodity = (c: SpsDocument["fields"]["commodities"][number]) =>
    [
      c.botanicalName,
      c.commonName && `(${c.commonName})`,
      c.quantity && `${c.quantity.value} ${c.quantity.unit}`,
      c.packages && `${c.packages.count} ${c.packages.kind}`,
      c.origin && t.t("spsOrigin", { country: c.origin }),
    ]
      .filter(Boolean)
      .join(", ");
  return h(
    "section",
    { class: "sps", "data-testid": "sps-fields", "aria-labelledby": "sps-title" },
    h("h3", { id: "sps-title" }, t.t("spsTitle")),
    h("p", { class: "muted" }, t.t("spsIntro")),
    h("dl", { class: "facts" }, ...rows.flatMap(([label, value]) => [h("dt", {}, label), h("dd", {}, value)])),
    f.commodities.length > 0 ? h("h4", {}, t.t("spsCommodities")) : null,
    f.commodities.length > 0 ? h("ol", {}, ...f.commodities.map((c) => h("li", {}, commodity(c)))) : null,
  );
}
