/**
 * How long and how much a fetch from IPFS may take. Content that nobody serves never fails by itself (IPFS keeps
 * asking), and a CID can name any amount of data, so every fetch runs under a deadline and a byte limit.
 */
import { setMaxListeners } from "node:events";
import { CertLedgerError } from "../errors";

/** How long a store waits for content before giving up with IPFS_NOT_FOUND, unless configured otherwise. */
export const DEFAULT_FETCH_TIMEOUT_MS = 30_000;

/** A signal that aborts when the caller's `signal` does or after `timeoutMs`, whichever comes first. */
export function fetchSignal(signal: AbortSignal | undefined, timeoutMs: number): AbortSignal {
  const deadline = AbortSignal.timeout(timeoutMs);
  const combined = signal === undefined ? deadline : AbortSignal.any([signal, deadline]);
  // Every block read of a fetch listens on this one signal; Node's default of 10 listeners would warn of a leak.
  setMaxListeners(Number.POSITIVE_INFINITY, combined);
  return combined;
}

/** The bytes of `chunks` joined, failing with PAYLOAD_TOO_LARGE as soon as they pass `maxBytes` (so no more is read). */
export async function readAtMost(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  maxBytes: number,
  cid: string,
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of chunks) {
    total += chunk.byteLength;
    if (total > maxBytes) {
      throw new CertLedgerError("PAYLOAD_TOO_LARGE", `${cid} is larger than the ${maxBytes} bytes allowed`);
    }
    parts.push(chunk);
  }
  // A fresh plain Uint8Array: the chunks may be Buffers or views into larger buffers the caller should not see.
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return bytes;
}

/** Checks that `timeoutMs`, an option named `name`, is a positive number of milliseconds; INVALID_CONFIG otherwise. */
export function checkTimeout(timeoutMs: number | undefined, name: string): number {
  const value = timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
  if (!Number.isFinite(value) || value <= 0) {
    throw new CertLedgerError("INVALID_CONFIG", `${name}: expected a positive number of milliseconds, got ${String(timeoutMs)}`);
  }
  return value;
}
