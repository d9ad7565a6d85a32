/**
 * Where encrypted payloads and batch manifests live: IPFS, through an embedded Helia node or a party's Kubo node.
 * CIDs are Kubo-compatible (CIDv1, raw leaves, 262144-byte chunks, balanced layout with 174 links per node), so the
 * same bytes get the same CID whichever store added them.
 *
 * Failures are CertLedgerErrors: INVALID_CID (a malformed CID, refused before IPFS is asked), IPFS_NOT_FOUND (no one
 * served the content before the store's timeout or the caller's signal), CID_MISMATCH (bytes that are not the
 * CID's), PAYLOAD_TOO_LARGE (past `maxBytes`), IPFS_UNAVAILABLE (the node cannot be reached, or has stopped).
 */
export interface PayloadStore {
  /** Adds `bytes` (and pins them), returning their CID as a CIDv1 base32 string. */
  add(bytes: Uint8Array, options?: { signal?: AbortSignal }): Promise<string>;
  /**
   * Adds many payloads at once (and pins them), returning their CIDs in the same order: what `add` does for each, in
   * fewer, larger writes. Every payload is stored before it resolves; on failure some may be stored, none reported.
   * A store without it is used through {@link addPayloads}, one `add` at a time.
   */
  addMany?(payloads: readonly Uint8Array[], options?: { signal?: AbortSignal }): Promise<string[]>;
  /** The bytes of `cid`, checked against the CID before they are returned (a mismatch throws CID_MISMATCH). */
  get(cid: string, options?: { signal?: AbortSignal; maxBytes?: number }): Promise<Uint8Array>;
  /** Keeps `cid` (fetching it if needed) so this node serves it to others. */
  pin(cid: string, options?: { signal?: AbortSignal }): Promise<void>;
  /**
   * Forgets content this node fetched but did not pin (a read that should leave no copy behind), where the store can
   * tell it is safe: a pinned CID is kept. Kubo's client has none: its node's garbage collector removes unpinned blocks.
   */
  release?(cid: string): Promise<void>;
  /** Releases the store's resources (a Helia node stops; a Kubo client has nothing to stop). */
  stop(): Promise<void>;
}

/** What reading payloads needs: a verification reads, it never adds or pins. */
export type PayloadReader = Pick<PayloadStore, "get">;

/** Adds `payloads` to `store` (with its `addMany` when it has one), returning their CIDs in order. */
export async function addPayloads(
  store: PayloadStore,
  payloads: readonly Uint8Array[],
  options: { signal?: AbortSignal } = {},
): Promise<string[]> {
  if (store.addMany) return store.addMany(payloads, options);
  return addEach((bytes, o) => store.add(bytes, o), payloads, options);
}

/** Adds `payloads` one `add` at a time, `concurrency` (default 8) at once, returning their CIDs in order. */
export async function addEach(
  add: (bytes: Uint8Array, options: { signal?: AbortSignal }) => Promise<string>,
  payloads: readonly Uint8Array[],
  options: { signal?: AbortSignal; concurrency?: number } = {},
): Promise<string[]> {
  const cids = new Array<string>(payloads.length);
  let next = 0;
  const worker = async () => {
    while (next < payloads.length) {
      const index = next++;
      cids[index] = await add(payloads[index], { signal: options.signal });
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 8, payloads.length) }, worker));
  return cids;
}
