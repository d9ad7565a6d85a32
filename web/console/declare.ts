/**
 * A registered exporter's or importer's screen: declare the origin of goods on a commercial document under a trade
 * agreement (POST /v1/declarations, with the trader's own token), answered with the declaration's verification link
 * or the server's reason for refusing it (a heading outside the registration, an agreement without its party…).
 */
import { h } from "../shared/dom";
import type { ConsoleContext } from "./context";
import { copyButton } from "./copy-button";
import { busy, failureText, field, messageLine, setMessage } from "./form-ui";
import { goodsLinesEditor } from "./goods-lines";
import { originWord, type OriginWord } from "./origin-words";

/** The declare-origin screen. */
export function declareScreen(ctx: ConsoleContext): HTMLElement {
  const w = (key: OriginWord, values?: Record<string, string>) => originWord(ctx.t.language, key, values);
  const input = (id: string, type = "text", extra: Record<string, string> = {}) =>
    h("input", { id, name: id, type, autocomplete: "off", ...extra });
  const agreement = input("declare-agreement");
  const importing = input("declare-importing", "text", { maxlength: "2" });
  const exporting = input("declare-exporting", "text", { maxlength: "2" });
  const invoiceNumber = input("declare-invoice-number");
  const invoiceDate = input("declare-invoice-date", "date");
  const goods = goodsLinesEditor(w);
  const submit = h("button", { type: "submit", "data-testid": "declare" }, w("declareButton"));
  const message = messageLine("declare-message");
  const link = h("input", { id: "declared-link", type: "text", readonly: true, "data-testid": "declared-link" });
  const open = h("a", { target: "_blank", rel: "noopener", class: "button secondary" }, ctx.t("openLink"));
  const declared = h(
    "div",
    { hidden: true },
    field(w("linkLabel"), link),
    copyButton(ctx, ctx.t("copyLink"), link, "copy-declared-link"),
    h("p", {}, open),
  );
  const form = h(
    "form",
    { novalidate: true, "aria-labelledby": "declare-heading" },
    field(w("agreementLabel"), agreement),
    h("div", { class: "row" }, field(w("importingLabel"), importing), field(w("exportingLabel"), exporting)),
    h("div", { class: "row" }, field(w("invoiceNumberLabel"), invoiceNumber), field(w("invoiceDateLabel"), invoiceDate)),
    h("h3", {}, w("goodsHeading")),
    goods.element,
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
          goods: goods.lines(),
        };
        const answer = await ctx.call<{ certHash: string; links: { verify: string } }>("/v1/declarations", { method: "POST", json });
        setMessage(message, "ok", w("declared", { certHash: answer.certHash }));
        link.value = answer.links.verify;
        // This server's verifier: the public URL may name another host (a proxy), the page is the same.
        const verify = new URL(answer.links.verify);
        open.setAttribute("href", verify.pathname + verify.hash);
        declared.hidden = false;
      } catch (error) {
        declared.hidden = true;
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
    declared,
  );
}
