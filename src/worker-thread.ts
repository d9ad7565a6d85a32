import path from "node:path";
import { Worker, type WorkerOptions } from "node:worker_threads";

/**
 * Starts a worker thread on module `name` of folder `dirname`, in the language its caller runs in: the compiled `.js`,
 * or under ts-node (tests, `npm start`) the `.ts` with ts-node registered in the thread first (a worker does not inherit
 * its parent's loaders). `callerFile` is the caller's `__filename`, which tells which of the two it is.
 */
export function startWorker(dirname: string, name: string, callerFile: string, options: WorkerOptions = {}): Worker {
  const file = path.join(dirname, `${name}${path.extname(callerFile)}`);
  const code = callerFile.endsWith(".ts")
    ? `require("ts-node").register({ transpileOnly: true }); require(${JSON.stringify(file)});`
    : `require(${JSON.stringify(file)});`;
  return new Worker(code, { ...options, eval: true });
}
