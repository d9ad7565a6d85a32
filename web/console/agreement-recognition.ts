/**
 * What a party admin's party accepts under each trade agreement in force: the list (GET /v1/recognition/agreements),
 * and a form that sets which proofs of origin it accepts from one other party under one agreement
 * (PUT /v1/recognition/agreements; nothing ticked withdraws). Picking a party and an agreement ticks what is
 * accepted now, so saving changes only what the admin changed.
 */
import { h, replaceChildren, replaceOptions } from "../shared/dom";
import { latestOnly } from "../shared/latest-only";
import type { Agreement } from "./agreements";
import type { ConsoleContext } from "./context";
import { busy, failureText, field, messageLine, setMessage } from "./form-ui";
import { originWord, type OriginWord } from "./origin-words";

const PROOFS = ["certificate", "exporterDeclaration", "importerDeclaration"] as const;
type Proof = (typeof PROOFS)[number];

interface Recognition {
  importer: string;
  issuer: string;
  agreement: string;
  proofs: Proof[];
  validUntil?: string;
}

/** The recognition list and form; `agreementsRead` is told each time the agreements screen reads the agreements. */
export function agreementRecognition(ctx: ConsoleContext): { element: HTMLElement; agreementsRead(agreements: Agreement[]): void } {
  const w = (key: OriginWord, values?: Record<string, string>) => originWord(ctx.t.language, key, values);
  const proofWords = (proofs: Proof[]) => (proofs.length === 0 ? w("nothing") : proofs.map((p) => w(`proof${p}`)).join(", "));
  const list = h("ul", { "data-testid": "agreement-recognition" });
  const message = messageLine("agreement-recognition-message");
  let inForce: Agreement[] = [];
  let current: Recognition[] = [];

  const agreement = h("select", { id: "recognise-agreement", name: "agreement" });
  const issuer = h("select", { id: "recognise-issuer", name: "issuer" });
  const boxes = PROOFS.map((proof) => h("input", { type: "checkbox", id: `recognise-${proof}`, value: proof }));
  const tickCurrent = () => {
    const now = current.find((r) => r.agreement === agreement.value && r.issuer === issuer.value);
    for (const box of boxes) box.checked = now?.proofs.includes(box.value as Proof) ?? false;
  };
  const issuersOfAgreement = () => {
    const chosen = inForce.find((a) => a.code === agreement.value);
    const others = chosen?.parties.filter((p) => p !== ctx.party) ?? [];
    replaceOptions(
      issuer,
      others.map((p) => ({ value: p, label: p })),
    );
    tickCurrent();
  };
  agreement.addEventListener("change", issuersOfAgreement);
  issuer.addEventListener("change", tickCurrent);

  const load = latestOnly(
    () => ctx.call<{ recognition: Recognition[] }>(`/v1/recognition/agreements?importer=${encodeURIComponent(ctx.party)}`),
    ({ recognition }) => {
      current = recognition;
      replaceChildren(
        list,
        ...(recognition.length === 0
          ? [h("li", { class: "muted" }, w("recognitionEmpty"))]
          : recognition.map((r) =>
              h(
                "li",
                { "data-recognition": `${r.issuer} ${r.agreement}` },
                w("recognitionLine", {
                  issuer: r.issuer,
                  agreement: r.agreement,
                  proofs: proofWords(r.proofs),
                  until: r.validUntil ? ctx.t.date(r.validUntil) : "—",
                }),
              ),
            )),
      );
      tickCurrent();
    },
    (error) => setMessage(message, "error", failureText(ctx.t, error)),
  );
  void load();

  const save = h("button", { type: "submit", "data-testid": "recognise-under" }, w("recogniseButton"));
  const form = h(
    "form",
    { novalidate: true, "aria-labelledby": "recognise-heading" },
    h("h3", { id: "recognise-heading" }, w("recogniseHeading")),
    h("div", { class: "row" }, field(w("agreementChoiceLabel"), agreement), field(w("issuerLabel"), issuer)),
    h(
      "fieldset",
      {},
      h("legend", {}, w("proofsLegend")),
      ...boxes.map((box, i) => h("div", { class: "check" }, box, h("label", { for: box.id, class: "inline" }, w(`proof${PROOFS[i]}`)))),
    ),
    save,
    message,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void busy(save, async () => {
      try {
        const json = { issuer: issuer.value, agreement: agreement.value, proofs: boxes.filter((b) => b.checked).map((b) => b.value) };
        const answer = await ctx.call<Recognition>("/v1/recognition/agreements", { method: "PUT", json });
        setMessage(
          message,
          "ok",
          w("recognised", {
            importer: answer.importer,
            issuer: answer.issuer,
            agreement: answer.agreement,
            proofs: proofWords(answer.proofs),
          }),
        );
        await load();
      } catch (error) {
        setMessage(message, "error", failureText(ctx.t, error));
      }
    });
  });

  return {
    element: h(
      "div",
      { role: "group", "aria-labelledby": "recognition-under-heading" },
      h("h3", { id: "recognition-under-heading" }, w("recognitionListHeading", { party: ctx.party })),
      list,
      form,
    ),
    agreementsRead(agreements) {
      // Recognition is stated only under an agreement in force that names the admin's party (the API refuses others).
      inForce = agreements.filter((a) => a.status === "InForce" && a.parties.includes(ctx.party));
      replaceOptions(
        agreement,
        inForce.map((a) => ({ value: a.code, label: `${a.code} — ${a.name}` })),
      );
      issuersOfAgreement();
    },
  };
}
