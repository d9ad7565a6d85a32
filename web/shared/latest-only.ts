/**
 * A screen's reload where only the latest run counts: a read started earlier (the list opening, a reload shortly after
 * a write) whose answer arrives after a later one is dropped, so it never paints over what the later one showed.
 */
export function latestOnly<T>(read: () => Promise<T>, show: (value: T) => void, fail: (error: unknown) => void): () => Promise<void> {
  let generation = 0;
  return async () => {
    const mine = ++generation;
    try {
      const value = await read();
      if (mine === generation) show(value);
    } catch (error) {
      if (mine === generation) fail(error);
    }
  };
}
