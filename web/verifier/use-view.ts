/**
 * The certificate's use at the border: what importing parties' agencies answered (acknowledged, accepted, rejected
 * with a reason) and how much of each goods item their declarations used, so a bank sees whether a certificate was
 * already presented or used before it finances against it. Remarks and declaration references are not in the report.
 */
import { h } from "../shared/dom";
import { DICTIONARY, type TextKey } from "./dictionary";
import type { Words } from "./report-words";
import type { VerificationReport } from "./verification";

type Use = NonNullable<VerificationReport["use"]>;

/** The use section, or nothing when the server reported no use (an older server, or no certificate found). */
export function useSection(t: Words, report: VerificationReport): HTMLElement | null {
  const use = report.use;
  if (!use) return null;
  const lines: HTMLElement[] = [
    ...use.outcomes.map((o) => outcomeLine(t, o)),
    ...use.items.map((item) =>
      h(
        "li",
        { "data-item": String(item.item) },
        t.t("useItem", { item: String(item.item), used: t.number(item.used), total: t.number(item.total), unit: item.unit }),
      ),
    ),
  ];
  if (use.usedInFull) {
    lines.push(
      h("li", { "data-testid": "used-in-full" }, t.t("useInFull", { party: use.usedInFull.party, date: t.date(use.usedInFull.at) })),
    );
  }
  return h(
    "section",
    { "aria-labelledby": "use-title", "data-testid": "use" },
    h("h3", { id: "use-title" }, t.t("useTitle")),
    lines.length === 0 ? h("p", { class: "muted" }, t.t("useEmpty")) : h("ul", { class: "use" }, ...lines),
  );
}

function outcomeLine(t: Words, o: Use["outcomes"][number]): HTMLElement {
  const said = t.t("useOutcome", { outcome: t.t(`outcome${o.outcome}`), party: o.party, agency: o.agency.name, date: t.date(o.at) });
  return h(
    "li",
    { "data-outcome": o.outcome, "data-party": o.party },
    said,
    o.reason ? h("span", { class: "use-reason" }, " — ", t.t("useReason", { reason: reasonText(t, o.reason) })) : "",
  );
}

/** A rejection reason in the reader's language; one this page does not know yet in the server's English words. */
function reasonText(t: Words, reason: { name: string; text: string }): string {
  const key = `reject${reason.name}`;
  return key in DICTIONARY.en ? t.t(key as TextKey) : reason.text;
}
