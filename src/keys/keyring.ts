import { randomBytes } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { Signer } from "ethers";
import { z } from "zod";
import { loadJose } from "../crypto/jose";
import { jwkThumbprint, jwkThumbprintHex, p256PrivateJwk, p256PublicJwk, type GeneratedKey, type JWK } from "../crypto/keys";
import { CertLedgerError } from "../errors";
import { writeFileAtomically } from "../atomic-file";

/** A signing key of an authority, decrypted in memory. */
export interface AuthoritySigningKey {
  privateJwk: JWK;
  publicJwk: JWK;
  kid: string;
  thumbprint: string;
}

/** How the keyring gets a signer for an on-chain account (an unlocked development account, or an encrypted keystore). */
export type AccountSigner = (address: string) => Promise<Signer>;

const FILE = "keyring.json";
const PBES2 = "PBES2-HS512+A256KW";
/**
 * PBKDF2-HMAC-SHA512 iterations per encrypted key: OWASP's current guidance (Password Storage Cheat Sheet) for
 * PBKDF2-HMAC-SHA512. About 125 ms per key on one core of a 2020s server, paid at start-up (each key is read once)
 * and on each write. Keyrings written before (2,048, jose's default) are read and re-wrapped at this count on their
 * next write.
 */
export const KEYRING_PBES2_ITERATIONS = 210_000;
/** The most iterations a keyring entry may ask for: a damaged or forged header cannot make the server spin for hours. */
const MAX_PBES2_ITERATIONS = 10_000_000;
const DATA_KEY_BYTES = 32;
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
const keyringSchema = z.object({
  version: z.literal(1),
  authorities: z.record(z.string().regex(/^\d+$/), z.object({ account: address, signingKey: z.string() })),
  // encryptionKey: the party's private encryption key (a JWE like the signing keys), which opens payloads addressed to it.
  parties: z.record(z.string().regex(/^[A-Z]{2}$/), z.object({ admin: address, encryptionKey: z.string().optional() })),
  // The border agencies this server writes outcomes for, by id: the account each writes from (keyrings before #14 have none).
  agencies: z.record(z.string().regex(/^\d+$/), z.object({ account: address })).optional(),
  // The registered exporters and importers this server declares for, by registration id: each one's own signing key
  // (absent for a trader that holds its key itself) and its details (name, address), JWEs decrypted on first use.
  declarants: z.record(z.string().regex(/^\d+$/), z.object({ signingKey: z.string().optional(), details: z.string() })).optional(),
  // Each service secret is made on first use: a keyring may hold either without the other.
  service: z.object({ receiptKey: z.string().optional(), dataKey: z.string().optional() }).optional(),
});
type KeyringFile = z.infer<typeof keyringSchema>;

/**
 * The secrets a party's server acts with: for each of its issuing authorities the account that anchors and the private
 * signing key (JWK) that signs credentials, for each of its parties the admin account, and the service's receipt key.
 * Private JWKs are kept on disk only encrypted (JWE, PBES2-HS512+A256KW with the keyring password, 210,000
 * iterations); accounts come from `accountSigner`, so their keys stay in their own keystores or node.
 */
export class Keyring {
  readonly #file: string;
  readonly #password: Uint8Array;
  readonly #accountSigner: AccountSigner;
  #data: KeyringFile;
  readonly #keys = new Map<number, AuthoritySigningKey>();
  readonly #partyKeys = new Map<string, AuthoritySigningKey>();
  readonly #declarants = new Map<number, { key?: AuthoritySigningKey; details: Record<string, string> }>();
  /** One signer per account, shared (so one NonceSigner orders its nonces): the promise is kept, so that the first
   *  concurrent requests for an account wait for the same signer rather than each making one. */
  readonly #signers = new Map<string, Promise<Signer>>();
  #receiptKey: AuthoritySigningKey | undefined;
  #dataKey: Uint8Array | undefined;
  readonly #iterations: number;

  private constructor(file: string, password: string, accountSigner: AccountSigner, data: KeyringFile, iterations: number) {
    this.#file = file;
    this.#iterations = iterations;
    this.#password = new TextEncoder().encode(password);
    this.#accountSigner = accountSigner;
    this.#data = data;
  }

