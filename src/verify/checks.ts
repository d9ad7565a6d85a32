import type { LedgerClient } from "../chain/ledger-client";
import type { CertificateEvent } from "../chain/ledger-events";
import type { AuthorityRecord, PartyRecord } from "../chain/ledger-records";
import { revocationReasonName } from "../chain/revocation-reasons";
import { decryptAsRecipient, decryptWithLinkKey, readPayloadHeader } from "../crypto/payload-encryption";
import { certificateTypeName, certificateTypeNumber } from "../documents/certificate-types";
import { credentialCertificateType, credentialIssuer } from "../documents/credentials";
import { certHashOf } from "../documents/hashing";
import { verifyCredentialJws } from "../documents/vc-jose";
import { CertLedgerError, isCertLedgerError } from "../errors";
import { cidFromBytes } from "../ipfs/cid";
import type { PayloadReader } from "../ipfs/payload-store";
import { isoTime, type CertificateStateName, type EffectiveRecord } from "./history";
import type { GivenDocument } from "./input";
import type { Check } from "./report";
import type { VerifyOptions } from "./verifier";

/** What every check reads: the certificate as anchored, at one block of the chain. */
export interface CheckContext {
  client: LedgerClient;
  blockNumber: number;
  certHash: string;
  certType: number;
  authorityId: number;
  authority: AuthorityRecord | undefined;
  /** The issuing authority's party, read at the block (undefined when there is no authority or no such party). */
  party: PartyRecord | undefined;
  /** Whether `options.forParty` recognises this issuer for this type, read at the block; undefined with no party named. */
  recognised: boolean | undefined;
  record: EffectiveRecord;
  document: GivenDocument | undefined;
  payloads: PayloadReader | undefined;
  payloadCid: Uint8Array | undefined;
  options: VerifyOptions;
}

/** A payload opened with the holder's or a recipient's key. */
export interface DecryptedDocument {
  bytes: Uint8Array;
  contentType: string;
}

const typeLabel = (n: number): string => certificateTypeName(n) ?? `type ${n}`;

/** Issuing authority registered, active and in scope at issuance; and, for a credential, the issuer it names. */
export function checkIssuer(c: CheckContext): Check {
  const fail = (detail: string): Check => ({ id: "issuer", result: "fail", verdictOnFailure: "UNTRUSTED_ISSUER", detail });
  const { authority } = c;
  if (!authority) return fail(`The anchoring authority ${c.authorityId} is not registered on the ledger.`);
  const who = `${authority.name} (authority ${authority.id} of ${authority.party})`;
  if (c.document?.kind === "credential") {
    const claimed = credentialIssuer(c.document.credential);
    if (claimed.party !== authority.party || claimed.authorityId !== authority.id) {
      return fail(
        `The credential names authority ${claimed.authorityId} of ${claimed.party} as its issuer, but it was anchored by ${who}.`,
      );
    }
    const documentType = certificateTypeNumber(credentialCertificateType(c.document.credential));
    if (documentType !== c.certType) {
      return fail(
        `The credential is a ${typeLabel(documentType)}, but ${who} anchored it as a ${typeLabel(c.certType)}: it was not authorised to issue it.`,
      );
    }
  }
  // The contract let the anchor through only if the authority and its party were active, within the authority's
  // validity and with the type in its scope: so these held at issuance. What changed since is worth saying.
  const since: string[] = [];
  if (authority.status !== "Active") since.push("the authority has since been suspended");
  if (c.party?.status !== "Active") since.push(`its party ${authority.party} has since been suspended by the consortium`);
  const issuerId = c.document?.kind === "credential" ? c.document.credential.issuer.id : undefined;
  const named = issuerId?.startsWith("did:web:") ? ` It names its issuer ${issuerId}, the same authority by its did:web.` : "";
  const detail = `Issued by ${who}, registered, active and authorised for ${typeLabel(c.certType)} when it anchored on ${isoTime(c.record.issuedAt)}.${named}`;
  if (since.length > 0) return { id: "issuer", result: "warn", detail: `${detail} Note: ${since.join("; ")}.` };
  return { id: "issuer", result: "pass", detail };
}

/**
 * The first step of a signature check: a credential's JWS verified, giving its key's thumbprint; or the check's answer
 * when there is nothing to check (a file, for which `fileDetail` says why; no document) or the JWS does not verify.
 */
