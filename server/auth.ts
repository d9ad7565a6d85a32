import { randomUUID, webcrypto } from "node:crypto";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { z } from "zod";
import { loadJose } from "../src/crypto/jose";
import { p256PrivateJwk, p256PublicJwk } from "../src/crypto/keys";
import { CertLedgerError } from "../src/errors";
import { parseDuration } from "./duration";
import type { ServerKey } from "./server-key";
import type { TokenRevocations } from "./token-revocations";

/**
 * Bearer access tokens: JWTs (RFC 9068 `at+jwt`, ES256) signed by the server's own key. Three roles:
 * `issuer` acts for one issuing authority (claim `authorityId`), `party-admin` for one party (claim `party`), and
 * `customs` for one border agency (claim `agencyId`), which answers for certificates presented at its party's border,
 * and `declarant` for one registered exporter or importer (claim `registrationId`), which declares origin.
 */

/** What a caller may be. */
export const ROLES = ["issuer", "party-admin", "customs", "declarant"] as const;
export type Role = (typeof ROLES)[number];

/** What a token stands for, without its id. */
export type PrincipalClaims =
  | { role: "issuer"; authorityId: number }
  | { role: "party-admin"; party: string }
  | { role: "customs"; agencyId: number }
  | { role: "declarant"; registrationId: number };

/** The authenticated caller of a request. */
export type Principal = PrincipalClaims & { tokenId: string };

/** What a token is minted for; `ttl` in seconds or as "90m", "12h", "30d" (default: JWT_TTL). */
export type MintTokenInput = PrincipalClaims & {
  ttl?: number | string;
};

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      /** The caller, once a bearer token was checked. */
      principal?: Principal;
    }
  }
}

const TOKEN_TYPE = "at+jwt";
const AUDIENCE = "certledger-api";
const BEARER = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+) *$/i;

const claimsSchema = z.discriminatedUnion("role", [
  z.object({ role: z.literal("issuer"), authorityId: z.number().int().min(1).max(0xffffffff), jti: z.string().min(1) }),
  z.object({
    role: z.literal("party-admin"),
    party: z.string().regex(/^[A-Z]{2}$/, "must be two upper-case letters"),
    jti: z.string().min(1),
  }),
  z.object({ role: z.literal("customs"), agencyId: z.number().int().min(1).max(0xffffffff), jti: z.string().min(1) }),
  z.object({ role: z.literal("declarant"), registrationId: z.number().int().min(1).max(0xffffffff), jti: z.string().min(1) }),
]);

/** A token's claims, as {@link Auth.inspectToken} reads them to revoke it. */
export interface TokenClaims {
  principal: Principal;
  /** `authority:<id>`, `party:<code>`, `agency:<id>` or `registration:<id>`. */
  subject: string;
  /** Seconds. */
  expiresAt: number;
}

/** Mints and checks access tokens, and guards routes by role. */
export class Auth {
  readonly #key: ServerKey;
  readonly #issuer: string;
  readonly #defaultTtlSeconds: number;
  readonly #revocations: Pick<TokenRevocations, "isRevoked"> | undefined;
  #keys: Promise<{ privateKey: webcrypto.CryptoKey; publicKey: webcrypto.CryptoKey }> | undefined;

  /** `revocations`: the tokens revoked before they expire (their `jti`), refused with TOKEN_REVOKED. */
  constructor(key: ServerKey, options: { issuer: string; defaultTtlSeconds: number; revocations?: Pick<TokenRevocations, "isRevoked"> }) {
    this.#key = key;
    this.#issuer = options.issuer;
    this.#defaultTtlSeconds = options.defaultTtlSeconds;
    this.#revocations = options.revocations;
  }

