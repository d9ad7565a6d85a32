/**
 * The credential forms: one per certificate type (fields in credential-fields.ts). The console builds the unsigned
 * W3C credential JSON the API expects and POSTs it; the server signs it with the authority's key. Simple checks run
 * here (required, numbers, country codes, dates); the schema's own refusals come back from the API and are shown
 * next to the field they name.
 */
import { h } from "../shared/dom";
import type { Accepted } from "./anchor-file";
import type { ConsoleContext } from "./context";
import { CREDENTIAL_SPECS, type FieldSpec } from "./credential-fields";
import {
  busy,
  checkbox,
  clearFieldErrors,
  dateInputValue,
  failureText,
  field,
  messageLine,
  problemFields,
  setFieldError,
  setMessage,
} from "./form-ui";
import type { CertificateTypeName, ConsoleKey } from "./i18n";
import { recipientPicker } from "./recipients";

/** The envelope's fields, common to every type. */
const ENVELOPE: FieldSpec[] = [
  { path: "credentialSubject.certificateNumber", label: ["Certificate number", "Номер сертификата"], required: true },
  { path: "validFrom", label: ["Valid from", "Действителен с"], kind: "date", required: true },
  { path: "validUntil", label: ["Valid until", "Действителен до"], kind: "date", required: true },
];

/** The id of the control of member `path`. */
export function controlId(path: string): string {
  return `cf-${path.replace(/[^A-Za-z0-9]/g, "-")}`;
}

/** The form of credential type `typeName`; `onAccepted` gets the API's answer. */
export function credentialForm(ctx: ConsoleContext, typeName: CertificateTypeName, onAccepted: (accepted: Accepted) => void): HTMLElement {
  const { t } = ctx;
  const lang = t.language === "ru" ? 1 : 0;
  const spec = CREDENTIAL_SPECS[typeName];
  const envelope = ENVELOPE.map((f) =>
    f.path === "validFrom" ? { ...f, value: dateInputValue(0) } : f.path === "validUntil" ? { ...f, value: dateInputValue(365) } : f,
  );
  const fields = [...envelope, ...spec.groups.flatMap((g) => g.fields)];
  const recipients = recipientPicker(ctx, "cf-recipients");
  const submit = h("button", { type: "submit", "data-testid": "anchor-credential-submit" }, t("anchorSubmit"));
  const message = messageLine("anchor-credential-message");
  const form = h(
    "form",
    { "data-testid": "credential-form", "data-type": typeName, novalidate: true },
    h(
      "fieldset",
      {},
      h("legend", {}, lang ? "Реквизиты" : "Identification"),
      h("div", { class: "row" }, ...envelope.map((f) => control(f, lang))),
    ),
    ...spec.groups.map((group) =>
      h("fieldset", {}, h("legend", {}, group.legend[lang]), h("div", { class: "row" }, ...group.fields.map((f) => control(f, lang)))),
    ),
    recipients.element,
    submit,
    message,
  );

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    message.replaceChildren();
    const built = buildCredential(ctx, form, fields, spec.fixed);
    if (built.errors.length > 0) {
      for (const [path, key] of built.errors) setFieldError(form, controlId(path), t(key));
      setMessage(message, "error", t("fixErrors"));
      form.querySelector<HTMLElement>("[aria-invalid]")?.focus();
      return;
    }
    const parties = recipients.selected();
    const body = parties.length > 0 ? { credential: built.credential, recipients: parties } : { credential: built.credential };
    void busy(submit, async () => {
      try {
        onAccepted(await ctx.call<Accepted>("/v1/certificates", { json: body }));
      } catch (error) {
        let placed = 0;
        for (const [path, text] of problemFields(error)) {
          // A refusal of a whole member (an object or a list) goes to its first field.
          const target = fields.find((f) => f.path === path) ?? fields.find((f) => f.path.startsWith(`${path}.`));
          if (target && setFieldError(form, controlId(target.path), text)) placed++;
          else if (path === "recipients" || path.startsWith("recipients.")) placed += Number(setFieldError(form, "cf-recipients", text));
        }
        setMessage(message, "error", placed > 0 ? t("fixErrors") : failureText(t, error));
        if (placed > 0) form.querySelector<HTMLElement>("[aria-invalid]")?.focus();
      }
    });
  });
  return form;
}

