import { isError } from "ethers";
import { isRevert, messagesOf } from "./errors";

/** How a chain operation is retried when the node or the network fails for a moment. */
export interface RetryOptions {
  /** Attempts in all, the first one included (default 5; 1 disables retrying). */
  attempts?: number;
  /** Delay before the first retry; it doubles with each retry (default 200 ms). */
  baseDelayMs?: number;
  /** Longest delay between two attempts (default 5 s). */
  maxDelayMs?: number;
  /**
   * An attempt still unanswered after this long counts as a transient failure (default 30 s; 0 waits forever).
   * The abandoned request is not cancelled, so only idempotent operations (reads, rebroadcasting a signed
   * transaction) are retried.
   */
  attemptTimeoutMs?: number;
  /** Called before each retry, e.g. to log it. */
  onRetry?: (event: { attempt: number; delayMs: number; error: unknown }) => void;
}

const DEFAULTS = { attempts: 5, baseDelayMs: 200, maxDelayMs: 5_000, attemptTimeoutMs: 30_000 };

const TRANSIENT_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  // ethers' own names for a request that timed out or a network that changed under it
  "TIMEOUT",
  "NETWORK_ERROR",
]);

const TRANSIENT_MESSAGES =
  /header not found|ECONNREFUSED|ECONNRESET|ETIMEDOUT|socket hang up|timed? ?out|too many requests|rate limit|service unavailable|bad gateway|gateway time-?out|server response (429|5\d\d)/i;

/** Thrown in place of an attempt that took longer than `attemptTimeoutMs`. */
class AttemptTimeout extends Error {
  readonly code = "TIMEOUT";
}

/**
 * Whether `error` is worth retrying: the connection was refused or reset, the request timed out, the node
 * answered 429 or 5xx, or it has not yet seen the block asked for ("header not found"). A contract revert never is.
 */
export function isTransientError(error: unknown): boolean {
  if (isRevert(error)) return false;
  if (isError(error, "SERVER_ERROR")) {
    const status = error.response?.statusCode ?? 0;
    if (status === 429 || status >= 500) return true;
  }
  if (codesOf(error).some((code) => TRANSIENT_CODES.has(code))) return true;
  return messagesOf(error).some((message) => TRANSIENT_MESSAGES.test(message));
}

/** Runs `operation`, retrying transient failures with exponential backoff and jitter; rethrows the last error. */
export async function withRetry<T>(operation: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? DEFAULTS.attempts);
  const base = options.baseDelayMs ?? DEFAULTS.baseDelayMs;
  const max = options.maxDelayMs ?? DEFAULTS.maxDelayMs;
  const timeout = options.attemptTimeoutMs ?? DEFAULTS.attemptTimeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await withTimeout(operation(), timeout);
    } catch (error) {
      if (attempt >= attempts || !isTransientError(error)) throw error;
      // "Equal jitter": half the backoff is fixed, half random, so clients that failed together do not retry together.
      const backoff = Math.min(max, base * 2 ** (attempt - 1));
      const delayMs = Math.round(backoff / 2 + (Math.random() * backoff) / 2);
      options.onRetry?.({ attempt, delayMs, error });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  if (ms <= 0) return promise;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AttemptTimeout(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timedOut]).finally(() => clearTimeout(timer));
}

function codesOf(error: unknown, depth = 0): string[] {
  if (depth > 6 || typeof error !== "object" || error === null) return [];
  const record = error as Record<string, unknown>;
  const own = typeof record.code === "string" ? [record.code] : [];
  return [...own, ...["error", "info", "cause"].flatMap((key) => codesOf(record[key], depth + 1))];
}
