/**
 * The console's sign-in: the pasted access token, kept in sessionStorage (gone when the tab closes). Its payload is
 * decoded only to show who is signed in and to pick the screens; the server checks the signature and decides what
 * the token may do.
 */

const STORAGE_KEY = "certledger.console.token";

/** What the console reads from a token's payload. */
export type Claims = (
  | { role: "issuer"; authorityId: number }
  | { role: "party-admin"; party: string }
  | { role: "customs"; agencyId: number }
  | { role: "declarant"; registrationId: number }
) & {
  exp?: number;
};

/** A signed-in token and its claims. */
export interface Session {
  token: string;
  claims: Claims;
}

/** The claims of a JWT's payload, or undefined when `token` is not a CertLedger access token's shape. */
export function decodeClaims(token: string): Claims | undefined {
  const parts = token.split(".");
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]+$/.test(part))) return undefined;
  let payload: unknown;
  try {
    const base64 = parts[1].replace(/-/g, "+").replace(/_/g, "/");
    const binary = atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), "="));
    payload = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
  } catch {
    return undefined;
  }
  if (typeof payload !== "object" || payload === null) return undefined;
  const p = payload as Record<string, unknown>;
  const exp = typeof p.exp === "number" ? p.exp : undefined;
  if (p.role === "issuer" && typeof p.authorityId === "number") return { role: "issuer", authorityId: p.authorityId, exp };
  if (p.role === "party-admin" && typeof p.party === "string") return { role: "party-admin", party: p.party, exp };
  if (p.role === "customs" && typeof p.agencyId === "number") return { role: "customs", agencyId: p.agencyId, exp };
  if (p.role === "declarant" && typeof p.registrationId === "number") return { role: "declarant", registrationId: p.registrationId, exp };
  return undefined;
}

/** The session kept in this tab, if any. */
export function loadSession(): Session | undefined {
  const token = sessionStorage.getItem(STORAGE_KEY);
  const claims = token === null ? undefined : decodeClaims(token);
  return token !== null && claims ? { token, claims } : undefined;
}

/** Keeps `session` for this tab. */
export function saveSession(session: Session): void {
  sessionStorage.setItem(STORAGE_KEY, session.token);
}

/** Forgets the token. */
export function clearSession(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}
