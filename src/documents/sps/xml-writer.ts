/**
 * A small XML writer for documents built in code: elements with attributes in the order given, text escaped, two-space
 * indentation, no timestamps or random ids, so the same input always gives the same bytes.
 */
import { CertLedgerError } from "../../errors";

/** An element to write: its qualified name, attributes, and either text or child elements. */
export interface XmlNode {
  name: string;
  attributes?: [string, string][];
  text?: string;
  children?: XmlNode[];
}

/** An element, leaving out children that are undefined (an optional member the source does not have). */
export function element(name: string, ...children: (XmlNode | undefined)[]): XmlNode {
  return { name, children: children.filter((c): c is XmlNode => c !== undefined) };
}

/** A text element; undefined when `text` is (so optional members disappear), with attributes when given. */
export function textElement(name: string, text: string, attributes?: [string, string][]): XmlNode;
export function textElement(name: string, text: string | undefined, attributes?: [string, string][]): XmlNode | undefined;
export function textElement(name: string, text: string | undefined, attributes?: [string, string][]): XmlNode | undefined {
  return text === undefined ? undefined : { name, text, attributes };
}

/** The document: an XML declaration (UTF-8) and `root`, ending with a newline. */
export function writeXmlDocument(root: XmlNode): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  write(root, 0, lines);
  return `${lines.join("\n")}\n`;
}

function write(node: XmlNode, depth: number, lines: string[]): void {
  const indent = "  ".repeat(depth);
  const attributes = (node.attributes ?? []).map(([name, value]) => ` ${name}="${escape(value, true)}"`).join("");
  const open = `${indent}<${node.name}${attributes}`;
  if (node.text !== undefined) {
    lines.push(`${open}>${escape(node.text, false)}</${node.name}>`);
  } else if (!node.children || node.children.length === 0) {
    lines.push(`${open}/>`);
  } else {
    lines.push(`${open}>`);
    for (const child of node.children) write(child, depth + 1, lines);
    lines.push(`${indent}</${node.name}>`);
  }
}

// Characters XML 1.0 cannot carry at all, not even as a character reference.
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/** Escapes markup characters; CR (and in attributes TAB and LF) as references, so a reader gets them back as they were. */
function escape(value: string, attribute: boolean): string {
  const bad = FORBIDDEN.exec(value);
  if (bad) {
    const code = bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
    throw new CertLedgerError("INVALID_SPS_XML", `a text to write contains U+${code}, which XML 1.0 cannot carry`);
  }
  let out = value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\r/g, "&#13;");
  if (attribute) out = out.replace(/"/g, "&quot;").replace(/\t/g, "&#9;").replace(/\n/g, "&#10;");
  return out;
}
