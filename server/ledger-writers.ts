import type { Signer } from "ethers";
import type { LedgerClient } from "../src/chain/ledger-client";
import { CertLedgerError } from "../src/errors";
import type { Principal } from "./auth";
import type { AppDependencies } from "./dependencies";

/**
 * The ledger client that writes for the caller: a party admin's token writes with its party's admin account, an
 * issuer's with its authority's account. The ledger decides what that account may do; the server only picks it.
 */
export async function writerFor(deps: AppDependencies, principal: Principal): Promise<LedgerClient> {
  return deps.client.withSigner(await signerFor(deps, principal));
}

/** The account the caller acts with: its party's admin account, its authority's or its agency's account (FORBIDDEN when none is held). */
export async function signerFor(deps: AppDependencies, principal: Principal): Promise<Signer> {
  const signer =
    principal.role === "party-admin"
      ? await deps.signerForParty(principal.party)
      : principal.role === "issuer"
        ? await deps.signerForAuthority(principal.authorityId)
        : principal.role === "customs"
          ? await deps.signerForAgency?.(principal.agencyId)
          : undefined;
  if (!signer) {
    const who =
      principal.role === "party-admin"
        ? `an admin account of party ${principal.party}`
        : principal.role === "issuer"
          ? `the account of authority ${principal.authorityId}`
          : principal.role === "customs"
            ? `an account of border agency ${principal.agencyId}`
            : `an account for registration ${principal.registrationId} (a declarant writes through its origin authority)`;
    throw new CertLedgerError("FORBIDDEN", `this server holds no key for ${who}, so it cannot act for this token`);
  }
  return signer;
}
