/** A report's codes in plain words of the chosen language: verdicts, checks, types, statuses, revocation reasons. */
import type { Translator } from "../shared/i18n";
import type { TextKey } from "./dictionary";
import type { ReportCheck, Verdict, VerificationReport } from "./verification";

export type Words = Translator<TextKey>;

/** How a verdict is marked: green for VALID, amber for a certificate genuine but not usable now, red for the rest. */
export function verdictTone(verdict: Verdict): "valid" | "warning" | "invalid" {
  if (verdict === "VALID") return "valid";
  return verdict === "SUSPENDED" || verdict === "EXPIRED" || verdict === "NOT_RECOGNISED" ? "warning" : "invalid";
}

/** The symbol beside a verdict or a check result, so that nothing is said by colour alone. */
export function symbolOf(tone: "valid" | "warning" | "invalid" | ReportCheck["result"]): string {
  return { valid: "✓", pass: "✓", warning: "!", warn: "!", invalid: "✗", fail: "✗", skip: "–" }[tone];
}

export function verdictTitle(t: Words, verdict: Verdict): string {
  return t.t(`verdict${verdict}`);
}

export function verdictExplanation(t: Words, report: VerificationReport): string {
  return t.t(`explain${report.verdict}`, { party: report.forParty ?? "" });
}

const TYPE_KEYS = ["conformityCertificate", "testReport", "certificateOfOrigin", "phytosanitaryCertificate"] as const;

export function typeName(t: Words, certType: number, name: string | undefined): string {
  const known = TYPE_KEYS.find((key) => key === name);
  return known ? t.t(`type${known}`) : t.t("typeOther", { n: certType });
}

export function statusName(t: Words, status: "Active" | "Suspended" | "Revoked"): string {
  return t.t(`status${status}`);
}

const REASON_KEYS = [
  "unspecified",
  "keyCompromise",
  "cACompromise",
  "affiliationChanged",
  "superseded",
  "cessationOfOperation",
  "privilegeWithdrawn",
  "aACompromise",
] as const;

export function reasonName(t: Words, name: unknown, code: unknown): string {
  const known = REASON_KEYS.find((key) => key === name);
  return known ? t.t(`reason${known}`) : t.t("reasonOther", { code: String(code ?? name) });
}

/** One check's result in plain words, from its id, result and the report (the server's detail is English only). */
export function checkSentence(t: Words, check: ReportCheck, report: VerificationReport): string {
  const c = report.certificate;
  if (!c && check.result === "skip" && check.id !== "integrity") return t.t("notChecked");
  const date = (iso: string | undefined) => t.date(iso);
  switch (check.id) {
    case "integrity":
      return check.result === "pass" ? t.t("integrityPass") : check.result === "fail" ? t.t("integrityFail") : t.t("integrityByHash");
    case "anchored":
      // A later anchoring of the same hash (another authority's, or again) changes nothing here, but a person should see it.
      if (check.result === "warn") return t.t("anchoredConflict", { date: date(c?.issuedAt), n: report.conflicts?.length ?? 1 });
      if (check.result !== "fail") return t.t("anchoredPass", { date: date(c?.issuedAt) });
      return check.verdictOnFailure === "TAMPERED" ? t.t("anchoredTampered") : t.t("anchoredNotFound");
    case "issuer": {
      const values = { authority: c?.authority.name ?? "?", party: c?.authority.party ?? "?" };
      return check.result === "pass" ? t.t("issuerPass", values) : check.result === "warn" ? t.t("issuerWarn", values) : t.t("issuerFail");
    }
    case "signature":
      if (check.result === "pass") return t.t("signaturePass");
      if (check.result === "warn") return t.t("signatureWarn");
      if (check.result === "fail")
        return check.verdictOnFailure === "UNTRUSTED_ISSUER" ? t.t("signatureUntrusted") : t.t("signatureInvalid");
      return report.checks.some((k) => k.id === "integrity" && k.result !== "skip") ? t.t("signatureFile") : t.t("signatureNone");
    case "status":
      return statusSentence(t, check, report);
    case "payload":
      return { pass: t.t("payloadPass"), warn: t.t("payloadWarn"), fail: t.t("payloadFail"), skip: t.t("payloadNone") }[check.result];
    case "recognition": {
      const values = { party: report.forParty ?? "", type: c ? typeName(t, c.certType, c.certTypeName) : "" };
      return check.result === "pass"
        ? t.t("recognitionPass", values)
        : check.result === "fail"
          ? t.t("recognitionFail", values)
          : t.t("recognitionNone");
    }
    case "statusList":
      return check.result === "pass" ? t.t("statusListPass") : check.result === "warn" ? t.t("statusListWarn") : t.t("statusListSkip");
  }
}

function statusSentence(t: Words, check: ReportCheck, report: VerificationReport): string {
  const c = report.certificate;
  const values = { asOf: t.date(report.asOf), validUntil: t.date(c?.validUntil) };
  if (check.result !== "fail") return t.t("statusPass", values);
  switch (check.verdictOnFailure) {
    case "EXPIRED":
      return t.t("statusExpired", values);
    case "SUSPENDED":
      return t.t("statusSuspendedText", values);
    case "REVOKED": {
      const r = c?.revocation;
      return t.t("statusRevokedText", { reason: reasonName(t, r?.reasonName, r?.reason), date: t.date(r?.effectiveAt) });
    }
    default:
      return t.t("statusNotYet", values);
  }
}
