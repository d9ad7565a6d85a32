/**
 * Reads untrusted XML safely into a namespace-resolved tree: UTF-8 only, a size limit checked before parsing, no DTD
 * (a DOCTYPE, and so any entity declaration, is refused outright: no XXE, no billion laughs), only the five predefined
 * entities and character references, and a depth limit. fast-xml-parser does the tokenising; namespaces, entities and
 * the checks are done here, because it leaves them to the caller.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { CertLedgerError } from "../../errors";

/** An element as read: its namespace URI and local name, its attributes (unprefixed ones by name), text and children. */
export interface XmlElement {
  namespace: string | undefined;
  localName: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own character data (CDATA included), entities decoded, not trimmed. */
  text: string;
}

/** The most nested elements a document may have; an SPS certificate needs fewer than 10. */
const MAX_DEPTH = 32;

/** Parses `input` (at most `maxBytes` bytes); INVALID_SPS_XML saying why when it is not safe, well-formed XML. */
export function readXml(input: string | Uint8Array, maxBytes: number): XmlElement {
  const size = typeof input === "string" ? Buffer.byteLength(input, "utf8") : input.byteLength;
  if (size > maxBytes) throw invalid(`the document is ${size} bytes, more than the limit of ${maxBytes}`);
  const text = (typeof input === "string" ? input : decodeUtf8(input)).replace(/^\uFEFF/, "");
  const declared = /^<\?xml[^>]*\bencoding\s*=\s*["']([^"']+)["']/.exec(text)?.[1];
  if (declared !== undefined && !/^utf-?8$/i.test(declared))
    throw invalid(`the document declares encoding ${declared}; only UTF-8 is read`);
  // Refused before any parser sees it: a DTD is where external entities and entity expansion bombs live.
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text))
    throw invalid("the document has a DOCTYPE; DTDs and entity declarations are refused");
  const validation = XMLValidator.validate(text);
  if (validation !== true) {
    throw invalid(`not well-formed XML: line ${validation.err.line}, column ${validation.err.col}: ${validation.err.msg}`);
  }
  let parsed: unknown;
  try {
    parsed = new XMLParser({
      preserveOrder: true,
      ignoreAttributes: false,
      attributeNamePrefix: "",
      parseTagValue: false,
      parseAttributeValue: false,
      trimValues: false,
      processEntities: false,
      htmlEntities: false,
      cdataPropName: "#cdata",
      ignorePiTags: true,
    }).parse(text);
  } catch (error) {
    throw invalid("the document could not be parsed", error);
  }
  const roots = (parsed as OrderedNode[]).filter((node) => elementName(node) !== undefined);
  if (roots.length !== 1) throw invalid(`the document has ${roots.length} root elements`);
  return toElement(roots[0], new Map([["xml", "http://www.w3.org/XML/1998/namespace"]]), 1);
}

/** fast-xml-parser's ordered form: `{ tag: children, ":@": attributes }`, `{ "#text": … }`, `{ "#cdata": [{ "#text": … }] }`. */
type OrderedNode = Record<string, unknown>;

function elementName(node: OrderedNode): string | undefined {
  return Object.keys(node).find((key) => key !== ":@" && key !== "#text" && key !== "#cdata" && !key.startsWith("?"));
}

function toElement(node: OrderedNode, scope: Map<string, string | undefined>, depth: number): XmlElement {
  if (depth > MAX_DEPTH) throw invalid(`the document nests elements more than ${MAX_DEPTH} deep`);
  const qualified = elementName(node)!;
  const rawAttributes = (node[":@"] ?? {}) as Record<string, string>;
  const inner = new Map(scope);
  const attributes: Record<string, string> = {};
  for (const [name, raw] of Object.entries(rawAttributes)) {
    const value = decodeEntities(raw);
    if (name === "xmlns") inner.set("", value === "" ? undefined : value);
    else if (name.startsWith("xmlns:")) inner.set(name.slice(6), value);
    else attributes[name] = value;
  }
  const colon = qualified.indexOf(":");
  const prefix = colon === -1 ? "" : qualified.slice(0, colon);
  if (prefix !== "" && !inner.has(prefix)) throw invalid(`element ${qualified} uses the undeclared namespace prefix ${prefix}`);
  const children: XmlElement[] = [];
  let text = "";
  for (const child of (node[qualified] ?? []) as OrderedNode[]) {
    if ("#text" in child) text += decodeEntities(String(child["#text"]));
    else if ("#cdata" in child) text += ((child["#cdata"] ?? []) as OrderedNode[]).map((c) => String(c["#text"] ?? "")).join("");
    else if (elementName(child) !== undefined) children.push(toElement(child, inner, depth + 1));
  }
  return { namespace: inner.get(prefix), localName: colon === -1 ? qualified : qualified.slice(colon + 1), attributes, children, text };
}

const PREDEFINED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** Decodes the predefined entities and character references in one pass; any other reference is refused. */
function decodeEntities(value: string): string {
  return value.replace(/&([^;&\s]*);?/g, (whole, name: string) => {
    if (!whole.endsWith(";")) throw invalid("a bare & in the text; write &amp;");
    if (Object.hasOwn(PREDEFINED, name)) return PREDEFINED[name];
    const code = /^#x[0-9a-fA-F]{1,6}$/.test(name) ? parseInt(name.slice(2), 16) : /^#[0-9]{1,7}$/.test(name) ? Number(name.slice(1)) : NaN;
    if (Number.isNaN(code)) throw invalid(`the entity &${name}; is not one of XML's predefined entities (no DTD is read)`);
    if (code > 0x10ffff || code === 0) throw invalid(`the character reference &${name}; names no character`);
    return String.fromCodePoint(code);
  });
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (error) {
    throw invalid("the document is not UTF-8", error);
  }
}

function invalid(message: string, cause?: unknown): CertLedgerError {
  return new CertLedgerError("INVALID_SPS_XML", `invalid SPS XML: ${message}`, { cause });
}
