/**
 * The body of the IPFS store's writer thread (see pinned-dags-writer.ts): its own connection to the store's SQLite
 * file, opened `synchronous=FULL`, storing and pinning the DAGs the main thread sends, one message at a time.
 * Messages in: `{ id, dags, singleBlocks }`, answered `{ id, cids }` once on disk (the CIDs of the single blocks) or
 * `{ id, error }`; and `{ close: true }`, answered `{ closed: true }` once the connection is closed, after every
 * message before it.
 */
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import { keepTemporaryDataInMemory } from "../sqlite-file";
import { pinnedDagStore, singleBlockDag, type WirePinnedDag } from "./pinned-dags";

type Message = { id: number; dags: WirePinnedDag[]; singleBlocks: Uint8Array[] } | { close: true };

const { file, busyTimeoutMs } = workerData as { file: string; busyTimeoutMs: number };
const db = new Database(file, { fileMustExist: true });
db.pragma(`busy_timeout = ${busyTimeoutMs}`);
db.pragma("synchronous = FULL");
keepTemporaryDataInMemory(db);

// The encoders are ESM, loaded once; every message waits for them, and for the messages before it.
const loaded = (async () => {
  const [{ base36 }, cbor] = await Promise.all([import("multiformats/bases/base36"), import("cborg")]);
  return pinnedDagStore(db, { base36: (bytes) => base36.encode(bytes), cbor });
})();
// A failure to load is answered to each message as its error, not left to end the thread as an unhandled rejection.
loaded.catch(() => undefined);
let turn: Promise<void> = Promise.resolve();

parentPort?.on("message", (message: Message) => {
  turn = turn.then(async () => {
    if ("close" in message) {
      db.close();
      parentPort?.postMessage({ closed: true });
      return;
    }
    try {
      const store = await loaded;
      const singles = message.singleBlocks.map(singleBlockDag);
      store([...message.dags, ...singles.map(({ dag }) => dag)]);
      parentPort?.postMessage({ id: message.id, cids: singles.map(({ cid }) => cid) });
    } catch (error) {
      parentPort?.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) });
    }
  });
});