  /**
   * Opens (or creates, empty) the keyring in `dir`, decrypting its keys with `password`. `testOnlyIterations` writes
   * keys with fewer PBES2 iterations than {@link KEYRING_PBES2_ITERATIONS}, to keep test suites fast: nothing but a
   * test passes it, and it cannot be set from the environment.
   */
  static async open(
    dir: string,
    options: { password: string; accountSigner: AccountSigner; testOnlyIterations?: number },
  ): Promise<Keyring> {
    if (options.password.length < 8) throw new CertLedgerError("INVALID_CONFIG", "the keyring password must have at least 8 characters");
    const iterations = options.testOnlyIterations ?? KEYRING_PBES2_ITERATIONS;
    if (!Number.isInteger(iterations) || iterations < 1000 || iterations > MAX_PBES2_ITERATIONS) {
      throw new CertLedgerError("INVALID_CONFIG", `PBES2 iterations must be a whole number from 1000 to ${MAX_PBES2_ITERATIONS}`);
    }
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const file = path.join(dir, FILE);
    let data: KeyringFile = { version: 1, authorities: {}, parties: {} };
    const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return undefined;
      throw new CertLedgerError("INVALID_KEYSTORE", `cannot read the keyring ${file}`, { cause: error });
    });
    if (text !== undefined) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new CertLedgerError("INVALID_KEYSTORE", `keyring ${file} is not JSON`);
      }
      const parsed = keyringSchema.safeParse(json);
      if (!parsed.success)
        throw new CertLedgerError(
          "INVALID_KEYSTORE",
          `keyring ${file}: ${parsed.error.issues[0].path.join(".")}: ${parsed.error.issues[0].message}`,
        );
      data = parsed.data;
    }
    const keyring = new Keyring(file, options.password, options.accountSigner, data, iterations);
    for (const [id, entry] of Object.entries(data.authorities)) keyring.#keys.set(Number(id), await keyring.#decrypt(entry.signingKey));
    for (const [code, entry] of Object.entries(data.parties)) {
      if (entry.encryptionKey) keyring.#partyKeys.set(code, await keyring.#decrypt(entry.encryptionKey));
    }
    if (data.service?.receiptKey) keyring.#receiptKey = await keyring.#decrypt(data.service.receiptKey);
    if (data.service?.dataKey) keyring.#dataKey = await keyring.#decryptBytes(data.service.dataKey);
    return keyring;
  }

  /** The signing key of `authorityId`, when this server holds it. */
  signingKey(authorityId: number): AuthoritySigningKey | undefined {
    return this.#keys.get(authorityId);
  }

  /** The authorities this server acts for. */
  authorityIds(): number[] {
    return [...this.#keys.keys()].sort((a, b) => a - b);
  }

  /** The parties this server administers. */
  partyCodes(): string[] {
    return Object.keys(this.#data.parties).sort();
  }

  /** The account `authorityId` anchors from, when this server holds it. */
  authorityAccount(authorityId: number): string | undefined {
    return this.#data.authorities[String(authorityId)]?.account;
  }

  /** A signer for `authorityId`'s account. */
  async signerFor(authorityId: number): Promise<Signer | undefined> {
    const account = this.authorityAccount(authorityId);
    return account === undefined ? undefined : this.#signer(account);
  }

  /** A signer for the admin account of `party`. */
  async signerForParty(party: string): Promise<Signer | undefined> {
    const admin = this.#data.parties[party]?.admin;
    return admin === undefined ? undefined : this.#signer(admin);
  }

  /** The account `agencyId` writes outcomes from, when this server holds it. */
  agencyAccount(agencyId: number): string | undefined {
    return this.#data.agencies?.[String(agencyId)]?.account;
  }

  /** A signer for `agencyId`'s account. */
  async signerForAgency(agencyId: number): Promise<Signer | undefined> {
    const account = this.agencyAccount(agencyId);
    return account === undefined ? undefined : this.#signer(account);
  }

  /** The border agencies this server acts for. */
  agencyIds(): number[] {
    return Object.keys(this.#data.agencies ?? {})
      .map(Number)
      .sort((a, b) => a - b);
  }

  /** Records that this server writes for border agency `agencyId` from `account`. */
  async addAgency(agencyId: number, account: string): Promise<void> {
    this.#data.agencies = { ...this.#data.agencies, [String(agencyId)]: { account } };
    await this.#save();
  }

  /**
   * Keeps registered trader `registrationId`'s details (name, address) and, when this server holds it, its own signing
   * key, encrypted (a trader that holds its key itself registered only its public half).
   */
  async addDeclarant(registrationId: number, key: { privateJwk: JWK } | undefined, details: Record<string, string>): Promise<void> {
    const sealed = await this.#encryptBytes(new TextEncoder().encode(JSON.stringify(details)));
    const signingKey = key === undefined ? undefined : await this.#encrypt(key.privateJwk);
    this.#data.declarants = { ...this.#data.declarants, [String(registrationId)]: { ...(signingKey && { signingKey }), details: sealed } };
    this.#declarants.set(registrationId, { key: key && toSigningKey(key.privateJwk), details });
    await this.#save();
  }

  /** Registered trader `registrationId`'s details and its signing key (when this server holds it), if registered here. */
  async declarant(registrationId: number): Promise<{ key?: AuthoritySigningKey; details: Record<string, string> } | undefined> {
    const known = this.#declarants.get(registrationId);
    if (known) return known;
    const entry = this.#data.declarants?.[String(registrationId)];
    if (!entry) return undefined;
    const opened = {
      key: entry.signingKey === undefined ? undefined : await this.#decrypt(entry.signingKey),
      details: JSON.parse(new TextDecoder().decode(await this.#decryptBytes(entry.details))) as Record<string, string>,
    };
    this.#declarants.set(registrationId, opened);
    return opened;
  }

  /** The key the service signs verification receipts with, created on first use. */
  async receiptKey(generate: () => Promise<GeneratedKey>): Promise<AuthoritySigningKey> {
    if (!this.#receiptKey) {
      const key = await generate();
      this.#data.service = { ...this.#data.service, receiptKey: await this.#encrypt(key.privateJwk) };
      this.#receiptKey = toSigningKey(key.privateJwk);
      await this.#save();
    }
    return this.#receiptKey;
  }

  /**
   * The service's data key (32 random bytes, created on first use): it encrypts secrets the server keeps in bulk, such
   * as its certificates' link keys, with a fast cipher, so that only this one key pays for the password's PBES2.
   */
  async dataKey(): Promise<Uint8Array> {
    if (!this.#dataKey) {
      const key = new Uint8Array(randomBytes(DATA_KEY_BYTES));
      this.#data.service = { ...this.#data.service, dataKey: await this.#encryptBytes(key) };
      this.#dataKey = key;
      await this.#save();
    }
    return this.#dataKey;
  }

  /** Records that this server acts for `authorityId` from `account` and signs with `key`. */
  async addAuthority(authorityId: number, account: string, key: { privateJwk: JWK }): Promise<void> {
    this.#data.authorities[String(authorityId)] = { account, signingKey: await this.#encrypt(key.privateJwk) };
    this.#keys.set(authorityId, toSigningKey(key.privateJwk));
    await this.#save();
  }

  /** Records that this server administers `party` from `admin`. */
  async addParty(party: string, admin: string): Promise<void> {
    this.#data.parties[party] = { ...this.#data.parties[party], admin };
    await this.#save();
  }

  /** The encryption key (ECDH-ES, P-256) that opens payloads addressed to `party`, when this server holds it. */
  partyEncryptionKey(party: string): AuthoritySigningKey | undefined {
    return this.#partyKeys.get(party);
  }

  /** The encryption key of `party` (one this server administers), made with `generate` and kept on first use. */
  async ensurePartyEncryptionKey(party: string, generate: () => Promise<GeneratedKey>): Promise<AuthoritySigningKey> {
    const entry = this.#data.parties[party];
    if (!entry) throw new CertLedgerError("NO_SIGNER", `this server does not administer party ${party}`);
    let key = this.#partyKeys.get(party);
    if (!key) {
      const generated = await generate();
      entry.encryptionKey = await this.#encrypt(generated.privateJwk);
      key = toSigningKey(generated.privateJwk);
      this.#partyKeys.set(party, key);
      await this.#save();
    }
    return key;
  }

  async #signer(account: string): Promise<Signer> {
    let signer = this.#signers.get(account);
    if (!signer) {
      signer = this.#accountSigner(account);
      this.#signers.set(account, signer);
      signer.catch(() => this.#signers.delete(account));
    }
    return signer;
  }

  async #encrypt(privateJwk: JWK): Promise<string> {
    return this.#encryptBytes(new TextEncoder().encode(JSON.stringify(p256PrivateJwk(privateJwk))));
  }

  async #decrypt(jwe: string): Promise<AuthoritySigningKey> {
    const plaintext = await this.#decryptBytes(jwe);
    try {
      return toSigningKey(JSON.parse(new TextDecoder().decode(plaintext)) as JWK);
    } catch (error) {
      if (error instanceof CertLedgerError) throw error;
      throw new CertLedgerError("INVALID_KEYSTORE", `the keyring ${this.#file} holds a key that is not a P-256 JWK`);
    }
  }

  async #encryptBytes(plaintext: Uint8Array): Promise<string> {
    const jose = await loadJose();
    return new jose.CompactEncrypt(plaintext)
      .setProtectedHeader({ alg: PBES2, enc: "A256GCM" })
      .setKeyManagementParameters({ p2c: this.#iterations })
      .encrypt(this.#password);
  }

  async #decryptBytes(jwe: string): Promise<Uint8Array> {
    const jose = await loadJose();
    try {
      const { plaintext } = await jose.compactDecrypt(jwe, this.#password, {
        keyManagementAlgorithms: [PBES2],
        maxPBES2Count: MAX_PBES2_ITERATIONS,
      });
      return plaintext;
    } catch {
      throw new CertLedgerError("WRONG_PASSWORD", `cannot decrypt the keyring ${this.#file}: wrong password or a damaged file`);
    }
  }

  /** Whether `jwe` was written with fewer iterations than this keyring writes (an older keyring's entry). */
  async #weak(jwe: string): Promise<boolean> {
    const jose = await loadJose();
    const { p2c } = jose.decodeProtectedHeader(jwe);
    return typeof p2c !== "number" || p2c < this.#iterations;
  }

  /** Encrypts again, at this keyring's iteration count, every entry an older keyring wrote with fewer. */
  async #rewrapWeakEntries(): Promise<void> {
    for (const [id, entry] of Object.entries(this.#data.authorities)) {
      const key = this.#keys.get(Number(id));
      if (key && (await this.#weak(entry.signingKey))) entry.signingKey = await this.#encrypt(key.privateJwk);
    }
    for (const [code, entry] of Object.entries(this.#data.parties)) {
      const key = this.#partyKeys.get(code);
      if (key && entry.encryptionKey && (await this.#weak(entry.encryptionKey))) entry.encryptionKey = await this.#encrypt(key.privateJwk);
    }
    const service = this.#data.service;
    if (service?.receiptKey && this.#receiptKey && (await this.#weak(service.receiptKey))) {
      service.receiptKey = await this.#encrypt(this.#receiptKey.privateJwk);
    }
    if (service?.dataKey && this.#dataKey && (await this.#weak(service.dataKey))) service.dataKey = await this.#encryptBytes(this.#dataKey);
  }

  async #save(): Promise<void> {
    await this.#rewrapWeakEntries();
    await writeFileAtomically(this.#file, JSON.stringify(this.#data, null, 2) + "\n");
  }
}

function toSigningKey(privateJwk: JWK): AuthoritySigningKey {
  const priv = p256PrivateJwk(privateJwk);
  const publicJwk = p256PublicJwk({ kty: priv.kty, crv: priv.crv, x: priv.x, y: priv.y });
  return { privateJwk: priv, publicJwk, kid: jwkThumbprint(publicJwk), thumbprint: jwkThumbprintHex(publicJwk) };
}
