/* global require, module -- CommonJS, as Node loads a .js file of this package */
/* eslint-disable @typescript-eslint/no-require-imports -- a worker's entry must be JavaScript Node can load as it is */
// The entry of each worker thread of the document pool (document-worker-pool.ts), used when the project runs from its
// TypeScript sources (`npm start`, the tests; no build step). A worker thread starts with a module loader of its own:
// a hook the main thread registered at run time is not there, so esbuild's is registered here, as in every thread
// (src/register-typescript.js), unless the thread has one already (its process's --require).
"use strict";

require("../register-typescript.js");
module.exports = require("./document-worker-tasks.ts");