  /** A signed access token for `input.role`, valid for `input.ttl` (default: the configured JWT_TTL). */
  async mintToken(input: MintTokenInput): Promise<string> {
    const ttl = typeof input.ttl === "number" ? input.ttl : input.ttl === undefined ? this.#defaultTtlSeconds : parseDuration(input.ttl);
    if (ttl === undefined || !Number.isInteger(ttl) || ttl < 1) {
      throw new CertLedgerError("INVALID_REQUEST", `ttl ${JSON.stringify(input.ttl)} is not a duration such as "3600", "12h" or "30d"`);
    }
    const claims = { ...principalClaims(input), jti: randomUUID() };
    const checked = claimsSchema.safeParse(claims);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      throw new CertLedgerError("INVALID_REQUEST", `token claim ${issue.path.join(".")}: ${issue.message}`);
    }
    const jose = await loadJose();
    const subject = subjectOf(input);
    return new jose.SignJWT(checked.data)
      .setProtectedHeader({ alg: "ES256", typ: TOKEN_TYPE, kid: this.#key.kid })
      .setIssuer(this.#issuer)
      .setAudience(AUDIENCE)
      .setSubject(subject)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + ttl)
      .sign((await this.#cryptoKeys()).privateKey);
  }

  /**
   * The caller a token stands for; TOKEN_EXPIRED, TOKEN_REVOKED or INVALID_TOKEN when it cannot be trusted. A token
   * without a `jti` is invalid: it could not be revoked.
   */
  async verifyToken(token: string): Promise<Principal> {
    const { principal } = await this.#claims(token, new Date());
    if (this.#revocations?.isRevoked(principal.tokenId)) {
      throw new CertLedgerError("TOKEN_REVOKED", "the access token was revoked by its party's admin");
    }
    return principal;
  }

  /** The claims of a token this server signed, expired or revoked ones included (to revoke it); INVALID_TOKEN otherwise. */
  async inspectToken(token: string): Promise<TokenClaims> {
    // Checked as of the epoch, so an expired token still reads: revoking it is harmless, and says when it expired.
    return this.#claims(token, new Date(0));
  }

  async #claims(token: string, currentDate: Date): Promise<TokenClaims> {
    const jose = await loadJose();
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jose.jwtVerify(token, (await this.#cryptoKeys()).publicKey, {
        algorithms: ["ES256"],
        typ: TOKEN_TYPE,
        issuer: this.#issuer,
        audience: AUDIENCE,
        requiredClaims: ["exp", "iat", "sub", "jti"],
        currentDate,
      }));
    } catch (error) {
      if ((error as { code?: string }).code === "ERR_JWT_EXPIRED")
        throw new CertLedgerError("TOKEN_EXPIRED", "the access token has expired");
      throw new CertLedgerError("INVALID_TOKEN", "the access token is not one this server issued, or it was altered");
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) throw new CertLedgerError("INVALID_TOKEN", "the access token does not name a role this server knows");
    const c = claims.data;
    const principal: Principal = { ...principalClaims(c), tokenId: c.jti };
    return { principal, subject: String(payload.sub), expiresAt: Number(payload.exp) };
  }

  /** The caller of `req` from its Authorization header, or undefined when it has none; a bad token throws. */
  async authenticate(req: Request): Promise<Principal | undefined> {
    const header = req.get("authorization");
    if (header === undefined || header.trim() === "") return undefined;
    const match = BEARER.exec(header);
    if (!match) {
      throw new CertLedgerError(
        /^Bearer\b/i.test(header) ? "INVALID_TOKEN" : "UNAUTHENTICATED",
        "the Authorization header must be `Bearer <token>`",
      );
    }
    return this.verifyToken(match[1]);
  }

  /** Middleware: the caller must present a valid token of one of `roles` (401 without one, 403 with another role). */
  requireRole(...roles: Role[]): RequestHandler {
    return async (req: Request, res: Response, next: NextFunction) => {
      const principal = await this.authenticate(req);
      if (!principal) throw new CertLedgerError("UNAUTHENTICATED", "this operation needs a bearer access token");
      if (!roles.includes(principal.role)) {
        throw new CertLedgerError("FORBIDDEN", `this operation is for ${roles.join(" or ")} tokens, not ${principal.role}`);
      }
      res.locals.principal = principal;
      next();
    };
  }

  /** Middleware: a token is optional, but one that is presented must be valid; the caller lands in `res.locals.principal`. */
  optional(): RequestHandler {
    return async (req: Request, res: Response, next: NextFunction) => {
      res.locals.principal = await this.authenticate(req);
      next();
    };
  }

  #cryptoKeys(): Promise<{ privateKey: webcrypto.CryptoKey; publicKey: webcrypto.CryptoKey }> {
    this.#keys ??= (async () => {
      const jose = await loadJose();
      const privateKey = await jose.importJWK(p256PrivateJwk(this.#key.privateJwk, "server key"), "ES256");
      const publicKey = await jose.importJWK(p256PublicJwk(this.#key.publicJwk, "server key"), "ES256");
      return { privateKey: privateKey as webcrypto.CryptoKey, publicKey: publicKey as webcrypto.CryptoKey };
    })();
    return this.#keys;
  }
}

/** The authenticated caller of a request guarded by {@link Auth.requireRole}. */
export function principalOf(res: Response): Principal {
  const principal = res.locals.principal;
  if (!principal) throw new CertLedgerError("UNAUTHENTICATED", "this operation needs a bearer access token");
  return principal;
}

/** Only the claims that say who the caller is (what a token minted for `input` carries). */
function principalClaims(input: PrincipalClaims): PrincipalClaims {
  switch (input.role) {
    case "issuer":
      return { role: input.role, authorityId: input.authorityId };
    case "party-admin":
      return { role: input.role, party: input.party };
    case "customs":
      return { role: input.role, agencyId: input.agencyId };
    case "declarant":
      return { role: input.role, registrationId: input.registrationId };
  }
}

/** A token's `sub`: `authority:<id>`, `party:<code>`, `agency:<id>` or `registration:<id>`. */
export function subjectOf(claims: PrincipalClaims): string {
  switch (claims.role) {
    case "issuer":
      return `authority:${claims.authorityId}`;
    case "party-admin":
      return `party:${claims.party}`;
    case "customs":
      return `agency:${claims.agencyId}`;
    case "declarant":
      return `registration:${claims.registrationId}`;
  }
}
