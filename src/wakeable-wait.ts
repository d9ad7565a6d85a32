/**
 * A pause of `ms` that `wake()` ends early: a loop's wait for its next turn that new work (the batcher's) or an urgent
 * caller (a stop's write of the chain state) may cut short. Waking after the pause ended does nothing.
 */
export function wakeableWait(ms: number): { done: Promise<void>; wake: () => void } {
  let wake = () => {};
  const done = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  return { done, wake };
}
