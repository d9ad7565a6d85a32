/**
 * A border agency's screen: a certificate presented at its party's border (its hash, and its credential when the
 * payload was not addressed to the party), an outcome for it (POST …/outcomes) and a write-off of an import
 * declaration's quantities (POST …/utilisations), with the certificate's use shown after each.
 */
import type { CertificateUse } from "../../src/outcomes/certificate-use";
import { AGENCY_OUTCOMES, REJECTION_REASONS } from "../../src/outcomes/vocabulary";
import { h, replaceChildren } from "../shared/dom";
import { outcomeText, rejectionReasonText, useSection } from "../shared/use-view";
import type { ConsoleContext } from "./context";
import { busy, failureText, field, messageLine, setMessage } from "./form-ui";

/** What the outcome and write-off routes answer. */
interface Recorded {
  blockNumber?: number;
  alreadyRecorded: boolean;
  use: CertificateUse;
}

/** The border screen. */
export function borderScreen(ctx: ConsoleContext): HTMLElement {
  const { t } = ctx;
  const certHash = h("input", { id: "border-certHash", name: "certHash", type: "text", autocomplete: "off", spellcheck: "false" });
  const credential = h("input", { id: "border-credential", name: "credential", type: "file", accept: ".jwt,.txt,application/vc+jwt" });
  const useSlot = h("div", { "data-testid": "border-use" });
  const message = messageLine("border-message");

  const hash = () => {
    const value = certHash.value.trim().toLowerCase();
    return value.startsWith("0x") ? value : `0x${value}`;
  };
  const presented = async (): Promise<{ credential?: string }> => {
    const file = credential.files?.[0];
    return file ? { credential: (await file.text()).trim() } : {};
  };
  const showUse = (use: CertificateUse) => replaceChildren(useSlot, useSection(t.language, use, (iso) => t.date(iso)) ?? "");
  const answered = (result: Recorded) => {
    setMessage(
      message,
      "ok",
      t(result.alreadyRecorded ? "alreadyRecorded" : "recorded", {
        block: result.blockNumber === undefined ? "—" : String(result.blockNumber),
      }),
    );
    showUse(result.use);
  };
  const send = (button: HTMLButtonElement, what: "outcomes" | "utilisations", body: () => Record<string, unknown>) =>
    void busy(button, async () => {
      try {
        const json = { ...body(), ...(await presented()) };
        answered(await ctx.call<Recorded>(`/v1/certificates/${hash()}/${what}`, { method: "POST", json }));
      } catch (error) {
        setMessage(message, "error", failureText(t, error));
      }
    });

  const show = h("button", { type: "button", class: "secondary", "data-testid": "border-show" }, t("borderShow"));
  show.addEventListener(
    "click",
    () =>
      void busy(show, async () => {
        try {
          showUse((await ctx.call<{ use: CertificateUse }>(`/v1/certificates/${hash()}/use`)).use);
          setMessage(message, "info", "");
        } catch (error) {
          setMessage(message, "error", failureText(t, error));
        }
      }),
  );

  const outcome = h(
    "select",
    { id: "border-outcome", name: "outcome" },
    ...AGENCY_OUTCOMES.map((o) => h("option", { value: o }, outcomeText(t.language, o))),
  );
  const reason = h(
    "select",
    { id: "border-reason", name: "rejectionReason", disabled: true },
    ...REJECTION_REASONS.map((r) => h("option", { value: r.name }, rejectionReasonText(t.language, r.name, r.text))),
  );
  outcome.addEventListener("change", () => (reason.disabled = outcome.value !== "rejected"));
  const remarks = h("textarea", { id: "border-remarks", name: "remarks", rows: 2, maxlength: 2000 });
  const record = h("button", { type: "submit", "data-testid": "record-outcome" }, t("recordOutcome"));
  const outcomeForm = h(
    "form",
    { novalidate: true, "aria-labelledby": "outcome-heading" },
    h("h3", { id: "outcome-heading" }, t("outcomeHeading")),
    h("div", { class: "row" }, field(t("outcomeLabel"), outcome), field(t("rejectionReasonLabel"), reason)),
    field(t("remarksLabel"), remarks),
    record,
  );
  outcomeForm.addEventListener("submit", (event) => {
    event.preventDefault();
    send(record, "outcomes", () => ({
      outcome: outcome.value,
      ...(outcome.value === "rejected" ? { rejectionReason: reason.value } : {}),
      ...(remarks.value.trim() ? { remarks: remarks.value.trim() } : {}),
    }));
  });

  const declaration = h("input", { id: "border-declaration", name: "declaration", type: "text", autocomplete: "off" });
  const item = h("input", { id: "border-item", name: "item", type: "number", min: 1, value: "1" });
  const quantity = h("input", { id: "border-quantity", name: "quantity", type: "text", inputmode: "decimal" });
  const unit = h("input", { id: "border-unit", name: "unit", type: "text", value: "KGM", maxlength: 3 });
  const writeOff = h("button", { type: "submit", "data-testid": "write-off" }, t("writeOff"));
  const writeOffForm = h(
    "form",
    { novalidate: true, "aria-labelledby": "write-off-heading" },
    h("h3", { id: "write-off-heading" }, t("writeOffHeading")),
    field(t("declarationLabel"), declaration),
    h("div", { class: "row" }, field(t("itemLabel"), item), field(t("quantityLabel"), quantity), field(t("unitLabel"), unit)),
    writeOff,
  );
  writeOffForm.addEventListener("submit", (event) => {
    event.preventDefault();
    send(writeOff, "utilisations", () => ({
      declaration: declaration.value.trim(),
      items: [{ item: Number(item.value), quantity: quantity.value.trim(), unit: unit.value.trim().toUpperCase() }],
    }));
  });

  return h(
    "section",
    { "aria-labelledby": "border-heading", "data-testid": "border" },
    h("h2", { id: "border-heading" }, t("borderHeading")),
    h("p", { class: "muted" }, t("borderIntro")),
    h("div", { class: "row" }, field(t("borderCertHash"), certHash), field(t("borderCredential"), credential)),
    show,
    message,
    outcomeForm,
    writeOffForm,
    useSlot,
  );
}
