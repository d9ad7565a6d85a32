/**
 * A party admin's agreements screen: the trade agreements (GET /v1/agreements), approving one its party is named in,
 * proposing one, and below, what its party accepts under those in force.
 */
import { h, replaceChildren } from "../shared/dom";
import { latestOnly } from "../shared/latest-only";
import { agreementRecognition } from "./agreement-recognition";
import type { ConsoleContext } from "./context";
import { busy, failureText, field, messageLine, setMessage } from "./form-ui";
import { originWord, type OriginWord } from "./origin-words";

/** A trade agreement as GET /v1/agreements lists it. */
export interface Agreement {
  code: string;
  name: string;
  parties: string[];
  status: "Proposed" | "InForce" | "Withdrawn";
  approvedBy: string[];
}

/** The agreements screen. */
export function agreementsScreen(ctx: ConsoleContext): HTMLElement {
  const w = (key: OriginWord, values?: Record<string, string>) => originWord(ctx.t.language, key, values);
  const list = h("ul", { "data-testid": "agreements" });
  const message = messageLine("agreements-message");
  const fail = (error: unknown) => setMessage(message, "error", failureText(ctx.t, error));

  const recognition = agreementRecognition(ctx);

  const line = (a: Agreement): HTMLElement => {
    const pending = a.parties.filter((p) => !a.approvedBy.includes(p));
    const state =
      a.status === "InForce"
        ? w("stateInForce")
        : a.status === "Withdrawn"
          ? w("stateWithdrawn")
          : w("stateProposed", { parties: pending.join(", ") });
    const item = h(
      "li",
      { "data-agreement": a.code },
      w("agreementLine", { code: a.code, name: a.name, parties: a.parties.join(", "), state }),
    );
    if (a.status === "Proposed" && pending.includes(ctx.party)) {
      const approve = h(
        "button",
        { type: "button", class: "secondary", "data-testid": `approve-${a.code}` },
        w("approveButton", { party: ctx.party }),
      );
      approve.addEventListener(
        "click",
        () =>
          void busy(approve, async () => {
            try {
              await ctx.call(`/v1/agreements/${encodeURIComponent(a.code)}/approvals`, { method: "POST" });
              setMessage(message, "ok", w("done"));
              await refresh();
            } catch (error) {
              fail(error);
            }
          }),
      );
      item.append(" ", approve);
    }
    return item;
  };
  const refresh = latestOnly(
    () => ctx.call<{ agreements: Agreement[] }>("/v1/agreements"),
    ({ agreements }) => {
      recognition.agreementsRead(agreements);
      replaceChildren(list, ...(agreements.length === 0 ? [h("li", { class: "muted" }, w("agreementsEmpty"))] : agreements.map(line)));
    },
    fail,
  );
  void refresh();

  const code = h("input", { id: "agreement-code", name: "code", type: "text", autocomplete: "off" });
  const name = h("input", { id: "agreement-name", name: "name", type: "text" });
  const parties = h("input", { id: "agreement-parties", name: "parties", type: "text", value: `${ctx.party}, ` });
  const propose = h("button", { type: "submit", "data-testid": "propose-agreement" }, w("proposeButton"));
  const proposeForm = h(
    "form",
    { novalidate: true, "aria-labelledby": "propose-heading" },
    h("h3", { id: "propose-heading" }, w("proposeHeading")),
    h("div", { class: "row" }, field(w("codeLabel"), code), field(w("agreementNameLabel"), name)),
    field(w("partiesLabel"), parties),
    propose,
  );
  proposeForm.addEventListener("submit", (event) => {
    event.preventDefault();
    void busy(propose, async () => {
      try {
        const json = {
          code: code.value.trim(),
          name: name.value.trim(),
          parties: parties.value
            .split(",")
            .map((p) => p.trim().toUpperCase())
            .filter(Boolean),
        };
        await ctx.call("/v1/agreements", { method: "POST", json });
        setMessage(message, "ok", w("done"));
        await refresh();
      } catch (error) {
        fail(error);
      }
    });
  });

  return h(
    "section",
    { "aria-labelledby": "agreements-heading", "data-testid": "agreements-screen" },
    h("h2", { id: "agreements-heading" }, w("agreementsHeading")),
    list,
    message,
    proposeForm,
    recognition.element,
  );
}
