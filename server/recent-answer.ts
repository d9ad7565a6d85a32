/**
 * An answer worked out at most once per `maxAgeMs` and shared by every caller meanwhile, including the callers that
 * arrive while it is being worked out. For the unauthenticated service routes (/readyz, /metrics): without it, each
 * request made the node write to IPFS, ask the chain and count its outbox, as often as anyone cared to ask.
 */
export function recentAnswer<T>(work: () => Promise<T>, maxAgeMs: number): () => Promise<T> {
  let last: { startedAt: number; answer: Promise<T>; settled: boolean } | undefined;
  return () => {
    const now = performance.now();
    if (last && (!last.settled || now - last.startedAt < maxAgeMs)) return last.answer;
    const current = { startedAt: now, answer: work(), settled: false };
    const settle = () => {
      current.settled = true;
    };
    current.answer.then(settle, settle);
    last = current;
    return current.answer;
  };
}
