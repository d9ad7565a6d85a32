/**
 * An origin authority's screen: register an exporter or importer of its party (POST /v1/registrations) and hand over
 * the trader's token; suspend, reinstate or revoke a registration by its number (PUT /v1/registrations/{number}/status).
 */
import { h } from "../shared/dom";
import type { ConsoleContext } from "./context";
import { busy, failureText, field, messageLine, setMessage } from "./form-ui";
import { originWord, type OriginWord } from "./origin-words";

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
  const validUntil = h("input", { id: "trader-valid-until", name: "validUntil", type: "date" });
  const consent = h("input", { id: "trader-consent", name: "consent", type: "checkbox" });
  const register = h("button", { type: "submit", "data-testid": "register-trader" }, w("registerButton"));
  const message = messageLine("traders-message");
  const token = h("textarea", { id: "trader-token", readonly: true, rows: 3, "data-testid": "trader-token", hidden: true });
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
          validUntil: validUntil.value ? `${validUntil.value}T00:00:00Z` : "",
          consent: consent.checked,
        };
        const answer = await ctx.call<{ registration: { registrationNumber: string }; token: string }>("/v1/registrations", {
          method: "POST",
          json,
        });
        setMessage(message, "ok", w("registered", { number: answer.registration.registrationNumber }));
        token.value = answer.token;
        token.hidden = false;
      } catch (error) {
        token.hidden = true;
        setMessage(message, "error", failureText(ctx.t, error));
      }
    });
  });

  const statusNumber = h("input", { id: "status-number", name: "number", type: "text", autocomplete: "off" });
  const status = h(
    "select",
    { id: "status-value", name: "status" },
    ...(["Suspended", "Active", "Revoked"] as const).map((s) => h("option", { value: s }, w(`status${s}`))),
  );
  const change = h("button", { type: "submit", "data-testid": "change-registration-status" }, w("statusButton"));
  const statusMessage = messageLine("registration-status-message");
  const statusForm = h(
    "form",
    { novalidate: true, "aria-labelledby": "registration-status-heading" },
    h("h3", { id: "registration-status-heading" }, w("statusHeading")),
    h("div", { class: "row" }, field(w("numberLabel"), statusNumber), field(w("statusLabel"), status)),
    change,
    statusMessage,
  );
  statusForm.addEventListener("submit", (event) => {
    event.preventDefault();
    void busy(change, async () => {
      try {
        const wanted = statusNumber.value.trim().toUpperCase();
        const answer = await ctx.call<{ registrationNumber: string; status: "Active" | "Suspended" | "Revoked" }>(
          `/v1/registrations/${encodeURIComponent(wanted)}/status`,
          { method: "PUT", json: { status: status.value } },
        );
        setMessage(statusMessage, "ok", w("statusChanged", { number: answer.registrationNumber, status: w(`status${answer.status}`) }));
      } catch (error) {
        setMessage(statusMessage, "error", failureText(ctx.t, error));
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
    token,
    statusForm,
  );
}
