/** Anchoring a file (PDF, XML, image): POST /v1/certificates as multipart/form-data. */
import { h } from "../shared/dom";
import type { ConsoleContext } from "./context";
import {
  busy,
  clearFieldErrors,
  failureText,
  dateInputValue,
  dateToIso,
  field,
  messageLine,
  problemFields,
  setFieldError,
  setMessage,
} from "./form-ui";
import { CERTIFICATE_TYPES, type ConsoleKey } from "./i18n";
import { recipientPicker } from "./recipients";

/** What POST /v1/certificates answers. */
export interface Accepted {
  certHash: string;
  anchoring: "queued" | "submitted" | "anchored" | "failed";
  numberHash: string;
  links: { self: string; verify: string };
  linkKey?: string;
}

const FIELDS = ["file", "type", "number", "validUntil", "recipients"] as const;

/** The upload form; `onAccepted` gets the API's answer and whether the file was a PDF. */
export function fileForm(ctx: ConsoleContext, certType: number, onAccepted: (accepted: Accepted, isPdf: boolean) => void): HTMLElement {
  const { t } = ctx;
  const file = h("input", {
    type: "file",
    id: "file-file",
    name: "file",
    accept: ".pdf,.xml,image/*,application/pdf,application/xml,text/xml",
    required: true,
  });
  const number = h("input", { type: "text", id: "file-number", name: "number", required: true, autocomplete: "off" });
  const validUntil = h("input", { type: "date", id: "file-validUntil", name: "validUntil", required: true, value: dateInputValue(365) });
  const recipients = recipientPicker(ctx, "file-recipients");
  const submit = h("button", { type: "submit", "data-testid": "anchor-file-submit" }, t("anchorSubmit"));
  const message = messageLine("anchor-file-message");
  const form = h(
    "form",
    { "data-testid": "anchor-file-form", novalidate: true },
    field(t("fileLabel"), file, t("fileHint")),
    h("div", { class: "row" }, field(t("number"), number), field(t("validUntil"), validUntil)),
    recipients.element,
    submit,
    message,
  );

  const check = (): boolean => {
    const errors: [string, ConsoleKey][] = [];
    if (!file.files?.length) errors.push(["file-file", "required"]);
    if (number.value.trim() === "") errors.push(["file-number", "required"]);
    if (validUntil.value === "") errors.push(["file-validUntil", "required"]);
    else if (validUntil.value <= dateInputValue(0)) errors.push(["file-validUntil", "mustBeFuture"]);
    for (const [id, key] of errors) setFieldError(form, id, t(key));
    return errors.length === 0;
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    message.replaceChildren();
    if (!check()) return setMessage(message, "error", t("fixErrors"));
    const chosen = file.files![0];
    const body = new FormData();
    body.append("file", chosen, chosen.name);
    body.append("type", String(certType));
    body.append("number", number.value.trim());
    body.append("validUntil", dateToIso(validUntil.value)!);
    const parties = recipients.selected();
    if (parties.length > 0) body.append("recipients", parties.join(","));
    const isPdf = chosen.type === "application/pdf" || /\.pdf$/i.test(chosen.name);
    void busy(submit, async () => {
      try {
        onAccepted(await ctx.call<Accepted>("/v1/certificates", { form: body }), isPdf);
        form.reset();
        validUntil.value = dateInputValue(365);
      } catch (error) {
        const fields = problemFields(error);
        let placed = false;
        for (const [path, text] of fields) {
          const name = FIELDS.find((f) => path === f || path.startsWith(`${f}.`));
          if (name) placed = setFieldError(form, name === "recipients" ? "file-recipients" : `file-${name}`, text) || placed;
        }
        setMessage(message, "error", placed ? t("fixErrors") : failureText(t, error));
      }
    });
  });
  return form;
}

/** The types the signed-in authority may anchor (all four for a party admin, who cannot anchor anyway). */
export function typesInScope(ctx: ConsoleContext): (typeof CERTIFICATE_TYPES)[number][] {
  const scope = ctx.authority?.scope;
  return CERTIFICATE_TYPES.filter((type) => scope === undefined || scope.includes(type.id));
}
