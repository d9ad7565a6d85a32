/**
 * Proofs of origin as the verifier page shows them: what kind of proof a certificate is (an authority's certificate of
 * origin, a registered exporter's or importer's declaration), the trade agreement it claims, and who declared it, with
 * what the trader's consent lets anyone see; and the lookup of a registration number.
 */
import type { OriginInfo } from "../../src/origin/origin-facts";
import { h } from "./dom";
import type { Dictionary, Language } from "./i18n";

const en = {
  originTitle: "Proof of origin",
  proofcertificate: "A certificate of origin issued by an authority",
  proofexporterDeclaration: "An origin declaration by a registered exporter",
  proofimporterDeclaration: "An origin declaration by a registered importer",
  originAgreement: "Under {code} ({name}; parties {parties})",
  originNoAgreement: "It names no trade agreement the registry knows.",
  originDeclarant: "Declared by registered {kind} {number} of {party}",
  kindexporter: "exporter",
  kindimporter: "importer",
  originValidWhen: "Its registration was active and valid when it declared, on {date}.",
  originStatusNow: "The registration has since been {status} (on {date}); declarations made before stay valid.",
  statusSuspended: "suspended",
  statusRevoked: "revoked",
  originDetails: "{name}, {address}",
  originNoDetails: "The trader did not consent to its name and address being public.",
  lookupTitle: "Look up a registration number",
  lookupLabel: "Registration number (e.g. KG-REX-000123)",
  lookupButton: "Look up",
  lookupNotFound: "No registration {number} is on the ledger.",
  lookupFailed: "The lookup failed: {detail}",
  lookupResult: "{number}: registered {kind} of {party}, {status}, valid from {from} to {until}",
  statusActive: "active",
  lookupHeadings: "HS headings: {headings}",
};

type OriginKey = keyof typeof en;

const ru: Record<OriginKey, string> = {
  originTitle: "Подтверждение происхождения",
  proofcertificate: "Сертификат происхождения, выданный уполномоченным органом",
  proofexporterDeclaration: "Декларация о происхождении зарегистрированного экспортёра",
  proofimporterDeclaration: "Декларация о происхождении зарегистрированного импортёра",
  originAgreement: "По соглашению {code} ({name}; стороны {parties})",
  originNoAgreement: "В нём не указано торговое соглашение, известное реестру.",
  originDeclarant: "Декларант: зарегистрированный {kind} {number}, {party}",
  kindexporter: "экспортёр",
  kindimporter: "импортёр",
  originValidWhen: "Регистрация была действующей в момент декларирования, {date}.",
  originStatusNow: "Позднее регистрация {status} ({date}); сделанные ранее декларации остаются действительными.",
  statusSuspended: "приостановлена",
  statusRevoked: "отозвана",
  originDetails: "{name}, {address}",
  originNoDetails: "Участник ВЭД не дал согласия на публикацию наименования и адреса.",
  lookupTitle: "Проверить регистрационный номер",
  lookupLabel: "Регистрационный номер (например, KG-REX-000123)",
  lookupButton: "Проверить",
  lookupNotFound: "Регистрация {number} в реестре не найдена.",
  lookupFailed: "Проверка не удалась: {detail}",
  lookupResult: "{number}: зарегистрированный {kind}, {party}, {status}; срок действия с {from} по {until}",
  statusActive: "действует",
  lookupHeadings: "Товарные позиции ТН ВЭД: {headings}",
};

const WORDS: Dictionary<OriginKey> = { en, ru };

/** A registration as GET /v1/registrations/{number} answers it. */
export interface PublicRegistration {
  registrationNumber: string;
  kind: "exporter" | "importer";
  party: string;
  status: "Active" | "Suspended" | "Revoked";
  validFrom: string;
  validUntil: string;
  consent: boolean;
  name?: string;
  address?: string;
  headings?: string[];
}

