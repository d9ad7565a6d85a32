/** What every console screen works with: the translator, the signed-in token, and what the ledger says about its holder. */
import { api, type ApiOptions } from "../shared/api";
import type { ConsoleTranslator } from "./i18n";
import type { Session } from "./session";

/** An issuing authority as the API shows it. */
export interface AuthorityView {
  id: number;
  party: string;
  name: string;
  status: "Active" | "Suspended";
  scope: number[];
  validFrom: string;
  validUntil: string;
  accounts: string[];
}

/** A party of the consortium as GET /v1/parties lists it. */
export interface PartyView {
  code: string;
  status: "Active" | "Suspended";
  encryptionKey: boolean;
}

/** The signed-in console. */
export interface ConsoleContext {
  t: ConsoleTranslator;
  session: Session;
  /** The party the token acts in (an issuer's authority's party, or the admin's). */
  party: string;
  /** The issuer token's authority (undefined for a party admin). */
  authority?: AuthorityView;
  /** The customs token's border agency (undefined for the others). */
  agency?: AgencyView;
  parties: PartyView[];
  /** Calls the API with the session's token. */
  call<T>(path: string, options?: Omit<ApiOptions, "token">): Promise<T>;
}

/**
 * Opens the console for `session`: the first call presents the token (a wrong or expired one is refused here, with
 * the server's reason), then reads the issuer's authority.
 */
export async function openConsole(t: ConsoleTranslator, session: Session): Promise<ConsoleContext> {
  const call = <T>(path: string, options: Omit<ApiOptions, "token"> = {}) => api<T>(path, { ...options, token: session.token });
  const { parties } = await call<{ parties: PartyView[] }>("/v1/parties");
  const { claims } = session;
  if (claims.role === "issuer") {
    const authority = await call<AuthorityView>(`/v1/authorities/${claims.authorityId}`);
    return { t, session, party: authority.party, authority, parties, call };
  }
  if (claims.role === "customs") {
    const agency = await call<AgencyView>(`/v1/agencies/${claims.agencyId}`);
    return { t, session, party: agency.party, agency, parties, call };
  }
  // A registered trader's party is its registration's; its screen does not need it (the server knows the token's).
  if (claims.role === "declarant") return { t, session, party: "", parties, call };
  return { t, session, party: claims.party, parties, call };
}

/** A border agency as GET /v1/agencies/{id} answers it. */
export interface AgencyView {
  id: number;
  party: string;
  name: string;
  status: string;
}
