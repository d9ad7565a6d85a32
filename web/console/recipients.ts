/** The recipient parties of a certificate: other parties with a registered encryption key, chosen by checkbox. */
import { h } from "../shared/dom";
import type { ConsoleContext } from "./context";

/** A fieldset of checkboxes, and the codes chosen in it. */
export function recipientPicker(ctx: ConsoleContext, idPrefix: string): { element: HTMLElement; selected(): string[] } {
  const { t } = ctx;
  const candidates = ctx.parties.filter((p) => p.code !== ctx.party && p.encryptionKey && p.status === "Active");
  const boxes = candidates.map((p) => h("input", { type: "checkbox", id: `${idPrefix}-${p.code}`, value: p.code, name: "recipients" }));
  const element = h(
    "fieldset",
    { class: "recipients", id: idPrefix, "data-field": "recipients" },
    h("legend", {}, t("recipients")),
    candidates.length === 0 ? h("p", { class: "muted" }, t("recipientsNone")) : null,
    ...candidates.map((p, i) =>
      h("div", { class: "check" }, boxes[i], h("label", { for: `${idPrefix}-${p.code}`, class: "inline" }, p.code)),
    ),
    h("p", { class: "field-error", id: `${idPrefix}-error`, hidden: true }),
  );
  return { element, selected: () => boxes.filter((b) => b.checked).map((b) => b.value) };
}
