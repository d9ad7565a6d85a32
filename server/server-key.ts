import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { generateSigningKey, jwkThumbprint, p256PrivateJwk, p256PublicJwk, type JWK } from "../src/crypto/keys";
import { CertLedgerError } from "../src/errors";

/** The server's own ES256 key: it signs access tokens and verification receipts. */
export interface ServerKey {
  privateJwk: JWK;
  publicJwk: JWK;
  /** The public key's RFC 7638 thumbprint (base64url). */
  kid: string;
}

/** The file (in the data folder) holding the server's private key, readable by its owner only. */
export const SERVER_KEY_FILE = "server-key.json";
/** The file (in the data folder) holding the server's public key, for whoever checks its receipts. */
export const SERVER_PUBLIC_KEY_FILE = "server-key.pub.json";

/**
 * The server's key from `dataDir`, generated on the first call (private key written with mode 0600, never
 * overwritten). A private key file that group or others may read is refused with INVALID_CONFIG.
 */
export async function loadServerKey(dataDir: string): Promise<ServerKey> {
  const file = path.join(dataDir, SERVER_KEY_FILE);
  const existing = await readKeyFile(file);
  if (existing) return existing;
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const generated = await generateSigningKey();
  const key: ServerKey = { privateJwk: generated.privateJwk, publicJwk: generated.publicJwk, kid: generated.kid };
  try {
    // "wx": two processes starting at once cannot both write a key; the loser reads the winner's.
    await writeFile(file, JSON.stringify(key.privateJwk, null, 2) + "\n", { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return (await readKeyFile(file))!;
    throw new CertLedgerError("INVALID_CONFIG", `cannot write the server key ${file}: ${(error as Error).message}`, { cause: error });
  }
  await writeFile(path.join(dataDir, SERVER_PUBLIC_KEY_FILE), JSON.stringify(key.publicJwk, null, 2) + "\n", { mode: 0o600 });
  return key;
}

async function readKeyFile(file: string): Promise<ServerKey | undefined> {
  let text: string;
  try {
    if (process.platform !== "win32" && ((await stat(file)).mode & 0o077) !== 0) {
      throw new CertLedgerError("INVALID_CONFIG", `the server key ${file} may be read by others; run: chmod 600 ${file}`);
    }
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    if (error instanceof CertLedgerError) throw error;
    throw new CertLedgerError("INVALID_CONFIG", `cannot read the server key ${file}: ${(error as Error).message}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CertLedgerError("INVALID_CONFIG", `the server key ${file} is not JSON`);
  }
  const privateJwk = p256PrivateJwk(json, "server key");
  const { d: _d, ...publicMembers } = privateJwk;
  const publicJwk = p256PublicJwk(publicMembers, "server key");
  const kid = jwkThumbprint(publicJwk);
  return { privateJwk: { ...privateJwk, kid, alg: "ES256" }, publicJwk: { ...publicJwk, kid, alg: "ES256", use: "sig" }, kid };
}
