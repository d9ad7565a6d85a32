/**
 * The certificate's content, decrypted in this browser: a credential's fields, or the document itself (PDF, image,
 * XML) from a blob: URL. Without a key in the link, it says so and shows nothing else.
 */
import { h } from "../shared/dom";
import { credentialOf, type OpenedPayload } from "./payload";
import type { Words } from "./report-words";

/** What the content section shows. */
export type ContentState =
  | { kind: "none" }
  | { kind: "no-key" }
  | { kind: "bad-key" }
  | { kind: "no-payload" }
  | { kind: "decrypting" }
  | { kind: "failed"; reason: "key" | "unavailable"; message: string }
  | { kind: "opened"; certHash: string; payload: OpenedPayload; url: string };

const MAX_FIELDS = 300;

/** The content section for `state` (null when there is nothing to say). */
export function contentSection(t: Words, state: ContentState): HTMLElement | null {
  if (state.kind === "none") return null;
  return h(
    "section",
    { "aria-labelledby": "content-title", "data-testid": "content", "data-content": state.kind },
    h("h3", { id: "content-title" }, t.t("contentTitle")),
    ...body(t, state),
  );
}

function body(t: Words, state: Exclude<ContentState, { kind: "none" }>): (Node | null)[] {
  const note = (text: string, cls = "muted") => h("p", { class: cls }, text);
  switch (state.kind) {
    case "no-key":
      return [note(t.t("contentNoKey"))];
    case "bad-key":
      return [note(t.t("badLinkKey"), "error")];
    case "no-payload":
      return [note(t.t("contentNoPayload"))];
    case "decrypting":
      return [note(t.t("contentDecrypting"))];
    case "failed":
      return [note(state.reason === "key" ? t.t("contentFailed") : t.t("contentUnavailable", { message: state.message }), "error")];
    case "opened": {
      const { payload } = state;
      const trust = payload.matches ? note(t.t("contentDecrypted")) : note(t.t("contentMismatch"), "error");
      return [trust, ...documentView(t, payload, state.url, state.certHash)];
    }
  }
}

function documentView(t: Words, payload: OpenedPayload, url: string, certHash: string): (Node | null)[] {
  const type = payload.contentType.split(";")[0].trim().toLowerCase();
  const extension =
    { "application/pdf": "pdf", "application/xml": "xml", "application/vc+jwt": "jwt" }[type] ?? type.split("/")[1] ?? "bin";
  const filename = `certificate-${certHash.slice(2, 14)}.${extension.replace(/[^a-z0-9]/g, "")}`;
  const links = h(
    "p",
    { class: "no-print" },
    h("a", { href: url, target: "_blank", rel: "noopener" }, t.t("contentOpen")),
    " · ",
    h("a", { href: url, download: filename }, t.t("contentDownload")),
  );
  if (type === "application/vc+jwt") {
    const credential = credentialOf(payload.bytes);
    if (credential) return [credentialTable(t, credential), links];
  }
  if (type === "application/pdf") {
    // The links once, under the document. The PDF is shown on the page only where the browser can (a phone, a headless
    // browser or a PDF viewer turned off cannot): there the <object> was an empty box whose fallback repeated the links.
    if (!navigator.pdfViewerEnabled) return [links];
    return [h("object", { data: url, type: "application/pdf", class: "document-frame", "aria-label": t.t("contentDocument") }), links];
  }
  if (type.startsWith("image/")) return [h("img", { src: url, alt: t.t("contentDocument"), class: "document-image" }), links];
  if (type === "application/xml" || type.startsWith("text/")) {
    return [h("pre", { class: "document-text" }, new TextDecoder().decode(payload.bytes)), links];
  }
  return [links];
}

/** The credential's fields as rows "path: value", nested objects flattened with dots. */
function credentialTable(t: Words, credential: Record<string, unknown>): HTMLElement {
  const rows: [string, string][] = [];
  const walk = (value: unknown, path: string): void => {
    if (rows.length >= MAX_FIELDS) return;
    if (Array.isArray(value)) {
      if (value.every((v) => typeof v !== "object" || v === null)) rows.push([path, value.map(String).join(", ")]);
      else value.forEach((item, i) => walk(item, `${path}[${i}]`));
    } else if (typeof value === "object" && value !== null) {
      for (const [key, inner] of Object.entries(value)) if (key !== "@context") walk(inner, path ? `${path}.${key}` : key);
    } else if (value !== undefined) {
      rows.push([path, String(value)]);
    }
  };
  walk(credential, "");
  return h(
    "table",
    { class: "fields", "data-testid": "credential-fields" },
    h("caption", {}, t.t("contentFields")),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t.t("contentField")), h("th", { scope: "col" }, t.t("contentValue")))),
    h("tbody", {}, ...rows.map(([path, value]) => h("tr", { "data-field": path }, h("th", { scope: "row" }, path), h("td", {}, value)))),
  );
}
