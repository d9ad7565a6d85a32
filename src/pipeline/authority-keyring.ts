import type { JWK } from "../crypto/keys";

/** A signing key of an issuing authority, decrypted in memory: both halves, its kid and its thumbprint (0x hex). */
export interface AuthoritySigningKey {
  privateJwk: JWK;
  publicJwk: JWK;
  /** The base64url RFC 7638 thumbprint, as JWS headers carry it. */
  kid: string;
  /** The same thumbprint as the ledger's bytes32 hex. */
  thumbprint: string;
}

/** Where the anchoring service finds the key an authority signs credentials with (the server's keyring). */
export interface AuthorityKeyring {
  /** The signing key of `authorityId`, or undefined when this server holds none. */
  signingKey(authorityId: number): AuthoritySigningKey | undefined;
}