export async function signedWith(c: CheckContext, fileDetail: string): Promise<{ thumbprint: string } | { check: Check }> {
  if (c.document?.kind !== "credential") {
    const detail = c.document ? fileDetail : "No document was given: nothing to check a signature on.";
    return { check: { id: "signature", result: "skip", detail } };
  }
  try {
    return { thumbprint: (await verifyCredentialJws(c.document.jws)).thumbprint };
  } catch (error) {
    if (!isCertLedgerError(error)) throw error;
    return {
      check: {
        id: "signature",
        result: "fail",
        verdictOnFailure: "INVALID_SIGNATURE",
        detail: `The signature does not verify: ${error.message}.`,
      },
    };
  }
}

/** For a credential: the JWS signature, by a key registered to the issuing authority and not compromised at issuance. */
export async function checkSignature(c: CheckContext): Promise<Check> {
  const signed = await signedWith(
    c,
    "A file carries no signature of its own: it was anchored from the issuing authority's registered account.",
  );
  if ("check" in signed) return signed.check;
  const { thumbprint } = signed;
  const invalid = (detail: string): Check => ({ id: "signature", result: "fail", verdictOnFailure: "INVALID_SIGNATURE", detail });
  // Keys are scoped to their authority: only the anchoring authority's own registration of the thumbprint counts,
  // whoever else registered the same public key.
  const key = await c.client.getSigningKey(c.authorityId, thumbprint, { blockTag: c.blockNumber });
  if (!key) {
    return {
      id: "signature",
      result: "fail",
      verdictOnFailure: "UNTRUSTED_ISSUER",
      detail: `Signed with key ${thumbprint}, which the issuing authority ${c.authorityId} has not registered.`,
    };
  }
  const issuedAt = c.record.issuedAt;
  if (key.compromisedAt !== undefined && key.compromisedAt <= issuedAt) {
    return invalid(
      `Signed with key ${thumbprint}, compromised since ${isoTime(key.compromisedAt)}, before the certificate was anchored on ${isoTime(issuedAt)}.`,
    );
  }
  if (issuedAt < key.validFrom || issuedAt > key.validUntil) {
    return invalid(
      `Signed with key ${thumbprint}, valid only from ${isoTime(key.validFrom)} to ${isoTime(key.validUntil)}, not when the certificate was anchored on ${isoTime(issuedAt)}.`,
    );
  }
  const detail = `Signed (${key.alg}) with key ${thumbprint} of the issuing authority, valid when the certificate was anchored.`;
  if (key.compromisedAt !== undefined) {
    return {
      id: "signature",
      result: "warn",
      detail: `${detail} The key was compromised later, on ${isoTime(key.compromisedAt)}; signatures made before stay valid.`,
    };
  }
  return { id: "signature", result: "pass", detail };
}

/** What the certificate was at the report's time: active, suspended, revoked or expired. */
export async function checkStatus(c: CheckContext, state: CertificateStateName, asOf: bigint, events: CertificateEvent[]): Promise<Check> {
  const when = `as of ${isoTime(asOf)}`;
  switch (state) {
    case "Active":
      return { id: "status", result: "pass", detail: `Active ${when}, valid until ${isoTime(c.record.validUntil)}.` };
    case "Expired":
      return { id: "status", result: "fail", verdictOnFailure: "EXPIRED", detail: `Expired on ${isoTime(c.record.validUntil)} (${when}).` };
    case "Unknown":
      return {
        id: "status",
        result: "fail",
        verdictOnFailure: "NOT_FOUND",
        detail: `Not yet issued ${when}: it was anchored on ${isoTime(c.record.issuedAt)}.`,
      };
    case "Suspended": {
      const suspended = events.filter((e) => e.event === "CertificateSuspended" && e.timestamp <= asOf).at(-1);
      const since = suspended ? ` since ${isoTime(suspended.timestamp)}` : "";
      return { id: "status", result: "fail", verdictOnFailure: "SUSPENDED", detail: `Suspended${since} (${when}).` };
    }
    case "Revoked": {
      const revoked = events.find((e) => e.event === "CertificateRevoked");
      let detail = `Revoked (${when}).`;
      if (revoked?.event === "CertificateRevoked") {
        const { reason, effectiveAt, replacement } = revoked.args;
        detail = `Revoked for ${revocationReasonName(reason)} (RFC 5280 reason ${reason}), effective ${isoTime(effectiveAt)}${replacement ? `; replaced by ${replacement}` : ""}.`;
      }
      return { id: "status", result: "fail", verdictOnFailure: "REVOKED", detail };
    }
  }
}

