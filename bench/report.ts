import os from "node:os";

/** The cores this machine gives a benchmark: every figure depends on them, so each is printed beside them. */
export const CORES = os.availableParallelism();

/** Prints a benchmark's figure with the machine's core count beside it. */
export function report(line: string): void {
  console.log(`${line}  [${CORES} cores]`);
}