/** The labelled control of one field. */
function control(spec: FieldSpec, lang: 0 | 1): HTMLElement {
  const id = controlId(spec.path);
  const label = spec.label[lang] + (spec.required ? " *" : "");
  const common = { id, name: spec.path, required: spec.required };
  switch (spec.kind) {
    case "checkbox":
      return h("div", { class: "field" }, checkbox(id, spec.label[lang], spec.value === true, { name: spec.path }), errorLine(id));
    case "select":
      return field(label, h("select", common, ...(spec.options ?? []).map((o) => h("option", { value: o }, o))));
    case "textarea":
      return field(label, h("textarea", { ...common, rows: 3 }));
    case "date":
      return field(label, h("input", { ...common, type: "date", value: typeof spec.value === "string" ? spec.value : undefined }));
    case "number":
      return field(label, h("input", { ...common, type: "text", inputmode: "decimal" }));
    case "country":
      return field(label, h("input", { ...common, type: "text", maxlength: 2, autocapitalize: "characters", class: "short" }));
    default:
      return field(label, h("input", { ...common, type: "text", value: typeof spec.value === "string" ? spec.value : undefined }));
  }
}

function errorLine(id: string): HTMLElement {
  return h("p", { class: "field-error", id: `${id}-error`, hidden: true });
}

/** The credential JSON of the form's values, or the client-side errors (member path, text key). */
function buildCredential(
  ctx: ConsoleContext,
  form: HTMLFormElement,
  fields: FieldSpec[],
  fixed: [string, unknown][],
): { credential: Record<string, unknown>; errors: [string, ConsoleKey][] } {
  const credential: Record<string, unknown> = {};
  const errors: [string, ConsoleKey][] = [];
  for (const [path, value] of fixed) setPath(credential, path, value);
  setPath(credential, "id", `urn:uuid:${uuid()}`);
  const { authority } = ctx;
  if (authority) setPath(credential, "issuer", { id: `did:certledger:${authority.party}:${authority.id}`, name: authority.name });
  for (const spec of fields) {
    const element = form.querySelector<HTMLInputElement>(`#${controlId(spec.path)}`);
    if (!element) continue;
    if (spec.kind === "checkbox") {
      setPath(credential, spec.path, element.checked);
      continue;
    }
    const raw = element.value.trim();
    if (raw === "") {
      if (spec.required) errors.push([spec.path, "required"]);
      continue;
    }
    if (spec.kind === "number") {
      const n = Number(raw.replace(",", "."));
      if (!Number.isFinite(n)) errors.push([spec.path, "mustBeNumber"]);
      else setPath(credential, spec.path, n);
    } else if (spec.kind === "country") {
      const code = raw.toUpperCase();
      if (!/^[A-Z]{2}$/.test(code)) errors.push([spec.path, "mustBeCountry"]);
      else setPath(credential, spec.path, code);
    } else if (spec.path === "validFrom" || spec.path === "validUntil") {
      setPath(credential, spec.path, dateTime(raw));
    } else {
      setPath(credential, spec.path, raw);
    }
  }
  const from = credential.validFrom as string | undefined;
  const until = credential.validUntil as string | undefined;
  if (from && until && Date.parse(until) <= Date.parse(from)) errors.push(["validUntil", "mustBeAfterFrom"]);
  else if (until && Date.parse(until) <= Date.now()) errors.push(["validUntil", "mustBeFuture"]);
  return { credential, errors };
}

/** A date input's day as a VC date-time: now when it is today (a credential valid from midnight would predate its signing), else midnight UTC. */
function dateTime(day: string): string {
  const now = new Date();
  return day === now.toISOString().slice(0, 10) ? now.toISOString().replace(/\.\d{3}Z$/, "Z") : `${day}T00:00:00Z`;
}

/** Sets `value` at a dotted path, making objects (and arrays, for numeric members) on the way. */
function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  let node: Record<string, unknown> | unknown[] = target;
  parts.forEach((part, i) => {
    const key = /^\d+$/.test(part) ? Number(part) : part;
    const slot = node as Record<string | number, unknown>;
    if (i === parts.length - 1) {
      slot[key] = value;
      return;
    }
    if (typeof slot[key] !== "object" || slot[key] === null) slot[key] = /^\d+$/.test(parts[i + 1]) ? [] : {};
    node = slot[key] as Record<string, unknown> | unknown[];
  });
}

/** A random (version 4) UUID; crypto.randomUUID needs a secure context, which a server on a LAN address may not be. */
function uuid(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
