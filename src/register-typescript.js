/* global require, process, __dirname -- CommonJS, as Node loads a .js file of this package */
/* eslint-disable @typescript-eslint/no-require-imports -- it runs before any TypeScript can be loaded */
// Loads this project's TypeScript sources through esbuild from here on, in the process or thread that requires it:
// `bin/certledger`, each worker thread (src/worker-thread.ts, src/documents/document-worker.js) and, as `--require`,
// each process the node starts (TYPESCRIPT_FLAGS in src/typescript-sources.ts). Plain JavaScript, so that it runs
// before any loader is there.
//
// Nothing is looked up from the working folder, which may be anyone's (`certledger start` runs a node wherever it is
// started): esbuild-register is required from this file's place in the project, not by a name Node would first look
// for in the working folder's node_modules; and TS_NODE_PROJECT names this project's tsconfig.json (which has no
// `paths`), since esbuild-register otherwise resolves every package name through the `paths` of the first tsconfig.json
// above the working folder. Set for every process and thread that loads the sources, and inherited by those they start
// (test/cli/hostile-working-folder.test.ts).
"use strict";

process.env.TS_NODE_PROJECT = require("node:path").resolve(__dirname, "..", "tsconfig.json");
// Unless a loader is there already: a process started with --require esbuild-register (`npm start`), or ts-node's.
if (require.extensions[".ts"] === undefined) require("esbuild-register/dist/node").register({});
