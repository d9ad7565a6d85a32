/**
 * A fetch that asks again when nothing arrives for a while. Helia's bitswap keeps one want per CID, shared by every
 * fetch of it, and drops it when any one of them is aborted (a verification with a short deadline, a caller that
 * went away): the fetches still waiting are then asked of no peer that connects afterwards, and wait out their whole
 * timeout although a connected peer has the content. A want sent again is a fresh one, sent to every connected peer.
 */
import { setMaxListeners } from "node:events";

/** How long a fetch may receive nothing before its wants are sent again, unless configured otherwise. */
export const DEFAULT_ASK_AGAIN_AFTER_MS = 3_000;

/**
 * Runs `attempt` until it settles, on `signal` and a quiet-time watchdog: when `quietMs` pass without `progressed()`
 * being called, the attempt is aborted and run again. Returns its result; throws its error once `signal` has aborted
 * or when it failed for any reason other than the watchdog.
 */
export async function askingAgain<T>(
  signal: AbortSignal,
  quietMs: number,
  attempt: (signal: AbortSignal, progressed: () => void) => Promise<T>,
): Promise<T> {
  for (;;) {
    const quiet = new AbortController();
    let lastProgress = Date.now();
    const watchdog = setInterval(
      () => {
        if (Date.now() - lastProgress >= quietMs) quiet.abort(new Error(`nothing arrived for ${quietMs} ms: asking again`));
      },
      Math.max(25, quietMs / 4),
    );
    const attemptSignal = AbortSignal.any([signal, quiet.signal]);
    // Every block read of an attempt listens on this one signal (see fetchSignal).
    setMaxListeners(Number.POSITIVE_INFINITY, attemptSignal);
    try {
      return await attempt(attemptSignal, () => (lastProgress = Date.now()));
    } catch (error) {
      if (quiet.signal.aborted && !signal.aborted) continue;
      throw error;
    } finally {
      clearInterval(watchdog);
    }
  }
}

/** `chunks`, calling `progressed` as each arrives. */
export async function* reporting<T>(chunks: AsyncIterable<T>, progressed: () => void): AsyncGenerator<T> {
  for await (const chunk of chunks) {
    progressed();
    yield chunk;
  }
}
