import path from "node:path";
import { Worker, type WorkerOptions } from "node:worker_threads";
import { REGISTER_TYPESCRIPT } from "./typescript-sources";

/**
 * Starts a worker thread on module `name` of folder `dirname`, in the language its caller runs in: the compiled `.js`,
 * or from the TypeScript sources (tests, `npm start`) the `.ts` through esbuild registered in the thread first (a
 * worker does not inherit its parent's loaders). Not ts-node, whose compiler each thread would load again: a thread
 * took 73 MiB more and 0.55 s to answer its first message with it, 26 MiB and 0.2 s with esbuild (measured by hand on
 * the IPFS store's writer thread), as the verification processes load the sources too. `callerFile` is the caller's
 * `__filename`, which tells which of the two it is. A `background` thread runs at a lower priority (see LOWER_PRIORITY).
 */
export function startWorker(
  dirname: string,
  name: string,
  callerFile: string,
  options: WorkerOptions & { background?: boolean } = {},
): Worker {
  const { background, ...workerOptions } = options;
  const file = path.join(dirname, `${name}${path.extname(callerFile)}`);
  const load = callerFile.endsWith(".ts")
    ? `${REGISTER_TYPESCRIPT} require(${JSON.stringify(file)});`
    : `require(${JSON.stringify(file)});`;
  return new Worker(background ? `${LOWER_PRIORITY} ${load}` : load, { ...workerOptions, eval: true });
}

/**
 * Run first in a `background` thread: lowers its priority by BACKGROUND_NICE_INCREMENT, as the document pool's workers
 * are (document-worker-pool.ts), so that when both cores are busy the event loop, which answers HTTP requests, runs
 * first. @napi-rs/nice is Linux only (piscina's own optional dependency): elsewhere the thread keeps its priority.
 */
export const BACKGROUND_NICE_INCREMENT = 10;
const LOWER_PRIORITY = lowerPriority();

/** LOWER_PRIORITY's code: @napi-rs/nice named by its file in this project (see src/typescript-sources.ts), if there is one. */
function lowerPriority(): string {
  let nice: string;
  try {
    nice = require.resolve("@napi-rs/nice");
  } catch {
    return "";
  }
  return `try { require(${JSON.stringify(nice)}).nice(${BACKGROUND_NICE_INCREMENT}); } catch {}`;
}
