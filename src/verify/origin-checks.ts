/**
 * The checks of a proof of origin (a certificate of origin, or a registered trader's declaration): who declared it and
 * whether that registration was valid when it did, the declarant's signature, and recognition per agreement. They
 * take the registry's facts (src/origin/origin-facts.ts) read at the verification's block.
 */
import { credentialIssuer } from "../documents/credentials";
import type { OriginFacts } from "../origin/origin-facts";
import type { OriginClient } from "../origin/origin-client";
import { checkIssuer, signedWith, type CheckContext } from "./checks";
import { isoTime } from "./history";
import type { Check } from "./report";

const untrusted = (detail: string): Check => ({ id: "issuer", result: "fail", verdictOnFailure: "UNTRUSTED_ISSUER", detail });

/**
 * For a declaration: the anchoring authority as for any certificate, and then the registry's record — a registered
 * trader of the right kind declared it, while its registration was active and valid (the chain checked that when it
 * recorded it), and a given credential names that same registration and agreement.
 */
export function checkDeclarant(c: CheckContext, facts: OriginFacts | undefined): Check {
  const issuer = checkIssuer(c);
  if (issuer.result === "fail") return issuer;
  if (!facts) return untrusted("This verifier cannot read the origin registry, so it cannot say who declared this declaration.");
  const { declaration, registration, agreement } = facts;
  const who = c.authority ? `${c.authority.name} (authority ${c.authority.id} of ${c.authority.party})` : `authority ${c.authorityId}`;
  if (!declaration || !registration) {
    return untrusted(`Anchored as a declaration by ${who}, but the origin registry holds no registered trader's declaration of it.`);
  }
  const kind = facts.proof === "exporterDeclaration" ? "exporter" : "importer";
  if (registration.kind !== kind) {
    return untrusted(`Anchored as a declaration by an ${kind}, but registration ${registration.number} is an ${registration.kind}'s.`);
  }
  if (c.document?.kind === "credential") {
    const claimed = credentialIssuer(c.document.credential).registration;
    const subject = c.document.credential.credentialSubject as { declarant?: { registrationNumber?: string }; tradeAgreement?: string };
    if (claimed !== registration.number || subject.declarant?.registrationNumber !== registration.number) {
      return untrusted(
        `The declaration names registration ${claimed ?? "none"}, but it was recorded as declared by ${registration.number}.`,
      );
    }
    if (agreement && subject.tradeAgreement !== agreement.code) {
      return untrusted(
        `The declaration claims agreement ${subject.tradeAgreement ?? "none"}, but it was recorded under ${agreement.code}.`,
      );
    }
  }
  const detail =
    `Declared by registered ${kind} ${registration.number} of ${registration.party} (registered by ${who}), ` +
    `its registration active and valid when it declared on ${isoTime(declaration.declaredAt)}` +
    `${agreement ? `, under ${agreement.code}` : ""}.`;
  if (registration.status !== "Active") {
    const since = `${registration.status === "Revoked" ? "revoked" : "suspended"} on ${isoTime(registration.statusChangedAt)}`;
    return {
      id: "issuer",
      result: "warn",
      detail: `${detail} Note: the registration has since been ${since}; declarations made before stay valid.`,
    };
  }
  if (issuer.result === "warn") return { id: "issuer", result: "warn", detail: `${detail} ${issuer.detail}` };
  return { id: "issuer", result: "pass", detail };
}

/** For a declaration: its JWS, by a key registered under the declarant's registration and valid (not revoked) at issuance. */
export async function checkDeclarantSignature(
  c: CheckContext,
  origin: OriginClient | undefined,
  facts: OriginFacts | undefined,
): Promise<Check> {
  const signed = await signedWith(
    c,
    "A file carries no signature of its own: its declaration was recorded by the registering authority's account.",
  );
  if ("check" in signed) return signed.check;
  const { thumbprint } = signed;
  const invalid = (detail: string): Check => ({ id: "signature", result: "fail", verdictOnFailure: "INVALID_SIGNATURE", detail });
  const registration = facts?.registration;
  if (!origin || !registration) {
    return {
      id: "signature",
      result: "fail",
      verdictOnFailure: "UNTRUSTED_ISSUER",
      detail: `Signed with key ${thumbprint}, but no registered declarant is known to check it against.`,
    };
  }
  const key = await origin.getTraderKey(registration.id, thumbprint, { blockTag: c.blockNumber });
  if (!key) {
    return {
      id: "signature",
      result: "fail",
      verdictOnFailure: "UNTRUSTED_ISSUER",
      detail: `Signed with key ${thumbprint}, which is not registered under ${registration.number}.`,
    };
  }
  const issuedAt = c.record.issuedAt;
  if (key.revokedAt !== undefined && key.revokedAt <= issuedAt) {
    return invalid(
      `Signed with key ${thumbprint} of ${registration.number}, revoked since ${isoTime(key.revokedAt)}, before the declaration was anchored.`,
    );
  }
  if (issuedAt < key.validFrom || issuedAt > key.validUntil) {
    return invalid(
      `Signed with key ${thumbprint} of ${registration.number}, valid only from ${isoTime(key.validFrom)} to ${isoTime(key.validUntil)}.`,
    );
  }
  return {
    id: "signature",
    result: "pass",
    detail: `Signed (ES256) with key ${thumbprint} of ${registration.number}, the declarant's own, valid when the declaration was anchored.`,
  };
}

/** For a proof of origin and a party named: recognition per agreement (the ledger's type recognition included). */
export function checkOriginRecognition(c: CheckContext, facts: OriginFacts): Check {
  const answer = facts.recognition;
  if (c.options.forParty === undefined || !answer)
    return { id: "recognition", result: "skip", detail: "No party was named to check recognition for." };
  if (answer.recognised) return { id: "recognition", result: "pass", detail: answer.reason };
  return { id: "recognition", result: "fail", verdictOnFailure: "NOT_RECOGNISED", detail: answer.reason };
}
