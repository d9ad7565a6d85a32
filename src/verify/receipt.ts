import { jwkThumbprint, p256PrivateJwk, p256PublicJwk, type JWK } from "../crypto/keys";
import { loadJose } from "../crypto/jose";
import { CertLedgerError } from "../errors";
import { verificationReportSchema, type VerificationReport } from "./report";

/** The JWS `typ` of a verification receipt. */
export const RECEIPT_TYPE = "certledger-receipt+jwt";

/** The verifying service's signing key. */
export interface ReceiptSigningKey {
  privateJwk: JWK;
  publicJwk: JWK;
  kid: string;
}

/**
 * Signs `report` as a verification receipt a bank can keep: a compact JWS (ES256) whose payload is the report, with
 * the service's public key in the header (its thumbprint is the kid), so the receipt can be checked years later.
 */
export async function signReceipt(report: VerificationReport, key: ReceiptSigningKey): Promise<string> {
  const publicJwk = p256PublicJwk(key.publicJwk, "receipt public key");
  if (jwkThumbprint(publicJwk) !== key.kid) throw new CertLedgerError("INVALID_KEY", "the receipt key's kid is not its thumbprint");
  const jose = await loadJose();
  const privateKey = await jose.importJWK(p256PrivateJwk(key.privateJwk, "receipt private key"), "ES256");
  const payload = new TextEncoder().encode(JSON.stringify(verificationReportSchema.parse(report)));
  return new jose.CompactSign(payload)
    .setProtectedHeader({ alg: "ES256", typ: RECEIPT_TYPE, kid: key.kid, jwk: publicJwk })
    .sign(privateKey);
}

/**
 * Verifies a receipt's signature and returns its report and signer. With `trustedKids`, the signer must be one of
 * them (UNTRUSTED_RECEIPT_KEY otherwise); a bad signature or a malformed receipt is INVALID_RECEIPT.
 */
export async function verifyReceipt(
  receipt: string,
  options: { trustedKids?: string[] } = {},
): Promise<{ report: VerificationReport; kid: string }> {
  const jose = await loadJose();
  let header: { alg?: string; typ?: string; kid?: string; jwk?: JWK };
  try {
    header = jose.decodeProtectedHeader(receipt.trim()) as typeof header;
  } catch {
    throw new CertLedgerError("INVALID_RECEIPT", "the receipt is not a compact JWS");
  }
  if (header.alg !== "ES256" || header.typ !== RECEIPT_TYPE || !header.kid || !header.jwk) {
    throw new CertLedgerError("INVALID_RECEIPT", `the receipt's header must have alg ES256, typ ${RECEIPT_TYPE}, kid and jwk`);
  }
  const publicJwk = p256PublicJwk(header.jwk, "receipt header jwk");
  if (jwkThumbprint(publicJwk) !== header.kid)
    throw new CertLedgerError("INVALID_RECEIPT", "the receipt's kid is not the thumbprint of its jwk");
  if (options.trustedKids && !options.trustedKids.includes(header.kid)) {
    throw new CertLedgerError("UNTRUSTED_RECEIPT_KEY", `the receipt was signed by key ${header.kid}, which is not trusted here`);
  }
  let payload: Uint8Array;
  try {
    ({ payload } = await jose.compactVerify(receipt.trim(), await jose.importJWK(publicJwk, "ES256"), { algorithms: ["ES256"] }));
  } catch {
    throw new CertLedgerError("INVALID_RECEIPT", "the receipt's signature does not verify: it was altered or not signed by its key");
  }
  const parsed = verificationReportSchema.safeParse(JSON.parse(new TextDecoder().decode(payload)));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CertLedgerError("INVALID_RECEIPT", `the receipt's report: ${issue.path.join(".")}: ${issue.message}`);
  }
  return { report: parsed.data, kid: header.kid };
}
