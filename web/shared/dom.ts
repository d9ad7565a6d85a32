/** A few DOM helpers, so the pages build their elements without a framework (and never through innerHTML with data). */

type Child = Node | string | null | undefined | false;
type Attributes = Record<string, string | number | boolean | EventListener | undefined>;

/** Creates `<tag>` with attributes (`on…` keys become listeners; `false`/undefined are left out) and children (text is escaped). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") element.addEventListener(name.slice(2).toLowerCase(), value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, ...children);
  return element;
}

/** Appends children (text is escaped), skipping empty ones. */
export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }
}

/** Replaces every child of `parent`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** The element with `id`, which the page's HTML shell must have. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`the page has no #${id}`);
  return element as T;
}

/** Offers `bytes` as a download named `filename`. */
export function download(bytes: Uint8Array | string, filename: string, contentType: string): void {
  const blob = new Blob([typeof bytes === "string" ? bytes : new Uint8Array(bytes)], { type: contentType });
  const url = URL.createObjectURL(blob);
  const link = h("a", { href: url, download: filename });
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Replaces the options of `select`, keeping the person's choice when it is still offered (lists are re-read after writes). */
export function replaceOptions(select: HTMLSelectElement, options: { value: string; label: string }[]): void {
  const chosen = select.value;
  replaceChildren(select, ...options.map((o) => h("option", { value: o.value }, o.label)));
  if (options.some((o) => o.value === chosen)) select.value = chosen;
}
