import type { LedgerClient } from "../chain/ledger-client";
import type { AuthorityRecord, SigningKeyRecord } from "../chain/ledger-records";
import { isCertLedgerError } from "../errors";

/** A chain read as the acceptance checks see it: the record (undefined when the chain has none), or unknown. */
export type DirectoryAnswer<T> = { record: T | undefined } | "unavailable";

/**
 * The chain reads that accepting a certificate needs — its authority and its signing key — cached for `ttlMs`, so
 * that a burst of submissions costs one read per authority rather than one per certificate. When the chain does not
 * answer, the last answer is used however old it is, and "unavailable" is returned when there is none.
 */
export class ChainDirectory {
  readonly #authorities = new Map<number, { at: number; record: AuthorityRecord | undefined }>();
  readonly #keys = new Map<string, { at: number; record: SigningKeyRecord | undefined }>();

  constructor(
    private readonly client: LedgerClient,
    private readonly ttlMs: number,
  ) {}

  /** Authority `id` as the chain has it. */
  authority(id: number): Promise<DirectoryAnswer<AuthorityRecord>> {
    return cached(this.#authorities, id, this.ttlMs, () => this.client.getAuthority(id));
  }

  /** Signing key `thumbprint` (0x hex) as the chain has it. */
  signingKey(thumbprint: string): Promise<DirectoryAnswer<SigningKeyRecord>> {
    return cached(this.#keys, thumbprint.toLowerCase(), this.ttlMs, () => this.client.getSigningKey(thumbprint));
  }
}

async function cached<K, T>(
  cache: Map<K, { at: number; record: T | undefined }>,
  key: K,
  ttlMs: number,
  read: () => Promise<T | undefined>,
): Promise<DirectoryAnswer<T>> {
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < ttlMs) return { record: hit.record };
  try {
    const record = await read();
    cache.set(key, { at: Date.now(), record });
    return { record };
  } catch (error) {
    if (!isCertLedgerError(error, "CHAIN_UNAVAILABLE")) throw error;
    return hit ? { record: hit.record } : "unavailable";
  }
}
