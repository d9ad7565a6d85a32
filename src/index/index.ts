/**
 * The chain index: a SQLite database that follows the ledger's events (from the deployment block, resuming where it
 * stopped, rolling back what a chain that went back no longer has) and answers without asking the chain:
 * certificate history, lookups by number hash, an authority's certificates, batch members with their Merkle
 * proofs (from the manifests on IPFS — so `ChainIndex` is a `BatchLocator` for the Verifier), duplicates, and the
 * registry's events and authorities.
 *
 * Errors (CertLedgerError codes): INDEX_MISMATCH (the file indexes another chain or ledger, or a newer schema),
 * INDEX_CLOSED, INDEX_UNAVAILABLE (the file cannot be opened), INVALID_INDEX_QUERY, INVALID_CONFIG, and the chain's
 * own (CHAIN_UNAVAILABLE, CHAIN_MISMATCH, CHAIN_REORGANISED when the chain kept changing during a synchronisation).
 */
export { ChainIndex, type ChainIndexOptions } from "./chain-index";
export type { IndexLogger } from "./manifest-reader";
export { SCHEMA_VERSION } from "./schema";
export { verifierEvents } from "./verifier-events";
export type * from "./index-types";
