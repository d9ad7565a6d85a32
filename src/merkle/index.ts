/** Merkle batches: many certificates of one type anchored under one root, their proofs, and the IPFS manifest. */
export * from "./batch";
export * from "./composed-batch";
