/** A modal confirmation (<dialog>): a question, optional fields, Cancel and a confirming button. */
import { h } from "../shared/dom";
import type { ConsoleContext } from "./context";
import { showModal } from "./modal";

/** Asks `question`; resolves true when confirmed (Escape and Cancel: false). Focus returns to where it was. */
export function confirmDialog(
  ctx: ConsoleContext,
  options: { title: string; question: string; confirm: string; danger?: boolean; content?: HTMLElement },
): Promise<boolean> {
  const ok = h("button", { type: "submit", class: options.danger ? "danger" : "", "data-testid": "dialog-confirm" }, options.confirm);
  const cancel = h("button", { type: "button", class: "secondary", "data-testid": "dialog-cancel" }, ctx.t("cancel"));
  const dialog = h(
    "dialog",
    { class: "status-dialog", "aria-labelledby": "confirm-title", "aria-describedby": "confirm-question" },
    h(
      "form",
      { method: "dialog" },
      h("h2", { id: "confirm-title" }, options.title),
      h("p", { id: "confirm-question" }, options.question),
      options.content ?? null,
      h("div", { class: "actions" }, cancel, ok),
    ),
  );
  document.body.append(dialog);
  return new Promise((resolve) => {
    let confirmed = false;
    ok.addEventListener("click", () => (confirmed = true));
    cancel.addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", () => {
      dialog.remove();
      resolve(confirmed);
    });
    showModal(dialog);
    cancel.focus();
  });
}
