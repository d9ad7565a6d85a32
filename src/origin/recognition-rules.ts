/**
 * Whether a party recognises a proof of origin: the verifier's rule over the facts the chain keeps (the ledger's
 * recognition of certificate types, the registry's agreements and recognition per agreement). A pure function, so
 * that its rules can be tested over every combination (test/origin/recognition-rules.property.test.ts).
 *
 * How the ledger's recognition maps onto agreements: recognising certificates of origin (type 3) from a party or an
 * authority, as parties did before agreements existed, recognises them under every agreement and outside any. It
 * says nothing about declarations: those are recognised only per agreement, as the agreement's rules of origin allow.
 */
import type { AgreementRecord, AgreementRecognitionRecord } from "./origin-client";
import type { ProofKind } from "./vocabulary";

/** What the rule is asked: may `forParty` accept `proof`, issued or declared in `issuerParty`, at time `at`? */
export interface RecognitionQuestion {
  forParty: string;
  issuerParty: string;
  proof: ProofKind;
  /** The agreement the proof claims, as registered; undefined when it claims none (or one the registry lacks). */
  agreement?: Pick<AgreementRecord, "code" | "parties" | "status">;
  /** The agreement code the proof claims when the registry has no such agreement. */
  unknownAgreement?: string;
  /** What `forParty` recognises from `issuerParty` under `agreement`. */
  underAgreement?: AgreementRecognitionRecord;
  /** Whether the ledger's recognition of certificate types covers this proof's issuer (for a certificate of origin). */
  blanket: boolean;
  /** What `forParty` recognises from `issuerParty` under other agreements, to name them when refusing. */
  elsewhere?: { code: string; proofs: ProofKind[] }[];
  /** Seconds. */
  at: bigint;
}

/** The answer, with the sentence a person reads. */
export interface RecognitionAnswer {
  recognised: boolean;
  reason: string;
}

const PROOF_WORDS: Record<ProofKind, string> = {
  certificate: "certificates of origin issued by an authority",
  exporterDeclaration: "origin declarations by registered exporters",
  importerDeclaration: "origin declarations by registered importers",
};

/** Whether `q.forParty` recognises the proof, and why (or why not). */
export function recognitionOf(q: RecognitionQuestion): RecognitionAnswer {
  const what = `${PROOF_WORDS[q.proof]} from ${q.issuerParty}`;
  const no = (why: string): RecognitionAnswer => ({ recognised: false, reason: `${why}${elsewhere(q)}` });
  if (q.forParty === q.issuerParty) return { recognised: true, reason: `${q.forParty} recognises its own ${PROOF_WORDS[q.proof]}.` };
  if (q.proof === "certificate" && q.blanket) {
    return {
      recognised: true,
      reason: `${q.forParty} recognises ${what} (under every agreement: its recognition of the certificate type).`,
    };
  }
  const agreement = q.agreement;
  if (!agreement) {
    if (q.unknownAgreement !== undefined) return no(`It claims agreement ${q.unknownAgreement}, which the registry does not know.`);
    return no(`${q.forParty} does not recognise ${what}, and it claims no agreement under which ${q.forParty} might.`);
  }
  const under = `under ${agreement.code}`;
  if (agreement.status !== "InForce") return no(`Agreement ${agreement.code} is not in force: not every party approved it.`);
  if (!agreement.parties.includes(q.forParty))
    return no(`${q.forParty} is not a party to ${agreement.code} (${agreement.parties.join(", ")}).`);
  if (!agreement.parties.includes(q.issuerParty)) return no(`${q.issuerParty} is not a party to ${agreement.code}.`);
  const recognition = q.underAgreement;
  if (!recognition || !recognition.proofs.includes(q.proof)) {
    const only =
      recognition && recognition.proofs.length > 0 ? ` (only ${recognition.proofs.map((p) => PROOF_WORDS[p]).join(" and ")})` : "";
    return no(`${q.forParty} does not recognise ${what} ${under}${only}.`);
  }
  const period = `from ${isoTime(recognition.validFrom)} to ${isoTime(recognition.validUntil)}`;
  if (q.at < recognition.validFrom || q.at > recognition.validUntil) {
    return no(`${q.forParty} recognises ${what} ${under} only ${period}, not at ${isoTime(q.at)}.`);
  }
  return { recognised: true, reason: `${q.forParty} recognises ${what} ${under} (${period}).` };
}

/** Seconds as a calendar date (UTC), as recognition periods are stated. */
function isoTime(seconds: bigint): string {
  return new Date(Number(seconds) * 1000).toISOString().slice(0, 10);
}

function elsewhere(q: RecognitionQuestion): string {
  const others = (q.elsewhere ?? []).filter((e) => e.proofs.length > 0 && e.code !== q.agreement?.code);
  if (others.length === 0) return "";
  const named = others.map((e) => `${e.proofs.map((p) => PROOF_WORDS[p]).join(" and ")} under ${e.code}`);
  return ` From ${q.issuerParty}, ${q.forParty} recognises ${named.join("; ")}.`;
}
