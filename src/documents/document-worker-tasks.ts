/**
 * The tasks a worker thread of the document pool (document-worker-pool.ts) runs, by name: stamping a PDF and sealing
 * credentials. document-worker.js loads this module in each worker.
 */
export { default as stampPdf } from "./pdf-stamp-task";
export { sealCredentials } from "./credential-sealing-task";
