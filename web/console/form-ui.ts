/**
 * Form building blocks: a labelled control with its hint and error line (tied to it by aria-describedby), a message
 * line, busy buttons, and the API's refusals turned into per-field messages.
 */
import { ApiError } from "../shared/api";
import { h, replaceChildren } from "../shared/dom";
import type { ConsoleTranslator } from "./i18n";

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/** `control` (whose id must be set) with its label, an optional hint, and an empty error line below it. */
export function field(label: string, control: Control, hint?: string): HTMLElement {
  const id = control.id;
  const described = [hint ? `${id}-hint` : "", `${id}-error`].filter(Boolean).join(" ");
  control.setAttribute("aria-describedby", described);
  return h(
    "div",
    { class: "field", "data-field": control.name || id },
    h("label", { for: id }, label),
    hint ? h("p", { class: "muted hint", id: `${id}-hint` }, hint) : null,
    control,
    h("p", { class: "field-error", id: `${id}-error`, hidden: true }),
  );
}

/** A checkbox with its label after it. */
export function checkbox(id: string, label: string, checked: boolean, attributes: Record<string, string> = {}): HTMLElement {
  return h(
    "div",
    { class: "check" },
    h("input", { type: "checkbox", id, checked, ...attributes }),
    h("label", { for: id, class: "inline" }, label),
  );
}

/** Shows `message` under the control with id `id` (or clears it), marking the control invalid for screen readers. */
export function setFieldError(root: ParentNode, id: string, message: string | undefined): boolean {
  const control = root.querySelector<HTMLElement>(`#${CSS.escape(id)}`);
  const line = root.querySelector<HTMLElement>(`#${CSS.escape(id)}-error`);
  if (!control || !line) return false;
  line.textContent = message ?? "";
  line.hidden = message === undefined;
  if (message === undefined) control.removeAttribute("aria-invalid");
  else control.setAttribute("aria-invalid", "true");
  return true;
}

/** Clears every field error under `root`. */
export function clearFieldErrors(root: ParentNode): void {
  for (const line of root.querySelectorAll<HTMLElement>(".field-error")) {
    line.textContent = "";
    line.hidden = true;
  }
  for (const control of root.querySelectorAll("[aria-invalid]")) control.removeAttribute("aria-invalid");
}

/** A line for a form's outcome: polite for progress, an alert for errors. */
export function messageLine(testId: string): HTMLElement {
  return h("p", { class: "message", "data-testid": testId, role: "status", "aria-live": "polite" });
}

/** Writes `text` into a message line as an error, a success or plain news. */
export function setMessage(line: HTMLElement, kind: "error" | "ok" | "info", text: string): void {
  line.className = `message ${kind === "error" ? "error" : kind === "ok" ? "ok" : "muted"}`;
  line.setAttribute("role", kind === "error" ? "alert" : "status");
  line.dataset.kind = kind;
  replaceChildren(line, text);
}

/** What a failed call means to a person. */
export function failureText(t: ConsoleTranslator, error: unknown): string {
  if (error instanceof ApiError) return t("failed", { detail: error.message });
  return t("failed", { detail: error instanceof Error ? error.message : String(error) });
}

/** Runs `action` with `button` disabled and marked busy, so a double click cannot send twice. */
export async function busy<T>(button: HTMLButtonElement, action: () => Promise<T>): Promise<T> {
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    return await action();
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}

/**
 * The fields an API refusal names, as paths relative to what the form sent (`number`, `credentialSubject.goods.0.hsCode`)
 * with their messages: from the problem's `details.issues`, or from an INVALID_CREDENTIAL detail that lists
 * `path: message` pairs.
 */
export function problemFields(error: unknown): Map<string, string> {
  const fields = new Map<string, string>();
  if (!(error instanceof ApiError)) return fields;
  const issues = error.details?.issues;
  if (Array.isArray(issues)) {
    for (const issue of issues as { field?: unknown; message?: unknown }[]) {
      if (typeof issue.field === "string" && typeof issue.message === "string") add(fields, issue.field, issue.message);
    }
  }
  if (fields.size === 0 && error.code === "INVALID_CREDENTIAL") {
    const list = error.message.replace(/^invalid credential:\s*/, "").replace(/\s*\(and \d+ more\)$/, "");
    for (const part of list.split("; ")) {
      const match = /^([\w@.[\]-]+): (.+)$/.exec(part);
      if (match) add(fields, match[1], match[2]);
    }
  }
  return fields;
}

function add(fields: Map<string, string>, path: string, message: string): void {
  const relative = path.replace(/^(?:body|query|path)\./, "").replace(/^credential\./, "");
  if (!fields.has(relative)) fields.set(relative, message);
}

/** A date input's value (YYYY-MM-DD) as an ISO date-time at midnight UTC, or undefined when empty. */
export function dateToIso(value: string): string | undefined {
  return value === "" ? undefined : `${value}T00:00:00Z`;
}

/** Today plus `days`, as a date input's value. */
export function dateInputValue(daysFromNow: number): string {
  return new Date(Date.now() + daysFromNow * 86_400_000).toISOString().slice(0, 10);
}

/** A hash shortened for a table cell (the full value stays in its title). */
export function shortHash(hash: string): string {
  return `${hash.slice(0, 10)}…${hash.slice(-6)}`;
}
