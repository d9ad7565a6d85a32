import type { LedgerConnection } from "./ledger-connection";

/** What a call of the ledger client runs on (the client itself): its connection to the ledger. */
export interface LedgerCallsHost {
  readonly connection: LedgerConnection;
}
