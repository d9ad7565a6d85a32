/** The report at a glance: the verdict banner, the certificate's facts, and every check in plain words. */
import { h } from "../shared/dom";
import type { FileNote } from "./document-check";
import { targetPath } from "./links";
import {
  checkSentence,
  reasonName,
  statusName,
  symbolOf,
  typeName,
  verdictExplanation,
  verdictTitle,
  verdictTone,
  type Words,
} from "./report-words";
import type { VerificationReport } from "./verification";

/** The verdict banner: colour, symbol and words together (never colour alone); focusable so it can be announced. */
export function verdictBanner(t: Words, report: VerificationReport): HTMLElement {
  const tone = verdictTone(report.verdict);
  return h(
    "div",
    { class: `verdict ${tone}`, "data-testid": "verdict", "data-verdict": report.verdict, tabindex: -1, id: "verdict" },
    h("span", { class: "verdict-symbol", "aria-hidden": "true" }, symbolOf(tone)),
    " ",
    h("span", { class: "verdict-title" }, verdictTitle(t, report.verdict)),
    h("p", { class: "verdict-explanation" }, verdictExplanation(t, report)),
  );
}

/** Remarks on how a file was checked (its hash computed here, its stamp, whether it was sent). */
export function fileNotes(t: Words, notes: FileNote[]): HTMLElement | null {
  if (notes.length === 0) return null;
  const text = (note: FileNote): string => {
    switch (note.kind) {
      case "hash":
        return t.t("fileHash", { name: note.name, hash: note.hash });
      case "stamp":
        return t.t("fileStamp", { party: note.party, number: note.number });
      case "sent":
        return t.t("fileSent");
      case "different":
        return t.t("fileDifferent", { hash: note.hash });
    }
  };
  return h("ul", { class: "notes", "data-testid": "file-notes" }, ...notes.map((note) => h("li", { "data-note": note.kind }, text(note))));
}

/** The certificate's facts: type, authority and party, dates, status, where it is recorded. */
export function certificateFacts(t: Words, report: VerificationReport): HTMLElement {
  const c = report.certificate;
  const rows: [string, string | Node][] = [];
  if (report.certHash) rows.push([t.t("factCertHash"), h("code", { class: "hash" }, report.certHash)]);
  if (c) {
    rows.push([t.t("factType"), typeName(t, c.certType, c.certTypeName)]);
    rows.push([t.t("factAuthority"), c.authority.name]);
    rows.push([t.t("factParty"), c.authority.party]);
    rows.push([t.t("factIssued"), t.date(c.issuedAt)]);
    rows.push([t.t("factValidUntil"), t.date(c.validUntil)]);
    let status = statusName(t, c.status);
    if (c.revocation) status += ` — ${reasonName(t, c.revocation.reasonName, c.revocation.reason)}`;
    rows.push([t.t("factStatus"), status]);
    if (c.revocation?.replacement) {
      rows.push([
        t.t("historyReplacement"),
        h("a", { href: targetPath({ kind: "hash", certHash: c.revocation.replacement }), class: "hash" }, c.revocation.replacement),
      ]);
    }
    const block = c.anchor.blockNumber;
    rows.push([t.t("factAnchor"), c.anchor.kind === "direct" ? t.t("anchorDirect", { block }) : t.t("anchorBatch", { block })]);
  }
  if (report.forParty) {
    const recognised = report.checks.find((k) => k.id === "recognition")?.result === "pass";
    rows.push([t.t("factRecognition", { party: report.forParty }), recognised ? t.t("yes") : t.t("no")]);
  }
  rows.push([t.t("factAsOf"), t.date(report.asOf)]);
  rows.push([t.t("factVerifiedAt"), t.date(report.verifiedAt)]);
  rows.push([t.t("factLedger"), t.t("ledgerAt", { chainId: report.chain.chainId, block: report.chain.blockNumber })]);
  return h(
    "section",
    { "aria-labelledby": "facts-title", "data-testid": "facts" },
    h("h3", { id: "facts-title" }, t.t("factsTitle")),
    h("dl", { class: "facts" }, ...rows.flatMap(([term, value]) => [h("dt", {}, term), h("dd", {}, value)])),
  );
}

/** Every check: its name, its result (symbol and words), a sentence, and the server's technical detail. */
export function checkList(t: Words, report: VerificationReport): HTMLElement {
  return h(
    "section",
    { "aria-labelledby": "checks-title" },
    h("h3", { id: "checks-title" }, t.t("checksTitle")),
    h(
      "ul",
      { class: "checks", "data-testid": "checks" },
      ...report.checks.map((check) =>
        h(
          "li",
          { "data-check": check.id, "data-result": check.result },
          h("span", { class: "check-name" }, t.t(`check${check.id}`)),
          ": ",
          h(
            "span",
            { class: `result-${check.result}` },
            h("span", { "aria-hidden": "true" }, symbolOf(check.result)),
            " ",
            t.t(`result${check.result}`),
          ),
          h("p", { class: "check-sentence" }, checkSentence(t, check, report)),
          h(
            "details",
            { class: "no-print" },
            h("summary", {}, t.t("technicalDetail")),
            h("p", { lang: "en", class: "muted" }, check.detail),
          ),
        ),
      ),
    ),
  );
}
