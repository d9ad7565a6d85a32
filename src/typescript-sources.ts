/**
 * How a process or a thread runs this project's TypeScript sources without a build step (`npm start`, the nodes the
 * tests and benches start, worker threads, verification processes): through esbuild, which transpiles each file as it
 * is required. Not ts-node --transpile-only, whose compiler made a node's start ~2.5 s longer (a fresh node ready after
 * 7.3-7.5 s against 4.8-4.9 s, 2 cores) and each thread's ~0.5 s and ~47 MiB heavier. Every one of them registers it
 * through src/register-typescript.js, which looks nothing up from the working folder (see there).
 */

/** src/register-typescript.js, by its file. */
const REGISTER_FILE = require.resolve("./register-typescript.js");

/** Node flags that load the sources through esbuild, for a process this one starts. */
export const TYPESCRIPT_FLAGS = ["--require", REGISTER_FILE];

/**
 * Whether Node flags `execArgv` already load the sources through esbuild: a process started with TYPESCRIPT_FLAGS, or
 * with `--require esbuild-register` from the project's folder (`npm start`).
 */
export function loadsTypeScript(execArgv: readonly string[]): boolean {
  return execArgv.some(
    (arg, i) => (arg === REGISTER_FILE || /^esbuild-register(\/|$)/.test(arg)) && ["-r", "--require"].includes(execArgv[i - 1]),
  );
}

/**
 * JavaScript, run first in a worker thread, that registers esbuild's loader unless the thread has a `.ts` loader
 * already (one its process's --require gave it): a thread does not inherit a loader registered at run time.
 */
export const REGISTER_TYPESCRIPT = `require(${JSON.stringify(REGISTER_FILE)});`;
