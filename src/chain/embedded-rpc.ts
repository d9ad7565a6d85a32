import { CertLedgerError } from "../errors";

/** How long one call may take: a state dump of a long-lived chain takes seconds, not minutes. */
const RPC_TIMEOUT_MS = 60_000;

/** One JSON-RPC call to the embedded node (no ethers provider: this runs beside any, and for an orphaned node too). */
export async function rpc<T>(rpcUrl: string, method: string, params: unknown[] = []): Promise<T> {
  const response = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    // A frozen node (SIGSTOP, swapped out) must not hold up a start-up or a stop for ever.
    signal: AbortSignal.timeout(RPC_TIMEOUT_MS),
  }).catch((cause: unknown) => {
    throw new CertLedgerError("CHAIN_UNAVAILABLE", `${method}: the embedded chain at ${rpcUrl} does not answer`, { cause });
  });
  const body = (await response.json().catch(() => undefined)) as { result?: T; error?: { message?: string } } | undefined;
  if (!response.ok || body === undefined || body.error || body.result === undefined) {
    throw new CertLedgerError("CHAIN_UNAVAILABLE", `${method}: ${body?.error?.message ?? `HTTP ${response.status}`}`);
  }
  return body.result;
}
