import path from "node:path";
import { Worker, type WorkerOptions } from "node:worker_threads";

/**
 * Starts a worker thread on module `name` of folder `dirname`, in the language its caller runs in: the compiled `.js`,
 * or from the TypeScript sources (tests, `npm start`) the `.ts` through esbuild registered in the thread first (a
 * worker does not inherit its parent's loaders). Not ts-node, whose compiler each thread would load again: a thread
 * took 73 MiB more and 0.55 s to answer its first message with it, 26 MiB and 0.2 s with esbuild (measured by hand on
 * the IPFS store's writer thread), as the verification processes load the sources too. `callerFile` is the caller's
 * `__filename`, which tells which of the two it is.
 */
export function startWorker(dirname: string, name: string, callerFile: string, options: WorkerOptions = {}): Worker {
  const file = path.join(dirname, `${name}${path.extname(callerFile)}`);
  const code = callerFile.endsWith(".ts")
    ? `require("esbuild-register/dist/node").register({}); require(${JSON.stringify(file)});`
    : `require(${JSON.stringify(file)});`;
  return new Worker(code, { ...options, eval: true });
}