/** The encrypted payload on IPFS: fetched by CID, bound to this certificate, and — with a key — the anchored document. */
export async function checkPayload(c: CheckContext): Promise<{ check: Check; document?: DecryptedDocument }> {
  const tampered = (detail: string) => ({ check: { id: "payload", result: "fail", verdictOnFailure: "TAMPERED", detail } as Check });
  if (!c.payloadCid) return { check: { id: "payload", result: "skip", detail: "No payload was anchored with this certificate." } };
  const cid = cidFromBytes(c.payloadCid);
  if (!c.payloads)
    return { check: { id: "payload", result: "skip", detail: `Payload ${cid} not checked: this verifier has no IPFS access.` } };
  let bytes: Uint8Array;
  try {
    bytes = await c.payloads.get(cid);
  } catch (error) {
    if (isCertLedgerError(error, "CID_MISMATCH")) return tampered(`The bytes served for payload ${cid} do not match its CID.`);
    if (isCertLedgerError(error))
      return { check: { id: "payload", result: "warn", detail: `Payload ${cid} could not be fetched from IPFS (${error.code}).` } };
    throw error;
  }
  let header;
  try {
    header = readPayloadHeader(bytes);
  } catch {
    return tampered(`Payload ${cid} is not an encrypted CertLedger payload.`);
  }
  if (header.certHash !== c.certHash) return tampered(`Payload ${cid} belongs to certificate ${header.certHash}, not to this one.`);
  const opened = await openPayload(bytes, c.options);
  if (opened === undefined) {
    return {
      check: {
        id: "payload",
        result: "pass",
        detail: `Payload ${cid} is on IPFS, matches its CID and is bound to this certificate (encrypted; no key was given to open it).`,
      },
    };
  }
  if ("failure" in opened) return { check: { id: "payload", result: "warn", detail: `Payload ${cid} matches, but ${opened.failure}.` } };
  if (certHashOf(opened.bytes) !== c.certHash)
    return tampered(`Payload ${cid} decrypts to a document whose SHA-256 is not the anchored hash.`);
  return {
    check: { id: "payload", result: "pass", detail: `Payload ${cid} decrypts to exactly the anchored document (${header.contentType}).` },
    document: { bytes: opened.bytes, contentType: header.contentType },
  };
}

async function openPayload(bytes: Uint8Array, options: VerifyOptions): Promise<{ bytes: Uint8Array } | { failure: string } | undefined> {
  const attempts: [string, () => Promise<Uint8Array>][] = [];
  if (options.linkKey !== undefined) attempts.push(["the link key", () => decryptWithLinkKey(bytes, options.linkKey!)]);
  if (options.recipientKey !== undefined) attempts.push(["the party key", () => decryptAsRecipient(bytes, options.recipientKey!)]);
  if (attempts.length === 0) return undefined;
  const failures: string[] = [];
  for (const [name, attempt] of attempts) {
    try {
      return { bytes: await attempt() };
    } catch (error) {
      if (!(error instanceof CertLedgerError)) throw error;
      failures.push(`${name} does not open it (${error.code})`);
    }
  }
  return { failure: failures.join("; ") };
}

/** Whether the party the verification is for recognises this issuer for this certificate type. */
export function checkRecognition(c: CheckContext): Check {
  const party = c.options.forParty;
  if (party === undefined) return { id: "recognition", result: "skip", detail: "No party was named to check recognition for." };
  const issuer = c.authority ? `${c.authority.name} (${c.authority.party})` : `authority ${c.authorityId}`;
  if (c.recognised) {
    return { id: "recognition", result: "pass", detail: `${party} recognises ${typeLabel(c.certType)} certificates from ${issuer}.` };
  }
  return {
    id: "recognition",
    result: "fail",
    verdictOnFailure: "NOT_RECOGNISED",
    detail: `${party} does not recognise ${typeLabel(c.certType)} certificates from ${issuer}.`,
  };
}
