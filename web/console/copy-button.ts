/** A button that copies what a read-only field shows (a trader's token, a verification link), saying when it did. */
import { h } from "../shared/dom";
import type { ConsoleContext } from "./context";

/**
 * `label`'s button copying `source`'s value, and its status line. Without the clipboard (a page served over plain
 * http from another host) the text is selected instead, for the person to copy with the keyboard.
 */
export function copyButton(
  ctx: ConsoleContext,
  label: string,
  source: HTMLInputElement | HTMLTextAreaElement,
  testId: string,
): HTMLElement {
  const status = h("span", { class: "muted", role: "status", "aria-live": "polite" });
  const button = h("button", { type: "button", class: "secondary", "data-testid": testId }, label);
  button.addEventListener("click", () => {
    status.textContent = "";
    const copied = navigator.clipboard?.writeText(source.value) ?? Promise.reject(new Error("no clipboard"));
    void copied.then(
      () => (status.textContent = ctx.t("copied")),
      () => source.select(),
    );
  });
  return h("div", { class: "actions" }, button, status);
}
