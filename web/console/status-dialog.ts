/**
 * Suspend, reinstate or revoke a certificate behind a confirmation (<dialog>): revocation asks for its RFC 5280
 * reason, the effective date (empty: now) and an optional replacement; the ledger's refusal is shown in the dialog.
 */
import { h } from "../shared/dom";
import type { ConsoleContext } from "./context";
import { busy, clearFieldErrors, failureText, field, messageLine, problemFields, setFieldError, setMessage, shortHash } from "./form-ui";
import { REVOCATION_REASONS } from "./i18n";
import { showModal } from "./modal";

/** A status change. */
export type StatusAction = "suspend" | "reinstate" | "revoke";

/** What the status routes answer. */
export interface StatusChange {
  certHash: string;
  action: StatusAction;
  txHash: string;
  blockNumber: number;
}

/** Opens the confirmation of `action` on `certHash`; resolves with the change made, or undefined when cancelled. */
export function confirmStatusChange(
  ctx: ConsoleContext,
  certHash: string,
  action: StatusAction,
  number?: string,
): Promise<StatusChange | undefined> {
  const { t } = ctx;
  const question = {
    suspend: t("confirmSuspend", { hash: number ?? shortHash(certHash) }),
    reinstate: t("confirmReinstate", { hash: number ?? shortHash(certHash) }),
    revoke: t("confirmRevoke", { hash: number ?? shortHash(certHash) }),
  }[action];
  const reason = h(
    "select",
    { id: "revoke-reason", name: "reason" },
    ...REVOCATION_REASONS.map((r) => h("option", { value: r.name }, r[t.language])),
  );
  const effective = h("input", { id: "revoke-effectiveAt", name: "effectiveAt", type: "date" });
  const replacement = h("input", {
    id: "revoke-replacement",
    name: "replacement",
    type: "text",
    placeholder: "0x…",
    autocomplete: "off",
    spellcheck: false,
  });
  const confirm = h(
    "button",
    { type: "submit", class: action === "reinstate" ? "" : "danger", "data-testid": "dialog-confirm" },
    t(action),
  );
  const cancel = h("button", { type: "button", class: "secondary", "data-testid": "dialog-cancel" }, t("cancel"));
  const message = messageLine("dialog-message");
  const form = h(
    "form",
    { novalidate: true },
    h("h2", { id: "status-dialog-title" }, t(action)),
    h("p", { id: "status-dialog-question" }, question),
    action === "revoke"
      ? h("div", {}, field(t("reason"), reason), field(t("effectiveAt"), effective), field(t("replacement"), replacement))
      : null,
    h("div", { class: "actions" }, cancel, confirm),
    message,
  );
  const dialog = h(
    "dialog",
    {
      class: "status-dialog",
      "aria-labelledby": "status-dialog-title",
      "aria-describedby": "status-dialog-question",
      "data-testid": "status-dialog",
    },
    form,
  );
  document.body.append(dialog);

  return new Promise((resolve) => {
    let result: StatusChange | undefined;
    dialog.addEventListener("close", () => {
      dialog.remove();
      resolve(result);
    });
    cancel.addEventListener("click", () => dialog.close());
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      clearFieldErrors(form);
      const today = new Date().toISOString().slice(0, 10);
      const body =
        action === "revoke"
          ? {
              reason: reason.value,
              // Today means now: midnight could fall before the certificate was issued, which the ledger refuses.
              ...(effective.value !== "" && effective.value !== today ? { effectiveAt: `${effective.value}T00:00:00Z` } : {}),
              ...(replacement.value.trim() !== "" ? { replacement: replacement.value.trim() } : {}),
            }
          : undefined;
      void busy(confirm, async () => {
        try {
          result = await ctx.call<StatusChange>(`/v1/certificates/${certHash}/${action}`, { method: "POST", json: body ?? {} });
          dialog.close();
        } catch (error) {
          let placed = false;
          for (const [path, text] of problemFields(error)) placed = setFieldError(form, `revoke-${path}`, text) || placed;
          setMessage(message, "error", failureText(t, error));
        }
      });
    });
    showModal(dialog);
    (action === "revoke" ? reason : cancel).focus();
  });
}
