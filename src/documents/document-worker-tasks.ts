/**
 * The tasks a worker thread of the document pool (document-worker-pool.ts) runs, by name: stamping a PDF, sealing
 * credentials, and composing a Merkle batch. document-worker.js loads this module in each worker.
 */
export { default as stampPdf } from "./pdf-stamp-task";
export { sealCredentials } from "./credential-sealing-task";
export { composeBatchTask } from "./batch-compose-task";
