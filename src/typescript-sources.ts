import path from "node:path";

/**
 * How a process or a thread runs this project's TypeScript sources without a build step (`npm start`, the nodes the
 * tests and benches start, worker threads, verification processes): through esbuild, which transpiles each file as it
 * is required. Not ts-node --transpile-only, whose compiler made a node's start ~2.5 s longer (a fresh node ready after
 * 7.3-7.5 s against 4.8-4.9 s, 2 cores) and each thread's ~0.5 s and ~47 MiB heavier.
 *
 * Nothing here is looked up from the working folder, which may be anyone's (`certledger start` runs a node wherever it
 * is started): a `--require` and the code a thread is started with would find a package in the working folder's
 * node_modules first, and esbuild-register applies the `paths` of the first tsconfig.json above the working folder to
 * every package a process requires, unless TS_NODE_PROJECT names one. So the loader is named by its own file, and this
 * project's tsconfig.json (which has no `paths`) is named (test/cli/hostile-working-folder.test.ts).
 */

/** esbuild-register's entry that registers it when required (the package's main), as this project's node_modules holds it. */
const ESBUILD_REGISTER = require.resolve("esbuild-register");
/** esbuild-register's module, whose `register` a thread calls. */
const ESBUILD_REGISTER_MODULE = require.resolve("esbuild-register/dist/node");

/** This project's tsconfig.json. */
export const PROJECT_TSCONFIG = path.resolve(__dirname, "..", "tsconfig.json");

/** Node flags that load the sources through esbuild, for a process this one starts. */
export const TYPESCRIPT_FLAGS = ["--require", ESBUILD_REGISTER];

/** Environment variables a process started with TYPESCRIPT_FLAGS needs, wherever it runs. */
export const TYPESCRIPT_ENV = { TS_NODE_PROJECT: PROJECT_TSCONFIG };

/**
 * Whether Node flags `execArgv` already load the sources through esbuild: a process started with TYPESCRIPT_FLAGS, or
 * with `--require esbuild-register` from the project's folder (`npm start`).
 */
export function loadsTypeScript(execArgv: readonly string[]): boolean {
  return execArgv.some(
    (arg, i) => (arg === ESBUILD_REGISTER || /^esbuild-register(\/|$)/.test(arg)) && ["-r", "--require"].includes(execArgv[i - 1]),
  );
}

/**
 * JavaScript, run first in a worker thread, that registers esbuild's loader unless the thread has a `.ts` loader
 * already (one its process's --require gave it): a thread does not inherit a loader registered at run time.
 */
export const REGISTER_TYPESCRIPT =
  `if (require.extensions[".ts"] === undefined) { process.env.TS_NODE_PROJECT = ${JSON.stringify(PROJECT_TSCONFIG)}; ` +
  `require(${JSON.stringify(ESBUILD_REGISTER_MODULE)}).register({}); }`;
