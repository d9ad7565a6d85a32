/** The certificate's history as a timeline: recorded, suspended, reinstated, revoked (with reason and replacement). */
import { h } from "../shared/dom";
import { targetPath } from "./links";
import { reasonName, type Words } from "./report-words";
import type { ReportHistoryEntry, VerificationReport } from "./verification";

const KNOWN_EVENTS = [
  "CertificateAnchored",
  "BatchAnchored",
  "BatchedCertificateMaterialised",
  "CertificateSuspended",
  "CertificateReinstated",
  "CertificateRevoked",
] as const;

/** The timeline of `report.history`, oldest first. */
export function historyTimeline(t: Words, report: VerificationReport): HTMLElement {
  const items = report.history.map((entry) => historyItem(t, entry));
  return h(
    "section",
    { "aria-labelledby": "history-title" },
    h("h3", { id: "history-title" }, t.t("historyTitle")),
    items.length === 0
      ? h("p", { class: "muted", "data-testid": "history" }, t.t("historyEmpty"))
      : h("ol", { class: "timeline", "data-testid": "history" }, ...items),
  );
}

function historyItem(t: Words, entry: ReportHistoryEntry): HTMLElement {
  const known = KNOWN_EVENTS.find((name) => name === entry.event);
  const title = known ? t.t(`event${known}`, { count: String(entry.detail.leafCount ?? "?") }) : t.t("eventOther", { event: entry.event });
  const details: (Node | string)[] = [];
  if (entry.event === "CertificateRevoked") {
    details.push(
      h(
        "span",
        { "data-testid": "revocation-reason" },
        t.t("historyReason", { reason: reasonName(t, entry.detail.reasonName, entry.detail.reason) }),
      ),
    );
    if (typeof entry.detail.effectiveAt === "string") details.push(t.t("historyEffective", { date: t.date(entry.detail.effectiveAt) }));
    const replacement = entry.detail.replacement;
    if (typeof replacement === "string" && replacement.length > 0) {
      details.push(
        h(
          "span",
          {},
          `${t.t("historyReplacement")}: `,
          h(
            "a",
            { href: targetPath({ kind: "hash", certHash: replacement }), class: "hash", "data-testid": "replacement-link" },
            replacement,
          ),
        ),
      );
    }
  }
  return h(
    "li",
    { "data-event": entry.event },
    h("time", { datetime: entry.at }, t.date(entry.at)),
    " — ",
    h("strong", {}, title),
    ...details.map((detail) => h("div", {}, detail)),
    h("div", { class: "muted small" }, t.t("historyBlock", { block: entry.blockNumber })),
  );
}
