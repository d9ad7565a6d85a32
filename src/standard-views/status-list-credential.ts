/**
 * Status list credentials (W3C Bitstring Status List v1.0): a VC 2.0 `BitstringStatusListCredential` whose subject
 * holds one purpose's bitstring, secured as VC-JOSE like CertLedger's certificates (compact JWS, ES256, the key in the
 * header, `kid` its DID URL under the authority's did:web, `iss` the issuer). Signed with the authority's own signing
 * key, which the ledger registers for it, so a verifier trusts the list exactly as far as it trusts that key.
 */
import { z } from "zod";
import { STATUS_PURPOSES, VC_CONTEXT } from "../documents/credentials";
import type { JWK } from "../crypto/keys";
import { checkIssuerNames, signVcJose, verifyVcJose } from "../documents/vc-jose";
import { CertLedgerError, isCertLedgerError } from "../errors";
import { decodeStatusList, encodeStatusList } from "./status-list-bits";

/** A status purpose: revocation or suspension. */
export type StatusPurpose = (typeof STATUS_PURPOSES)[number];

/** How long a verifier may cache a list before fetching it again, in milliseconds (the specification's `ttl`). */
export const STATUS_LIST_TTL_MS = 60_000;

/** What a status list credential says. */
export interface StatusListContent {
  /** The list's URL (the credential's id). */
  url: string;
  /** The issuing authority's DID. */
  issuer: string;
  purpose: StatusPurpose;
  bits: Uint8Array;
  validFrom: string;
}

const listCredentialSchema = z.object({
  "@context": z.array(z.string()).refine((c) => c[0] === VC_CONTEXT, `must start with ${VC_CONTEXT}`),
  id: z.string(),
  type: z.tuple([z.literal("VerifiableCredential"), z.literal("BitstringStatusListCredential")]),
  issuer: z.union([z.string(), z.object({ id: z.string() })]),
  validFrom: z.string(),
  credentialSubject: z.object({
    id: z.string(),
    type: z.literal("BitstringStatusList"),
    statusPurpose: z.enum(STATUS_PURPOSES),
    encodedList: z.string(),
    ttl: z.number().int().positive().optional(),
  }),
});

/** Signs a status list credential for `content` with the authority's key (VC-JOSE, as its certificates are). */
export async function signStatusList(content: StatusListContent, key: { privateJwk: JWK; publicJwk: JWK; kid: string }): Promise<string> {
  const credential = {
    "@context": [VC_CONTEXT],
    id: content.url,
    type: ["VerifiableCredential", "BitstringStatusListCredential"],
    issuer: content.issuer,
    validFrom: content.validFrom,
    credentialSubject: {
      id: `${content.url}#list`,
      type: "BitstringStatusList",
      statusPurpose: content.purpose,
      encodedList: encodeStatusList(content.bits),
      ttl: STATUS_LIST_TTL_MS,
    },
  };
  return signVcJose(credential, key, content.issuer);
}

/**
 * Verifies a status list credential with the key in its header (whose thumbprint its `kid` must name, under the
 * issuer) and returns what it says and that key's thumbprint (0x hex): whether the ledger registers the key for the
 * authority is the caller's question. INVALID_STATUS_ENTRY names what is wrong.
 */
export async function verifyStatusList(jws: string): Promise<StatusListContent & { thumbprint: string }> {
  const bad = (why: string, cause?: unknown) => new CertLedgerError("INVALID_STATUS_ENTRY", `the status list credential ${why}`, { cause });
  try {
    const { header, payload, thumbprint } = await verifyVcJose(typeof jws === "string" ? jws.trim() : jws);
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(payload));
    } catch (error) {
      throw bad("payload is not JSON", error);
    }
    const parsed = listCredentialSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw bad(`is not a BitstringStatusListCredential: ${issue.path.join(".")}: ${issue.message}`);
    }
    const vc = parsed.data;
    const issuer = typeof vc.issuer === "string" ? vc.issuer : vc.issuer.id;
    checkIssuerNames(header, issuer);
    return {
      url: vc.id,
      issuer,
      purpose: vc.credentialSubject.statusPurpose,
      bits: decodeStatusList(vc.credentialSubject.encodedList),
      validFrom: vc.validFrom,
      thumbprint,
    };
  } catch (error) {
    if (isCertLedgerError(error) && error.code !== "INVALID_STATUS_ENTRY") throw bad(`does not verify: ${error.message}`, error);
    throw error;
  }
}
