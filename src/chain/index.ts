/**
 * The chain: deploying the ledger and finding it again (deployment file), the embedded anvil node, and the client
 * every other module uses to read and write it — typed records, confirmed writes with decoded errors, event
 * queries, retries of transient RPC failures, nonce management and keystore signers.
 */
export * from "./deploy";
export * from "./deployment";
export * from "./ensure-deployment";
export * from "./anvil";
export * from "./party-code";
export * from "./provider";
export * from "./errors";
export * from "./retry";
export * from "./nonce-signer";
export * from "./transaction-fees";
export * from "./keystore";
export * from "./confirmations";
export * from "./chain-head";
export * from "./ledger-records";
export * from "./ledger-events";
export * from "./ledger-client";
