/**
 * A party admin's agreements screen: the trade agreements (GET /v1/agreements), approving one its party is named in,
 * proposing one, and stating which proofs of origin its party accepts from another party under one
 * (PUT /v1/recognition/agreements).
 */
import { h, replaceChildren } from "../shared/dom";
import type { ConsoleContext } from "./context";
import { busy, failureText, field, messageLine, setMessage } from "./form-ui";
import { originWord, type OriginWord } from "./origin-words";

interface Agreement {
  code: string;
  name: string;
  parties: string[];
  status: "Proposed" | "InForce" | "Withdrawn";
  approvedBy: string[];
}

const PROOFS = ["certificate", "exporterDeclaration", "importerDeclaration"] as const;

/** The agreements screen. */
export function agreementsScreen(ctx: ConsoleContext): HTMLElement {
  const w = (key: OriginWord, values?: Record<string, string>) => originWord(ctx.t.language, key, values);
  const list = h("ul", { "data-testid": "agreements" });
  const message = messageLine("agreements-message");
  const fail = (error: unknown) => setMessage(message, "error", failureText(ctx.t, error));

  const refresh = async () => {
    const { agreements } = await ctx.call<{ agreements: Agreement[] }>("/v1/agreements");
    const line = (a: Agreement) => {
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
    replaceChildren(list, ...(agreements.length === 0 ? [h("li", { class: "muted" }, w("agreementsEmpty"))] : agreements.map(line)));
  };
  void refresh().catch(fail);

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

  const issuer = h(
    "select",
    { id: "recognise-issuer", name: "issuer" },
    ...ctx.parties.filter((p) => p.code !== ctx.party).map((p) => h("option", { value: p.code }, p.code)),
  );
  const agreement = h("input", { id: "recognise-agreement", name: "agreement", type: "text", autocomplete: "off" });
  const boxes = PROOFS.map((proof) => h("input", { type: "checkbox", id: `recognise-${proof}`, value: proof }));
  const save = h("button", { type: "submit", "data-testid": "recognise-under" }, w("recogniseButton"));
  const recogniseForm = h(
    "form",
    { novalidate: true, "aria-labelledby": "recognise-heading" },
    h("h3", { id: "recognise-heading" }, w("recogniseHeading")),
    h("div", { class: "row" }, field(w("issuerLabel"), issuer), field(w("agreementLabel"), agreement)),
    ...boxes.map((box, i) => h("div", { class: "check" }, box, h("label", { for: box.id, class: "inline" }, w(`proof${PROOFS[i]}`)))),
    save,
  );
  recogniseForm.addEventListener("submit", (event) => {
    event.preventDefault();
    void busy(save, async () => {
      try {
        const json = {
          issuer: issuer.value,
          agreement: agreement.value.trim(),
          proofs: boxes.filter((b) => b.checked).map((b) => b.value),
        };
        const answer = await ctx.call<{ importer: string; issuer: string; agreement: string; proofs: (typeof PROOFS)[number][] }>(
          "/v1/recognition/agreements",
          { method: "PUT", json },
        );
        const proofs = answer.proofs.length === 0 ? w("nothing") : answer.proofs.map((p) => w(`proof${p}`)).join(", ");
        setMessage(
          message,
          "ok",
          w("recognised", { importer: answer.importer, issuer: answer.issuer, agreement: answer.agreement, proofs }),
        );
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
    recogniseForm,
  );
}
