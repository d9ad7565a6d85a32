/**
 * A certificate's use at the border, as the verifier page and the issuer console show it: what importing parties'
 * agencies answered (acknowledged, accepted, rejected with a reason) and how much of each goods item their
 * declarations used, so a bank sees whether a certificate was already presented or used before it finances against
 * it, and an issuer sees what became of its certificates. Remarks and declaration references are not in the answer.
 */
import type { CertificateUse } from "../../src/outcomes/certificate-use";
import { h } from "./dom";
import type { Dictionary, Language } from "./i18n";

const en = {
  useTitle: "Use at the border",
  useEmpty: "No importing party has recorded an answer about this certificate.",
  useOutcome: "{outcome} by {party} ({agency}) on {date}",
  outcomeacknowledged: "Acknowledged",
  outcomeaccepted: "Accepted",
  outcomeacceptedWithRemarks: "Accepted with remarks",
  outcomerejected: "Rejected",
  useReason: "Reason: {reason}",
  useItem: "Item {item}: {used} of {total} {unit} used",
  useInFull: "Used in full at {party} on {date}.",
  useDelivered: "Delivered to {party}'s node on {date}",
  usePending: "Pending delivery to {party}: its node does not hold the payload yet",
  outcomedelivered: "Delivered",
  rejectunreadable: "the certificate or its content cannot be read",
  rejectincompleteOrIncorrect: "required data is missing or incorrect",
  rejectissuerNotRecognised: "the issuer, its signature or its stamp is not recognised",
  rejectgoodsDoNotMatch: "the goods, quantities or marks do not match the consignment",
  rejectoriginCriterionNotMet: "the goods do not meet the origin criterion claimed",
  rejectphytosanitaryRequirementsNotMet: "the import phytosanitary requirements are not met",
  rejectcertificateNotValid: "the certificate is expired, suspended or revoked",
  rejectquantityExceeded: "the quantity imported exceeds what the certificate covers",
  rejectalreadyUsed: "the certificate was already used for these goods",
  rejectissuedRetroactively: "issued retroactively without the conditions for it",
  rejectagreementNotApplicable: "the trade agreement claimed does not apply",
  rejectother: "another reason, given in the remarks",
};

type UseKey = keyof typeof en;

const ru: Record<UseKey, string> = {
  useTitle: "Использование на границе",
  useEmpty: "Ни одна сторона-импортёр не зарегистрировала ответ по этому сертификату.",
  useOutcome: "{outcome}: {party} ({agency}), {date}",
  outcomeacknowledged: "Получен",
  outcomeaccepted: "Принят",
  outcomeacceptedWithRemarks: "Принят с замечаниями",
  outcomerejected: "Отклонён",
  useReason: "Причина: {reason}",
  useItem: "Позиция {item}: использовано {used} из {total} {unit}",
  useInFull: "Использован полностью: {party}, {date}.",
  useDelivered: "Доставлен на узел {party}: {date}",
  usePending: "Ожидает доставки {party}: узел ещё не получил содержимое",
  outcomedelivered: "Доставлен",
  rejectunreadable: "сертификат или его содержимое нечитаемы",
  rejectincompleteOrIncorrect: "обязательные сведения отсутствуют или неверны",
  rejectissuerNotRecognised: "орган выдачи, его подпись или печать не признаны",
  rejectgoodsDoNotMatch: "товары, количества или маркировка не соответствуют партии",
  rejectoriginCriterionNotMet: "товары не отвечают заявленному критерию происхождения",
  rejectphytosanitaryRequirementsNotMet: "не выполнены фитосанитарные требования страны ввоза",
  rejectcertificateNotValid: "срок действия истёк, действие приостановлено или сертификат отозван",
  rejectquantityExceeded: "ввозимое количество превышает указанное в сертификате",
  rejectalreadyUsed: "сертификат уже использован для этих товаров",
  rejectissuedRetroactively: "выдан задним числом без оснований для этого",
  rejectagreementNotApplicable: "заявленное торговое соглашение неприменимо",
  rejectother: "другая причина, указанная в замечаниях",
};

const WORDS: Dictionary<UseKey> = { en, ru };

/** The use section in `language` (dates as `date` formats them), or nothing when there is no use to show. */
export function useSection(language: Language, use: CertificateUse | undefined, date: (iso: string) => string): HTMLElement | null {
  if (!use) return null;
  const t = (key: UseKey, values: Record<string, string> = {}) =>
    WORDS[language][key].replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
  const number = (decimal: string) => grouped(decimal, language);
  const lines: HTMLElement[] = [
    ...use.outcomes.map((o) =>
      o.outcome === "delivered"
        ? h("li", { "data-outcome": o.outcome, "data-party": o.party }, t("useDelivered", { party: o.party, date: date(o.at) }))
        : h(
            "li",
            { "data-outcome": o.outcome, "data-party": o.party },
            t("useOutcome", { outcome: outcomeText(language, o.outcome), party: o.party, agency: o.agency.name, date: date(o.at) }),
            o.reason
              ? h(
                  "span",
                  { class: "use-reason" },
                  " — ",
                  t("useReason", { reason: rejectionReasonText(language, o.reason.name, o.reason.text) }),
                )
              : "",
          ),
    ),
    ...use.items.map((item) =>
      h(
        "li",
        { "data-item": String(item.item) },
        t("useItem", { item: String(item.item), used: number(item.used), total: number(item.total), unit: item.unit }),
      ),
    ),
  ];
  for (const d of use.deliveries ?? []) {
    if (d.state === "pending")
      lines.push(h("li", { "data-delivery": "pending", "data-party": d.party }, t("usePending", { party: d.party })));
  }
  if (use.usedInFull)
    lines.push(h("li", { "data-testid": "used-in-full" }, t("useInFull", { party: use.usedInFull.party, date: date(use.usedInFull.at) })));
  return h(
    "section",
    { "aria-labelledby": "use-title", "data-testid": "use" },
    h("h3", { id: "use-title" }, t("useTitle")),
    lines.length === 0 ? h("p", { class: "muted" }, t("useEmpty")) : h("ul", { class: "use" }, ...lines),
  );
}

/** An outcome's name in `language` (the API's word when this page does not know it). */
export function outcomeText(language: Language, outcome: string): string {
  const key = `outcome${outcome}`;
  return isKey(key) ? WORDS[language][key] : outcome;
}

/** A rejection reason's words in `language` (`fallback`, the server's English, when this page does not know it). */
export function rejectionReasonText(language: Language, name: string, fallback = name): string {
  const key = `reject${name}`;
  return isKey(key) ? WORDS[language][key] : fallback;
}

function isKey(key: string): key is UseKey {
  return key in en;
}

/** A decimal quantity ("18000.5") grouped the language's way: "18,000.5", "18 000,5" (a no-break space). */
function grouped(decimal: string, language: Language): string {
  const [whole, fraction] = decimal.split(".");
  const digits = whole.replace(/\B(?=(\d{3})+(?!\d))/g, language === "ru" ? "\u00a0" : ",");
  return fraction ? `${digits}${language === "ru" ? "," : "."}${fraction}` : digits;
}
