/**
 * Opens a certificate's encrypted payload in the browser with the holder's link key (src/crypto/payload-encryption.ts
 * makes it: a General JSON JWE, A256GCM, the link key an A256KW recipient). Only the CID goes to the server; the key
 * stays here. The plaintext is trusted only when its SHA-256 is the certificate's hash.
 */
import { base64url, decodeJwt, generalDecrypt, type GeneralJWE } from "jose";
import { api, apiBytes } from "../shared/api";
import { sha256Hex } from "./document-check";

/** An opened payload: the document, its media type, and whether it is exactly the anchored one. */
export interface OpenedPayload {
  bytes: Uint8Array;
  contentType: string;
  matches: boolean;
}

/** Why a payload could not be opened: not fetched, or the key does not open it. */
export class PayloadError extends Error {
  constructor(
    readonly reason: "unavailable" | "key",
    message: string,
  ) {
    super(message);
    this.name = "PayloadError";
  }
}

/** Fetches payload `cid` and decrypts it with `linkKey` (base64url, 32 bytes). */
export async function openPayload(cid: string, certHash: string, linkKey: string): Promise<OpenedPayload> {
  let jwe: GeneralJWE;
  try {
    const { bytes } = await apiBytes(`/v1/payloads/${encodeURIComponent(cid)}`);
    jwe = JSON.parse(new TextDecoder().decode(bytes)) as GeneralJWE;
  } catch (error) {
    throw new PayloadError("unavailable", (error as Error).message);
  }
  let plaintext: Uint8Array;
  let header: Record<string, unknown>;
  try {
    const key = base64url.decode(linkKey);
    if (key.length !== 32) throw new Error("the link key is not 32 bytes");
    // Only the holder's recipient (A256KW) can open with a link key; the parties' ECDH-ES recipients are skipped.
    const result = await generalDecrypt(jwe, key, { keyManagementAlgorithms: ["A256KW"], contentEncryptionAlgorithms: ["A256GCM"] });
    plaintext = result.plaintext;
    header = result.protectedHeader as Record<string, unknown>;
  } catch (error) {
    throw new PayloadError("key", (error as Error).message);
  }
  const contentType = typeof header.cty === "string" ? header.cty : "application/octet-stream";
  const matches = header.certHash === certHash && (await sha256Hex(plaintext)) === certHash;
  return { bytes: plaintext, contentType, matches };
}

/** The credential inside a VC-JOSE compact JWS (its payload), or undefined when the bytes are not one. */
export function credentialOf(bytes: Uint8Array): Record<string, unknown> | undefined {
  try {
    return decodeJwt(new TextDecoder().decode(bytes).trim()) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/**
 * The payload CID of a certificate anchored in a Merkle batch: the report names only a directly anchored one's (from
 * its event), the chain index also knows a batched one's (from the batch manifest).
 */
export async function batchedPayloadCid(certHash: string): Promise<string | undefined> {
  try {
    const detail = await api<{ certificate?: { payloadCid?: string } }>(`/v1/certificates/${certHash}`);
    return detail.certificate?.payloadCid;
  } catch {
    return undefined;
  }
}
