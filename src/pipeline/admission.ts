/**
 * The admission rules: what is checked against the ledger before a certificate is recorded for anchoring, by the
 * server (anchoring-service.ts) and by the command line's direct mode alike. A recorded batch the ledger then refused
 * would block every later run, and a request accepted must not fail for a reason known at the door.
 */
import type { AuthorityRecord, SigningKeyRecord } from "../chain/ledger-records";
import { CertLedgerError } from "../errors";

/**
 * Unix seconds now, by this machine's clock. Admission uses it, not the chain's time (LedgerClient.now()): a request is
 * accepted while the chain is down, and the ledger checks validity again with its own clock when the anchor is sent.
 */
export function nowSeconds(): bigint {
  return BigInt(Math.floor(Date.now() / 1000));
}

/**
 * The ledger's rules for `authority` (as read, undefined when not registered) anchoring a certificate of `certType`
 * at `now`: registered, of `claimedParty` when the document names one, active, the type in its scope, valid now.
 */
export function admitAuthority(
  authority: AuthorityRecord | undefined,
  authorityId: number,
  certType: number,
  options: { claimedParty?: string; now?: bigint } = {},
): AuthorityRecord {
  if (!authority) throw new CertLedgerError("AUTHORITY_NOT_FOUND", `authority ${authorityId} is not registered on the ledger`);
  if (options.claimedParty !== undefined && authority.party !== options.claimedParty) {
    throw new CertLedgerError(
      "ISSUER_MISMATCH",
      `authority ${authorityId} belongs to party ${authority.party}, not ${options.claimedParty}`,
      {
        details: { field: "issuer.id" },
      },
    );
  }
  if (authority.status !== "Active") throw new CertLedgerError("AUTHORITY_NOT_ACTIVE", `authority ${authorityId} is suspended`);
  if (((authority.scope >> BigInt(certType)) & 1n) === 0n) {
    throw new CertLedgerError("AUTHORITY_NOT_IN_SCOPE", `certificate type ${certType} is not in the scope of authority ${authorityId}`, {
      details: { authorityId, certType },
    });
  }
  const now = options.now ?? nowSeconds();
  if (now < authority.validFrom || now > authority.validUntil) {
    throw new CertLedgerError("AUTHORITY_NOT_VALID_AT", `authority ${authorityId} is not within its validity period now`);
  }
  return authority;
}

/**
 * The rules for the key that signed a credential: `key` (as read, undefined when not registered) is registered to the
 * authority itself (keys are scoped to their authority), never compromised, and valid now. `whose` names it in errors.
 */
export function admitSigningKey(
  key: SigningKeyRecord | undefined,
  authorityId: number,
  thumbprint: string,
  whose = `the credential's signing key ${thumbprint}`,
): void {
  const untrusted = (why: string) => new CertLedgerError("UNTRUSTED_KEY", `${whose} ${why}`, { details: { thumbprint } });
  if (!key) throw untrusted(`is not registered to authority ${authorityId} on the ledger`);
  // The ledger only accepts a compromise time up to its latest block, so any compromise precedes an anchor made now.
  if (key.compromisedAt !== undefined) throw untrusted("is marked compromised");
  const now = nowSeconds();
  if (now < key.validFrom || now > key.validUntil) throw untrusted("is not within its validity period now");
}
