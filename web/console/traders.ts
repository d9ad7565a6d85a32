/**
 * An origin authority's screen: register an exporter or importer of its party (POST /v1/registrations) and hand over
 * the trader's token; below, a registration looked up by its number, suspended, reinstated or revoked.
 */
import { h } from "../shared/dom";
import type { ConsoleContext } from "./context";
import { copyButton } from "./copy-button";
import { busy, dateInputValue, dateToIso, failureText, field, messageLine, setMessage } from "./form-ui";
import { originWord, type OriginWord } from "./origin-words";
import { registrationStatusForm } from "./registration-status";

/** The registered traders screen. */
export function tradersScreen(ctx: ConsoleContext): HTMLElement {
  const w = (key: OriginWord, values?: Record<string, string>) => originWord(ctx.t.language, key, values);
  const kind = h(
    "select",
    { id: "trader-kind", name: "kind" },
    ...(["exporter", "importer"] as const).map((k) => h("option", { value: k }, w(`kind${k}`))),
  );
  const number = h("input", { id: "trader-number", name: "number", type: "text", autocomplete: "off", value: `${ctx.party}-` });
  const name = h("input", { id: "trader-name", name: "name", type: "text" });
  const address = h("input", { id: "trader-address", name: "address", type: "text" });
  const headings = h("input", { id: "trader-headings", name: "headings", type: "text" });
  // A year, as a statement on origin commonly runs; the authority sets what its registration rules say.
  const validUntil = h("input", { id: "trader-valid-until", name: "validUntil", type: "date", value: dateInputValue(365) });
  const consent = h("input", { id: "trader-consent", name: "consent", type: "checkbox" });
  const register = h("button", { type: "submit", "data-testid": "register-trader" }, w("registerButton"));
  const message = messageLine("traders-message");
  const token = h("textarea", { id: "trader-token", readonly: true, rows: 3, class: "mono", "data-testid": "trader-token" });
  // The token is shown once: the server keeps no copy to show again (`npm run token` mints another).
  const handOver = h("div", { hidden: true }, field(w("tokenLabel"), token), copyButton(ctx, w("copyToken"), token, "copy-trader-token"));
  const form = h(
    "form",
    { novalidate: true, "aria-labelledby": "traders-heading" },
    h("div", { class: "row" }, field(w("kindLabel"), kind), field(w("numberLabel"), number)),
    h("div", { class: "row" }, field(w("nameLabel"), name), field(w("addressLabel"), address)),
    h("div", { class: "row" }, field(w("headingsLabel"), headings), field(w("validUntilLabel"), validUntil)),
    h("div", { class: "check" }, consent, h("label", { for: consent.id, class: "inline" }, w("consentLabel"))),
    register,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void busy(register, async () => {
      try {
        const json = {
          kind: kind.value,
          number: number.value.trim(),
          name: name.value.trim(),
          address: address.value.trim(),
          headings: headings.value
            .split(",")
            .map((x) => x.trim())
            .filter(Boolean),
          validUntil: dateToIso(validUntil.value) ?? "",
          consent: consent.checked,
        };
        const answer = await ctx.call<{ registration: { registrationNumber: string }; token: string }>("/v1/registrations", {
          method: "POST",
          json,
        });
        setMessage(message, "ok", w("registered", { number: answer.registration.registrationNumber }));
        token.value = answer.token;
        handOver.hidden = false;
      } catch (error) {
        handOver.hidden = true;
        setMessage(message, "error", failureText(ctx.t, error));
      }
    });
  });

  return h(
    "section",
    { "aria-labelledby": "traders-heading", "data-testid": "traders" },
    h("h2", { id: "traders-heading" }, w("tradersHeading")),
    h("p", { class: "muted" }, w("tradersIntro")),
    form,
    message,
    handOver,
    registrationStatusForm(ctx),
  );
}
