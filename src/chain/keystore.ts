import { link, mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { inspect } from "node:util";
import {
  AbstractSigner,
  Wallet,
  decryptKeystoreJson,
  encryptKeystoreJson,
  isKeystoreJson,
  type BaseWallet,
  type Provider,
  type TransactionRequest,
  type TypedDataDomain,
  type TypedDataField,
} from "ethers";
import { CertLedgerError } from "../errors";

/**
 * A signer whose key came from an encrypted keystore. It signs locally and exposes only its address: unlike an
 * ethers `Wallet` it has no `privateKey` property, and printing or serialising it shows the address alone, so
 * the key cannot end up in a log or an API response by accident.
 */
export class KeystoreSigner extends AbstractSigner {
  readonly address: string;
  readonly #wallet: BaseWallet;

  /** Wraps `wallet`; use {@link loadKeystoreSigner} rather than calling this with a key in hand. */
  constructor(wallet: BaseWallet, provider?: Provider | null) {
    super(provider ?? wallet.provider);
    this.#wallet = wallet;
    this.address = wallet.address;
  }

  /** The account's address. */
  async getAddress(): Promise<string> {
    return this.address;
  }

  /** The same key, connected to `provider`. */
  connect(provider: Provider | null): KeystoreSigner {
    return new KeystoreSigner(this.#wallet, provider);
  }

  /** Signs `tx` (populated by the caller or by {@link AbstractSigner.populateTransaction}). */
  async signTransaction(tx: TransactionRequest): Promise<string> {
    return this.#wallet.signTransaction(tx);
  }

  /** Signs an EIP-191 message. */
  async signMessage(message: string | Uint8Array): Promise<string> {
    return this.#wallet.signMessage(message);
  }

  /** Signs EIP-712 typed data. */
  async signTypedData(domain: TypedDataDomain, types: Record<string, TypedDataField[]>, value: Record<string, unknown>): Promise<string> {
    return this.#wallet.signTypedData(domain, types, value);
  }

  /** What `JSON.stringify` shows: the address only. */
  toJSON(): { address: string } {
    return { address: this.address };
  }

  /** What `console.log` shows: the address only. */
  [inspect.custom](): string {
    return `KeystoreSigner { address: '${this.address}' }`;
  }
}

/** Loads the account of the encrypted JSON keystore `file` (ethers / geth format), connected to `provider`. */
export async function loadKeystoreSigner(file: string, password: string, provider?: Provider | null): Promise<KeystoreSigner> {
  let json: string;
  try {
    json = await readFile(file, "utf8");
  } catch (cause) {
    throw new CertLedgerError("INVALID_KEYSTORE", `cannot read the keystore file ${file}`, { cause });
  }
  if (!isKeystoreJson(json)) {
    throw new CertLedgerError("INVALID_KEYSTORE", `${file} is not an encrypted JSON keystore (version 3)`);
  }
  let privateKey: string;
  try {
    ({ privateKey } = await decryptKeystoreJson(json, password));
  } catch (error) {
    // ethers redacts the password in its own error, so the cause is safe to keep.
    if (error instanceof Error && /incorrect password/i.test(error.message)) {
      throw new CertLedgerError("WRONG_PASSWORD", `wrong password for the keystore ${file}`, { cause: error });
    }
    throw new CertLedgerError("INVALID_KEYSTORE", `cannot decrypt the keystore ${file}: it is damaged or uses an unknown cipher`, {
      cause: error,
    });
  }
  return new KeystoreSigner(new Wallet(privateKey), provider);
}

/** Options of {@link writeKeystore}. */
export interface WriteKeystoreOptions {
  /** scrypt's cost N (default 131072, as geth and ethers); lower only in tests. */
  scryptN?: number;
}

/**
 * Encrypts `wallet`'s key with `password` into a new keystore `file` (readable by its owner only). An existing file
 * is never overwritten: losing a keystore loses the account.
 */
export async function writeKeystore(file: string, wallet: BaseWallet, password: string, options: WriteKeystoreOptions = {}): Promise<void> {
  const json = await encryptKeystoreJson(
    { address: wallet.address, privateKey: wallet.privateKey },
    password,
    options.scryptN ? { scrypt: { N: options.scryptN } } : {},
  );
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  // Written aside, then linked into place: link() fails if the file exists, so a keystore is never half written
  // and never replaced.
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temporary, json, { mode: 0o600, flag: "wx" });
  try {
    await link(temporary, file);
  } catch (cause) {
    const exists = (cause as NodeJS.ErrnoException).code === "EEXIST";
    throw new CertLedgerError(exists ? "KEYSTORE_EXISTS" : "INVALID_KEYSTORE", exists ? `${file} exists already` : `cannot write ${file}`, {
      cause,
    });
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
}
