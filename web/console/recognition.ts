/**
 * A party admin's recognition decisions: which certificate types of which foreign party (or single authority) the
 * party recognises. The list is GET /v1/recognition?importer=…; a decision is PUT /v1/recognition (no type: withdrawn).
 */
import { h, replaceChildren } from "../shared/dom";
import { latestOnly } from "../shared/latest-only";
import { placeErrors } from "./authorities";
import type { ConsoleContext } from "./context";
import { busy, clearFieldErrors, failureText, field, messageLine, setMessage } from "./form-ui";
import { CERTIFICATE_TYPES, typeLabel } from "./i18n";

interface Decision {
  issuer?: string;
  authorityId?: number;
  types: number[];
  at: string;
}

/** The recognition screen. */
export function recognitionScreen(ctx: ConsoleContext): HTMLElement {
  const { t } = ctx;
  const rows = h("tbody");
  const message = messageLine("recognition-message");

  const load = latestOnly(
    () => ctx.call<{ decisions: Decision[] }>(`/v1/recognition?importer=${ctx.party}`),
    ({ decisions }) => {
      replaceChildren(
        rows,
        ...(decisions.length === 0
          ? [h("tr", {}, h("td", { colspan: 3 }, t("noRecognition")))]
          : decisions.map((d) =>
              h(
                "tr",
                { "data-issuer": d.issuer ?? `authority:${d.authorityId}` },
                h("td", {}, d.issuer ?? `${t("authority")} ${d.authorityId}`),
                h("td", {}, d.types.length === 0 ? t("withdrawn") : d.types.map((type) => typeLabel(t, type)).join(", ")),
                h("td", {}, t.date(d.at)),
              ),
            )),
      );
    },
    (error) => setMessage(message, "error", failureText(t, error)),
  );

  const issuer = h(
    "select",
    { id: "recognition-issuer", name: "issuer" },
    h("option", { value: "" }, "—"),
    ...ctx.parties.filter((p) => p.code !== ctx.party).map((p) => h("option", { value: p.code }, p.code)),
  );
  const authorityId = h("input", { id: "recognition-authorityId", name: "authorityId", type: "text", inputmode: "numeric" });
  const boxes = CERTIFICATE_TYPES.map((c) => h("input", { type: "checkbox", id: `recognition-type-${c.id}`, value: c.name }));
  const save = h("button", { type: "submit", "data-testid": "save-recognition" }, t("save"));
  const formMessage = messageLine("recognition-form-message");
  const form = h(
    "form",
    { novalidate: true, "aria-labelledby": "recognition-form-heading" },
    h("h3", { id: "recognition-form-heading" }, t("setRecognition")),
    h("div", { class: "row" }, field(t("issuerParty"), issuer), field(t("orAuthority"), authorityId)),
    h(
      "fieldset",
      { id: "recognition-types" },
      h("legend", {}, t("types")),
      ...boxes.map((box, i) =>
        h("div", { class: "check" }, box, h("label", { for: box.id, class: "inline" }, CERTIFICATE_TYPES[i][t.language])),
      ),
      h("p", { class: "field-error", id: "recognition-types-error", hidden: true }),
    ),
    save,
    formMessage,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    const id = authorityId.value.trim();
    const target = id !== "" ? { authorityId: /^\d+$/.test(id) ? Number(id) : id } : issuer.value !== "" ? { issuer: issuer.value } : {};
    const body = { ...target, types: boxes.filter((b) => b.checked).map((b) => b.value) };
    void busy(save, async () => {
      try {
        const result = await ctx.call<{ blockNumber: number }>("/v1/recognition", { method: "PUT", json: body });
        setMessage(formMessage, "ok", t("done", { action: t("save"), block: result.blockNumber }));
        [300, 1200].forEach((ms) => setTimeout(() => void load(), ms));
      } catch (error) {
        const placed = placeErrors(form, error, "recognition");
        setMessage(formMessage, "error", placed ? t("fixErrors") : failureText(t, error));
      }
    });
  });

  void load();
  return h(
    "div",
    {},
    h(
      "section",
      { "aria-labelledby": "recognition-heading", "data-testid": "recognition" },
      h("h2", { id: "recognition-heading" }, t("recognitionHeading", { party: ctx.party })),
      message,
      h(
        "table",
        { class: "listing" },
        h("thead", {}, h("tr", {}, ...(["colIssuer", "colTypes", "colSince"] as const).map((k) => h("th", { scope: "col" }, t(k))))),
        rows,
      ),
    ),
    h("section", {}, form),
  );
}
