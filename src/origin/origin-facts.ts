/**
 * What the registry says about a proof of origin at one block, for the verifier: the declaration's record (who
 * declared, under which agreement, when), the registration as it is now, the agreement, and whether the party asking
 * recognises the proof under it. The verifier turns these into its checks (src/verify/origin-checks.ts) and the
 * report's `origin` section.
 */
import { z } from "zod";
import type { AgreementRecord, DeclarationRecord, OriginClient, RegistrationRecord } from "./origin-client";
import { recognitionOf, type RecognitionAnswer } from "./recognition-rules";
import { PROOF_KIND_NAMES, TRADER_KINDS, proofKindOfType, type ProofKind } from "./vocabulary";

/** The facts about one proof of origin. */
export interface OriginFacts {
  proof: ProofKind;
  /** A declaration's record, when the registry has one for this anchoring. */
  declaration?: DeclarationRecord;
  registration?: RegistrationRecord;
  agreement?: AgreementRecord;
  /** The agreement code a certificate of origin's credential claims, when the registry has no such agreement. */
  unknownAgreement?: string;
  /** For the party asking, when one is named. */
  recognition?: RecognitionAnswer;
}

/** What the verifier knows when it asks. */
export interface OriginQuestion {
  certHash: string;
  authorityId: number;
  certType: number;
  issuerParty: string;
  blockNumber: number;
  /** The agreement code a given (or opened) certificate of origin claims. */
  claimedAgreement?: string;
  forParty?: string;
  /** Whether the ledger's recognition of the type covers this certificate (read by the verifier). */
  blanket?: boolean;
  at: bigint;
}

/** The facts about the proof of origin `q` names, or undefined when its type proves no origin. */
export async function readOriginFacts(origin: OriginClient, q: OriginQuestion): Promise<OriginFacts | undefined> {
  const proof = proofKindOfType(q.certType);
  if (proof === undefined) return undefined;
  const read = { blockTag: q.blockNumber };
  const facts: OriginFacts = { proof };
  if (proof === "certificate") {
    if (q.claimedAgreement !== undefined) {
      facts.agreement = await origin.agreementByCode(q.claimedAgreement, read);
      if (!facts.agreement) facts.unknownAgreement = q.claimedAgreement;
    }
  } else {
    facts.declaration = await origin.getDeclaration(q.certHash, q.authorityId, read);
    if (facts.declaration) {
      [facts.registration, facts.agreement] = await Promise.all([
        origin.getRegistration(facts.declaration.registrationId, read),
        origin.getAgreement(facts.declaration.agreementId, read),
      ]);
    }
  }
  if (q.forParty !== undefined) {
    const forParty = q.forParty;
    const question = {
      forParty,
      issuerParty: q.issuerParty,
      proof,
      agreement: facts.agreement,
      unknownAgreement: facts.unknownAgreement,
      blanket: q.blanket ?? false,
      at: q.at,
    };
    const agreementId = facts.agreement?.id;
    const under =
      agreementId === undefined || forParty === q.issuerParty
        ? undefined
        : await origin.getAgreementRecognition(forParty, q.issuerParty, agreementId, read);
    facts.recognition = recognitionOf({ ...question, underAgreement: under });
    // Only a refusal names what the party does accept from that issuer elsewhere: the other agreements are read then.
    if (!facts.recognition.recognised) {
      const others = (await origin.agreements()).filter(
        (a) => a.status === "InForce" && a.id !== agreementId && a.parties.includes(forParty) && a.parties.includes(q.issuerParty),
      );
      const elsewhere = await Promise.all(
        others.map(async (a) => ({
          code: a.code,
          proofs: (await origin.getAgreementRecognition(forParty, q.issuerParty, a.id, read)).proofs,
        })),
      );
      facts.recognition = recognitionOf({ ...question, underAgreement: under, elsewhere });
    }
  }
  return facts;
}

const isoTime = z.iso.datetime();

/** The report's `origin` section: what proof of origin this is, under which agreement, and who declared it. */
export const originInfoSchema = z.object({
  proof: z.enum(PROOF_KIND_NAMES as [ProofKind, ...ProofKind[]]),
  agreement: z
    .object({ code: z.string(), name: z.string(), parties: z.array(z.string()), status: z.enum(["Proposed", "InForce", "Withdrawn"]) })
    .optional(),
  /** The registered exporter or importer who declared, with what its consent lets anyone see. */
  declarant: z
    .object({
      registrationNumber: z.string(),
      kind: z.enum(TRADER_KINDS),
      party: z.string(),
      /** The registration's status now; `declaredAt` is when the chain found it active and valid. */
      status: z.enum(["Active", "Suspended", "Revoked"]),
      statusChangedAt: isoTime,
      validFrom: isoTime,
      validUntil: isoTime,
      declaredAt: isoTime,
      counterpart: z.string(),
      name: z.string().optional(),
      address: z.string().optional(),
    })
    .optional(),
});
export type OriginInfo = z.infer<typeof originInfoSchema>;

/** The report's `origin` section of `facts`. */
export function originInfo(facts: OriginFacts): OriginInfo {
  const { agreement, registration, declaration } = facts;
  const time = (s: bigint) => new Date(Number(s) * 1000).toISOString();
  const published = registration?.publicDetails ? publicDetailsOf(registration.publicDetails) : {};
  return {
    proof: facts.proof,
    ...(agreement && { agreement: { code: agreement.code, name: agreement.name, parties: agreement.parties, status: agreement.status } }),
    ...(registration &&
      declaration && {
        declarant: {
          registrationNumber: registration.number,
          kind: registration.kind,
          party: registration.party,
          status: registration.status,
          statusChangedAt: time(registration.statusChangedAt),
          validFrom: time(registration.validFrom),
          validUntil: time(registration.validUntil),
          declaredAt: time(declaration.declaredAt),
          counterpart: declaration.counterpart,
          ...published,
        },
      }),
  };
}

/** The name and address a trader consented to publish (the registry keeps them as JSON); nothing else is taken. */
export function publicDetailsOf(json: string): { name?: string; address?: string } {
  try {
    const parsed = z.object({ name: z.string().max(300).optional(), address: z.string().max(500).optional() }).safeParse(JSON.parse(json));
    return parsed.success
      ? { ...(parsed.data.name && { name: parsed.data.name }), ...(parsed.data.address && { address: parsed.data.address }) }
      : {};
  } catch {
    return {};
  }
}
