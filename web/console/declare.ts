/**
 * A registered exporter's or importer's screen: declare the origin of goods on a commercial document under a trade
 * agreement (POST /v1/declarations, with the trader's own token), answered with the declaration's verification link
 * or the server's reason for refusing it (a heading outside the registration, an agreement without its party…).
 */
import { h } from "../shared/dom";
import type { ConsoleContext } from "./context";
import { busy, failureText, field, messageLine, setMessage } from "./form-ui";
import { originWord, type OriginWord } from "./origin-words";

/** The declare-origin screen (one goods line here; the API and `certledger declare` take many). */
export function declareScreen(ctx: ConsoleContext): HTMLElement {
  const w = (key: OriginWord, values?: Record<string, string>) => originWord(ctx.t.language, key, values);
  const input = (id: string, type = "text", extra: Record<string, string> = {}) =>
    h("input", { id, name: id, type, autocomplete: "off", ...extra });
  const agreement = input("declare-agreement");
  const importing = input("declare-importing", "text", { maxlength: "2" });
  const exporting = input("declare-exporting", "text", { maxlength: "2" });
  const invoiceNumber = input("declare-invoice-number");
  const invoiceDate = input("declare-invoice-date", "date");
  const description = input("declare-description");
  const hsCode = input("declare-hs-code", "text", { inputmode: "numeric" });
  const criterion = input("declare-criterion", "text", { value: "WO" });
  const quantity = input("declare-quantity", "text", { inputmode: "decimal" });
  const unit = input("declare-unit", "text", { value: "KGM", maxlength: "3" });
  const submit = h("button", { type: "submit", "data-testid": "declare" }, w("declareButton"));
  const message = messageLine("declare-message");
  const link = h("a", { "data-testid": "declared-link", hidden: true });
  const form = h(
    "form",
    { novalidate: true, "aria-labelledby": "declare-heading" },
    field(w("agreementLabel"), agreement),
    h("div", { class: "row" }, field(w("importingLabel"), importing), field(w("exportingLabel"), exporting)),
    h("div", { class: "row" }, field(w("invoiceNumberLabel"), invoiceNumber), field(w("invoiceDateLabel"), invoiceDate)),
    field(w("descriptionLabel"), description),
    h("div", { class: "row" }, field(w("hsCodeLabel"), hsCode), field(w("criterionLabel"), criterion)),
    h("div", { class: "row" }, field(w("quantityLabel"), quantity), field(w("unitLabel"), unit)),
    submit,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void busy(submit, async () => {
      const upper = (control: HTMLInputElement) => control.value.trim().toUpperCase() || undefined;
      try {
        const json = {
          tradeAgreement: agreement.value.trim(),
          importingCountry: upper(importing),
          exportingCountry: upper(exporting),
          invoice: { number: invoiceNumber.value.trim(), date: invoiceDate.value },
          goods: [
            {
              itemNumber: 1,
              description: description.value.trim(),
              hsCode: hsCode.value.trim(),
              originCriterion: criterion.value.trim(),
              quantity: { value: Number(quantity.value.trim().replace(",", ".")), unit: unit.value.trim().toUpperCase() },
            },
          ],
        };
        const answer = await ctx.call<{ certHash: string; links: { verify: string } }>("/v1/declarations", { method: "POST", json });
        setMessage(message, "ok", w("declared", { certHash: answer.certHash }));
        link.setAttribute("href", answer.links.verify);
        link.textContent = answer.links.verify;
        link.hidden = false;
      } catch (error) {
        link.hidden = true;
        setMessage(message, "error", failureText(ctx.t, error));
      }
    });
  });
  return h(
    "section",
    { "aria-labelledby": "declare-heading", "data-testid": "declare-screen" },
    h("h2", { id: "declare-heading" }, w("declareHeading")),
    h("p", { class: "muted" }, w("declareIntro")),
    form,
    message,
    h("p", {}, link),
  );
}
