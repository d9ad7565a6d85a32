/* global require, module, __dirname -- CommonJS, as Node loads a .js file of this package */
/* eslint-disable @typescript-eslint/no-require-imports -- a worker's entry must be JavaScript Node can load as it is */
// The entry of each worker thread of the document pool (document-worker-pool.ts), used when the project runs from its
// TypeScript sources (`npm start`, the tests: ts-node --transpile-only, no build step). A worker thread starts with a
// module loader of its own: the ts-node hook the main thread registered is not there, so it is registered here, unless
// the thread has one already (a process started with `node -r ts-node/register` passes it on in its execArgv).
"use strict";
const path = require("node:path");

if (require.extensions[".ts"] === undefined) {
  const root = path.resolve(__dirname, "../..");
  require(require.resolve("ts-node", { paths: [root] })).register({ transpileOnly: true, project: path.join(root, "tsconfig.json") });
}
module.exports = require("./document-worker-tasks.ts");
