import { LEDGER_ERROR_CODES } from "../chain/errors";
import { isCertLedgerError, type CertLedgerErrorCode } from "../errors";
import type { RecordedError } from "./outbox";

/**
 * Codes that mean "this request will never be anchored as it is": the ledger's own refusals (a suspended authority,
 * a type out of scope, an expired validity…) and values the chain client or the Merkle batch refused before sending.
 * Everything else — the chain or IPFS unreachable, a transaction not confirmed in time, a revert the ledger does not
 * declare, an unexpected exception — is transient: the request waits and is tried again, so that nothing accepted
 * is ever dropped because a dependency was down.
 */
const PERMANENT_CODES: ReadonlySet<CertLedgerErrorCode> = new Set<CertLedgerErrorCode>([
  ...Object.values(LEDGER_ERROR_CODES),
  "NO_SIGNER",
  "INVALID_CHAIN_ARGUMENT",
  "INVALID_BATCH_LEAF",
  "DUPLICATE_LEAF",
  "EMPTY_BATCH",
  "INVALID_CERTIFICATE_TYPE",
  "INVALID_CID",
]);

/** Whether `error` refuses the request for good (see {@link PERMANENT_CODES}). */
export function isPermanentFailure(error: unknown): boolean {
  return isCertLedgerError(error) && PERMANENT_CODES.has(error.code);
}

/** The code and message of `error` as the outbox records it (INTERNAL_ERROR for anything that is not a CertLedgerError). */
export function recordedError(error: unknown): RecordedError {
  if (isCertLedgerError(error)) return { code: error.code, message: error.message };
  return { code: "INTERNAL_ERROR", message: error instanceof Error ? error.message : String(error) };
}

/** How transient failures are retried: exponential backoff from `baseDelayMs` up to `maxDelayMs`. */
export interface BackoffOptions {
  baseDelayMs: number;
  maxDelayMs: number;
}

/** The delay before attempt `attempt + 1`, with "equal jitter" so that items that failed together do not retry together. */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const backoff = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
  return Math.round(backoff / 2 + (Math.random() * backoff) / 2);
}

/**
 * The health of one dependency (the chain or IPFS) as the batcher sees it. While it is down, work that needs it waits
 * for a backoff delay and then only one operation probes it; the first success brings it back up.
 */
export class DependencyGate {
  #down = false;
  #failures = 0;
  #retryAt = 0;
  #probing = false;

  constructor(private readonly backoff: BackoffOptions) {}

  /** Whether the dependency is considered down. */
  get down(): boolean {
    return this.#down;
  }

  /** Whether an operation may start now; every operation let in must end with succeeded() or failed(). */
  tryEnter(now: number): boolean {
    if (!this.#down) return true;
    if (this.#probing || now < this.#retryAt) return false;
    this.#probing = true;
    return true;
  }

  /** An operation let in ended without learning anything about the dependency. */
  release(): void {
    this.#probing = false;
  }

  /** The dependency answered; returns whether it was down until now. */
  succeeded(): boolean {
    const wasDown = this.#down;
    this.#down = false;
    this.#failures = 0;
    this.#probing = false;
    return wasDown;
  }

  /** The dependency failed; returns whether it was up until now. */
  failed(now: number): boolean {
    const wasUp = !this.#down;
    this.#down = true;
    this.#failures++;
    this.#retryAt = now + backoffDelay(this.#failures, this.backoff);
    this.#probing = false;
    return wasUp;
  }
}
