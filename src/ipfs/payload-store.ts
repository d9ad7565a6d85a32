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
  /** The bytes of `cid`, checked against the CID before they are returned (a mismatch throws CID_MISMATCH). */
  get(cid: string, options?: { signal?: AbortSignal; maxBytes?: number }): Promise<Uint8Array>;
  /** Keeps `cid` (fetching it if needed) so this node serves it to others. */
  pin(cid: string, options?: { signal?: AbortSignal }): Promise<void>;
  /** Releases the store's resources (a Helia node stops; a Kubo client has nothing to stop). */
  stop(): Promise<void>;
}
