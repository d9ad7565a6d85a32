/**
 * Linked certificates: the certificates a verified credential says it rests on (a conformity certificate's test
 * report, linked by certHash in an assessment's `evidence`), each verified in turn, so that a certificate granted on
 * a revoked or forged test report shows it.
 */
import { credentialEvidence } from "../documents/credentials";
import { decodeCredentialJws, VC_JWT_MEDIA_TYPE } from "../documents/vc-jose";
import type { DecryptedDocument } from "./checks";
import type { GivenDocument } from "./input";
import type { LinkedCertificate } from "./report";

/** At most this many links are followed per certificate: a credential could otherwise make one verification do hundreds. */
export const MAX_LINKS = 10;

/**
 * The certHashes the certificate's credential links, read from the document given or the payload opened with a key;
 * none when neither is a credential (a hash alone says nothing about links: the payload is encrypted).
 */
export function linkedCertHashes(given: GivenDocument | undefined, opened: DecryptedDocument | undefined): string[] {
  let jws: string | undefined;
  if (given?.kind === "credential") jws = given.jws;
  else if (opened !== undefined && opened.contentType === VC_JWT_MEDIA_TYPE) jws = new TextDecoder().decode(opened.bytes);
  if (jws === undefined) return [];
  try {
    return credentialEvidence(decodeCredentialJws(jws).credential).slice(0, MAX_LINKS);
  } catch {
    // The payload matched the anchored hash, so it is the issuer's document; one that is no credential links nothing.
    return [];
  }
}

/** Verifies each linked certHash (by hash, for the same party and time) and says what it found. */
export async function verifyLinked(
  certHashes: string[],
  verify: (certHash: string) => Promise<{ verdict: LinkedCertificate["verdict"]; certTypeName?: string; party?: string }>,
): Promise<LinkedCertificate[]> {
  return Promise.all(
    certHashes.map(async (certHash) => {
      const { verdict, certTypeName, party } = await verify(certHash);
      return { certHash, relation: "evidence" as const, verdict, certTypeName, party };
    }),
  );
}