function translate(language: Language) {
  return (key: OriginKey, values: Record<string, string> = {}) =>
    WORDS[language][key].replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/** The report's `origin` section in `language`, or nothing when the certificate proves no origin. */
export function originSection(language: Language, origin: OriginInfo | undefined, date: (iso: string) => string): HTMLElement | null {
  if (!origin) return null;
  const t = translate(language);
  const lines: HTMLElement[] = [h("li", { "data-testid": "origin-proof" }, t(`proof${origin.proof}` as OriginKey))];
  const a = origin.agreement;
  lines.push(
    a
      ? h("li", { "data-testid": "origin-agreement" }, t("originAgreement", { code: a.code, name: a.name, parties: a.parties.join(", ") }))
      : h("li", { class: "muted" }, t("originNoAgreement")),
  );
  const d = origin.declarant;
  if (d) {
    lines.push(
      h(
        "li",
        { "data-testid": "origin-declarant" },
        t("originDeclarant", { kind: t(`kind${d.kind}` as OriginKey), number: d.registrationNumber, party: d.party }),
      ),
      h("li", {}, t("originValidWhen", { date: date(d.declaredAt) })),
    );
    if (d.status !== "Active") {
      const status = t(d.status === "Revoked" ? "statusRevoked" : "statusSuspended");
      lines.push(
        h("li", { "data-testid": "origin-status", class: "warn" }, t("originStatusNow", { status, date: date(d.statusChangedAt) })),
      );
    }
    lines.push(
      d.name
        ? h("li", { "data-testid": "origin-details" }, t("originDetails", { name: d.name, address: d.address ?? "" }))
        : h("li", { class: "muted" }, t("originNoDetails")),
    );
  }
  return h(
    "section",
    { "aria-labelledby": "origin-title", "data-testid": "origin" },
    h("h3", { id: "origin-title" }, t("originTitle")),
    h("ul", { class: "use" }, ...lines),
  );
}

/** The last lookup's number and answer (undefined: not found), so a language switch, which rebuilds the page, re-says it. */
let lastLookup: { number: string; found: PublicRegistration | undefined } | undefined;

/** The form that looks a registration number up, answering below it in `language`. */
export function registrationLookup(language: Language, date: (iso: string) => string): HTMLElement {
  const t = translate(language);
  const input = h("input", {
    id: "registration-number",
    name: "number",
    autocomplete: "off",
    spellcheck: "false",
    value: lastLookup?.number,
  }) as HTMLInputElement;
  const answer = h("div", { id: "registration-answer", "aria-live": "polite" });
  const show = (number: string, found: PublicRegistration | undefined) => {
    lastLookup = { number, found };
    answer.replaceChildren(found ? registrationView(t, found, date) : h("p", { class: "error" }, t("lookupNotFound", { number })));
  };
  if (lastLookup) show(lastLookup.number, lastLookup.found);
  const form = h(
    "form",
    { class: "lookup", "data-testid": "registration-lookup" },
    h("label", { for: "registration-number" }, t("lookupLabel")),
    input,
    h("button", { type: "submit" }, t("lookupButton")),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const number = input.value.trim().toUpperCase();
    if (number === "") return;
    void lookUp(number).then(
      (found) => show(number, found),
      (error: unknown) =>
        answer.replaceChildren(h("p", { class: "error" }, t("lookupFailed", { detail: String((error as Error).message) }))),
    );
  });
  return h(
    "section",
    { class: "no-print", "aria-labelledby": "lookup-title" },
    h("h2", { id: "lookup-title" }, t("lookupTitle")),
    form,
    answer,
  );
}

/** What anyone may see of registration `r`, in `language` (the console shows its registrar the same words). */
export function registrationSummary(language: Language, r: PublicRegistration, date: (iso: string) => string): HTMLElement {
  return registrationView(translate(language), r, date);
}

function registrationView(t: ReturnType<typeof translate>, r: PublicRegistration, date: (iso: string) => string): HTMLElement {
  const status = t(r.status === "Active" ? "statusActive" : r.status === "Revoked" ? "statusRevoked" : "statusSuspended");
  const day = (iso: string) => date(iso);
  return h(
    "div",
    { "data-testid": "registration" },
    h(
      "p",
      {},
      t("lookupResult", {
        number: r.registrationNumber,
        kind: t(`kind${r.kind}` as OriginKey),
        party: r.party,
        status,
        from: day(r.validFrom),
        until: day(r.validUntil),
      }),
    ),
    r.consent && r.name
      ? h("p", { "data-testid": "registration-details" }, t("originDetails", { name: r.name, address: r.address ?? "" }))
      : h("p", { class: "muted" }, t("originNoDetails")),
    r.headings ? h("p", {}, t("lookupHeadings", { headings: r.headings.join(", ") })) : null,
  );
}

async function lookUp(number: string): Promise<PublicRegistration | undefined> {
  const response = await fetch(`/v1/registrations/${encodeURIComponent(number)}`, { headers: { accept: "application/json" } });
  if (response.status === 404 || response.status === 400) return undefined;
  const body = (await response.json()) as PublicRegistration & { detail?: string };
  if (!response.ok) throw new Error(body.detail ?? `HTTP ${response.status}`);
  return body;
}
