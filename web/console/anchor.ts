/** The "Anchor a certificate" screen: a file or a credential form of a type in the authority's scope, then its progress. */
import { h, replaceChildren } from "../shared/dom";
import { fileForm, typesInScope } from "./anchor-file";
import { anchoringProgress } from "./anchoring-progress";
import type { ConsoleContext } from "./context";
import { credentialForm } from "./credential-form";
import { field } from "./form-ui";

/** The anchoring screen. */
export function anchorScreen(ctx: ConsoleContext): HTMLElement {
  const { t } = ctx;
  const types = typesInScope(ctx);
  const typeSelect = h(
    "select",
    { id: "anchor-type", name: "type" },
    ...types.map((type) => h("option", { value: type.name }, type[t.language])),
  );
  const modes = (["file", "credential"] as const).map((mode) =>
    h("input", { type: "radio", name: "anchor-mode", id: `anchor-mode-${mode}`, value: mode, checked: mode === "file" }),
  );
  const formSlot = h("div");
  const progress = h("div", { "data-testid": "anchor-progress" });

  const accepted = (...args: Parameters<typeof anchoringProgress>) => {
    const panel = anchoringProgress(...args);
    progress.prepend(panel);
    panel.querySelector<HTMLElement>("h2")?.focus();
  };
  const renderForm = () => {
    const type = types.find((c) => c.name === typeSelect.value) ?? types[0];
    const mode = modes.find((m) => m.checked)?.value;
    if (!type) return;
    replaceChildren(
      formSlot,
      mode === "credential"
        ? credentialForm(ctx, type.name, (answer) => accepted(ctx, answer))
        : fileForm(ctx, type.id, (answer) => accepted(ctx, answer)),
    );
  };
  typeSelect.addEventListener("change", renderForm);
  for (const m of modes) m.addEventListener("change", renderForm);
  renderForm();

  return h(
    "div",
    {},
    h(
      "section",
      { "aria-labelledby": "anchor-heading" },
      h("h2", { id: "anchor-heading" }, t("anchorHeading")),
      h(
        "fieldset",
        { class: "modes" },
        h("legend", {}, t("modeLabel")),
        h("div", { class: "check" }, modes[0], h("label", { for: "anchor-mode-file", class: "inline" }, t("modeFile"))),
        h("div", { class: "check" }, modes[1], h("label", { for: "anchor-mode-credential", class: "inline" }, t("modeCredential"))),
      ),
      field(t("certType"), typeSelect),
      formSlot,
    ),
    progress,
  );
}
