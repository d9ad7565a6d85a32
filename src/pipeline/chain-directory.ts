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
  readonly #reading = new Map<string, Promise<unknown>>();

  constructor(
    private readonly client: LedgerClient,
    private readonly ttlMs: number,
  ) {}

  /** Authority `id` as the chain has it. */
  authority(id: number): Promise<DirectoryAnswer<AuthorityRecord>> {
    const hit = fresh(this.#authorities, id, this.ttlMs);
    if (hit) return Promise.resolve(hit);
    return this.#once(`authority ${id}`, () => cached(this.#authorities, id, () => this.client.getAuthority(id)));
  }

  /** Authority `authorityId`'s signing key `thumbprint` (0x hex) as the chain has it; keys are scoped to their authority. */
  signingKey(authorityId: number, thumbprint: string): Promise<DirectoryAnswer<SigningKeyRecord>> {
    const key = `${authorityId} ${thumbprint.toLowerCase()}`;
    const hit = fresh(this.#keys, key, this.ttlMs);
    if (hit) return Promise.resolve(hit);
    return this.#once(`key ${key}`, () => cached(this.#keys, key, () => this.client.getSigningKey(authorityId, thumbprint)));
  }

  /**
   * One read at a time per record: when the cache runs out under a burst (an API batch of a hundred certificates of
   * one authority), the submissions share the read that is under way instead of each sending its own.
   */
  #once<T>(name: string, read: () => Promise<DirectoryAnswer<T>>): Promise<DirectoryAnswer<T>> {
    const pending = this.#reading.get(name) as Promise<DirectoryAnswer<T>> | undefined;
    if (pending) return pending;
    const reading = read().finally(() => this.#reading.delete(name));
    this.#reading.set(name, reading);
    return reading;
  }
}

function fresh<K, T>(cache: Map<K, { at: number; record: T | undefined }>, key: K, ttlMs: number): { record: T | undefined } | undefined {
  const hit = cache.get(key);
  return hit && Date.now() - hit.at < ttlMs ? { record: hit.record } : undefined;
}

/** Reads a record into the cache; when the chain does not answer, the last answer however old, or "unavailable". */
async function cached<K, T>(
  cache: Map<K, { at: number; record: T | undefined }>,
  key: K,
  read: () => Promise<T | undefined>,
): Promise<DirectoryAnswer<T>> {
  const hit = cache.get(key);
  try {
    const record = await read();
    cache.set(key, { at: Date.now(), record });
    return { record };
  } catch (error) {
    if (!isCertLedgerError(error, "CHAIN_UNAVAILABLE")) throw error;
    return hit ? { record: hit.record } : "unavailable";
  }
}
