/**
 * What a CPU cost per credential allows on this machine's cores: the accept path shares them between the node, its
 * chain and the load generator, so the sum of their CPU per credential bounds the rate however the work is spread.
 * Printed beside the accept figures so that a profile reads against #17's target: 2,500 credentials/s on 2 cores
 * leaves 800 µs of CPU per credential for all three.
 */

/** #17's accept target: server-signed credentials accepted and anchored per second. */
export const ACCEPT_TARGET_PER_SECOND = 2_500;

/** The sentence for `microseconds` of CPU per credential (every process on the machine's cores) and `cores` cores. */
export function cpuCeiling(microseconds: number, cores: number): string {
  if (!(microseconds > 0) || !(cores > 0)) throw new RangeError(`CPU per credential ${microseconds} µs on ${cores} cores`);
  const ceiling = Math.floor((cores * 1e6) / microseconds);
  const budget = Math.floor((cores * 1e6) / ACCEPT_TARGET_PER_SECOND);
  const fmt = (n: number) => n.toLocaleString("en-US");
  return (
    `${fmt(Math.round(microseconds))} µs of CPU per credential in all, so at most ${fmt(ceiling)} credentials/s on ${cores} ` +
    `cores with every core busy; ${fmt(ACCEPT_TARGET_PER_SECOND)}/s needs ${fmt(budget)} µs or less`
  );
}
