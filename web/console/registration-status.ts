/**
 * A registration by its number, for the origin authority that registered it (or its party's admin): what the ledger
 * shows of it (GET /v1/registrations/{number}), and suspending, reinstating or revoking it
 * (PUT /v1/registrations/{number}/status). Revoking is final, so it is asked again.
 */
import { h, replaceChildren } from "../shared/dom";
import { registrationSummary, type PublicRegistration } from "../shared/origin-view";
import { confirmDialog } from "./confirm-dialog";
import type { ConsoleContext } from "./context";
import { busy, failureText, field, messageLine, setMessage } from "./form-ui";
import { originWord, type OriginWord } from "./origin-words";

/** The look-up and status form. */
export function registrationStatusForm(ctx: ConsoleContext): HTMLElement {
  const w = (key: OriginWord, values?: Record<string, string>) => originWord(ctx.t.language, key, values);
  const number = h("input", { id: "status-number", name: "number", type: "text", autocomplete: "off", spellcheck: "false" });
  const status = h(
    "select",
    { id: "status-value", name: "status" },
    ...(["Suspended", "Active", "Revoked"] as const).map((s) => h("option", { value: s }, w(`status${s}`))),
  );
  const lookUp = h("button", { type: "button", class: "secondary", "data-testid": "look-up-registration" }, w("lookUpButton"));
  const change = h("button", { type: "submit", "data-testid": "change-registration-status" }, w("statusButton"));
  const message = messageLine("registration-status-message");
  const shown = h("div", { "data-testid": "registration-shown" });
  const wanted = () => number.value.trim().toUpperCase();
  const show = (registration: PublicRegistration) =>
    replaceChildren(
      shown,
      registrationSummary(ctx.t.language, registration, (iso) => ctx.t.date(iso)),
    );

  lookUp.addEventListener(
    "click",
    () =>
      void busy(lookUp, async () => {
        try {
          show(await ctx.call<PublicRegistration>(`/v1/registrations/${encodeURIComponent(wanted())}`));
          setMessage(message, "info", "");
        } catch (error) {
          replaceChildren(shown);
          setMessage(message, "error", failureText(ctx.t, error));
        }
      }),
  );

  const form = h(
    "form",
    { novalidate: true, "aria-labelledby": "registration-status-heading" },
    h("h3", { id: "registration-status-heading" }, w("statusHeading")),
    h("div", { class: "row" }, field(w("numberLabel"), number), field(w("statusLabel"), status)),
    h("div", { class: "actions" }, lookUp, change),
    message,
    shown,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const target = wanted();
    void busy(change, async () => {
      if (status.value === "Revoked") {
        const confirmed = await confirmDialog(ctx, {
          title: w("revokeTitle"),
          question: w("revokeQuestion", { number: target }),
          confirm: w("revokeConfirm"),
          danger: true,
        });
        if (!confirmed) return;
      }
      try {
        const answer = await ctx.call<PublicRegistration>(`/v1/registrations/${encodeURIComponent(target)}/status`, {
          method: "PUT",
          json: { status: status.value },
        });
        setMessage(message, "ok", w("statusChanged", { number: answer.registrationNumber, status: w(`status${answer.status}`) }));
        show(answer);
      } catch (error) {
        setMessage(message, "error", failureText(ctx.t, error));
      }
    });
  });
  return form;
}
