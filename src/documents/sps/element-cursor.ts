/**
 * Strict reading of an SPS certificate for import: every element and attribute read is marked, and `finish()` refuses
 * whatever was not, naming it, so that nothing the credential cannot hold is dropped without the issuer knowing.
 * Paths name elements as the error messages show them, e.g.
 * `SPSConsignment/IncludedSPSConsignmentItem[1]/IncludedSPSTradeLineItem[2]/ScientificName`.
 *
 * An empty element (no text, no attributes, nothing but empty elements inside) counts as absent: ePhyto systems write many of them
 * (`<ram:Name/>`), and they carry nothing to drop.
 */
import { CertLedgerError } from "../../errors";
import { RAM_NS } from "./schema-version";
import type { XmlElement } from "./xml-reader";

/** Attributes that say only which language a text is in; read along with the text. */
const LANGUAGE_ATTRIBUTE = "languageID";

/** One element being read, with its path and what of it has been read. */
export class ElementCursor {
  readonly #read = new Set<XmlElement>();
  readonly #readAttributes = new Set<string>();

  constructor(
    readonly element: XmlElement,
    readonly path: string,
  ) {}

  /** The one child `localName` (in `namespace`, RAM by default), or undefined; refused when it occurs more than once. */
  one(localName: string, namespace = RAM_NS): ElementCursor | undefined {
    const found = this.all(localName, namespace);
    if (found.length > 1) {
      throw spsError(
        `${this.#childPath(localName)} occurs ${found.length} times; a phytosanitary credential holds one`,
        this.#childPath(localName),
      );
    }
    return found[0] && new ElementCursor(found[0].element, this.#childPath(localName));
  }

  /** The child `localName`, refused as missing when absent. */
  required(localName: string, namespace = RAM_NS): ElementCursor {
    const found = this.one(localName, namespace);
    if (!found) throw spsError(`${this.#childPath(localName)} is required`, this.#childPath(localName));
    return found;
  }

  /** Every non-empty child `localName`, with 1-based indexes in their paths, marked read. */
  all(localName: string, namespace = RAM_NS): ElementCursor[] {
    const matching = this.element.children.filter((c) => c.localName === localName && c.namespace === namespace);
    matching.forEach((c) => this.#read.add(c));
    return matching
      .map((c, i) => ({ c, i }))
      .filter(({ c }) => !isEmpty(c))
      .map(({ c, i }) => new ElementCursor(c, `${join(this.path, localName)}[${i + 1}]`));
  }

  /**
   * The trimmed text of child `localName` (a RAM leaf), or undefined when absent or blank. Its attributes may only be
   * languageID and those `allowed` (read by the caller from the cursor, or not at all): any other is refused.
   */
  text(localName: string, allowed: string[] = []): string | undefined {
    return this.one(localName)?.ownText(allowed);
  }

  /** The trimmed text of child `localName`, refused as missing when absent or blank. */
  requiredText(localName: string, allowed: string[] = []): { value: string; path: string } {
    const child = this.one(localName);
    const value = child?.ownText(allowed);
    if (!child || value === undefined) throw spsError(`${this.#childPath(localName)} is required`, this.#childPath(localName));
    return { value, path: child.path };
  }

  /** This element's own trimmed text (it must have no child elements, nor attributes but languageID and `allowed`). */
  ownText(allowed: string[] = []): string | undefined {
    for (const name of [LANGUAGE_ATTRIBUTE, ...allowed]) this.attribute(name);
    if (this.element.children.length > 0) {
      const child = this.element.children[0];
      const where = join(this.path, child.localName);
      throw spsError(`${where} is not expected inside a text element`, where);
    }
    this.#refuseUnreadAttributes();
    const value = this.element.text.trim();
    return value === "" ? undefined : value;
  }

  /** An attribute's value, marked read. */
  attribute(name: string): string | undefined {
    this.#readAttributes.add(name);
    return this.element.attributes[name];
  }

  /** Refuses anything not read: the first child element (or attribute) the credential cannot hold, named. */
  finish(): void {
    const counts = new Map<string, number>();
    for (const child of this.element.children) counts.set(child.localName, (counts.get(child.localName) ?? 0) + 1);
    const seen = new Map<string, number>();
    for (const child of this.element.children) {
      const index = (seen.get(child.localName) ?? 0) + 1;
      seen.set(child.localName, index);
      if (this.#read.has(child) || isEmpty(child)) continue;
      const path = `${join(this.path, child.localName)}${(counts.get(child.localName) ?? 0) > 1 ? `[${index}]` : ""}`;
      const foreign = child.namespace === RAM_NS ? "" : ` (namespace ${child.namespace ?? "none"})`;
      throw spsError(`${path}${foreign} cannot be represented in a CertLedger phytosanitary credential`, path);
    }
    this.#refuseUnreadAttributes();
  }

  #refuseUnreadAttributes(): void {
    for (const name of Object.keys(this.element.attributes)) {
      if (this.#readAttributes.has(name) || isIgnorableAttribute(name)) continue;
      const where = join(this.path, `@${name}`);
      throw spsError(`${where} cannot be represented in a CertLedger phytosanitary credential`, where);
    }
  }

  #childPath(localName: string): string {
    return join(this.path, localName);
  }
}

/** A child's path: the root's children are named alone (`SPSConsignment/…`), as the schema's readers know them. */
function join(path: string, name: string): string {
  return path === "" ? name : `${path}/${name}`;
}

/** Schema location hints say nothing about the certificate. */
function isIgnorableAttribute(name: string): boolean {
  return name.startsWith("xsi:") || name.startsWith("xml:");
}

/** Whether an element carries nothing: no text, no attributes, and only such elements inside. */
function isEmpty(element: XmlElement): boolean {
  return element.text.trim() === "" && Object.keys(element.attributes).length === 0 && element.children.every(isEmpty);
}

/** INVALID_SPS_XML naming `element` (also in `details.element`, for a client to point at). */
export function spsError(message: string, element?: string): CertLedgerError {
  return new CertLedgerError(
    "INVALID_SPS_XML",
    `invalid SPS XML: ${message}`,
    element === undefined ? undefined : { details: { element } },
  );
}
