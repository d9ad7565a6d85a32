/**
 * One state dump of the embedded chain, from anvil to its file: `anvil_dumpState` (gzipped JSON, hex in a JSON-RPC
 * answer), unzipped, written atomically and synced. Run on the state dump thread (state-dump-thread.ts): at 1M
 * certificates the answer is tens of MB, and reading its JSON and hex took the event loop ~130 ms a dump (a 16 MB
 * dump, measured by hand), the loop that answers HTTP requests while batches are anchored.
 */
import { promisify } from "node:util";
import { constants, gunzip } from "node:zlib";
import { writeFileAtomically } from "../atomic-file";
import { rpc } from "./embedded-rpc";

/** Writes the state of the anvil at `rpcUrl` to `file` (see ChainStateFile): whole and synced, or not at all. */
export async function dumpStateToFile(rpcUrl: string, file: string): Promise<void> {
  const dump = await rpc<string>(rpcUrl, "anvil_dumpState");
  const state = await gunzipWhole(Buffer.from(dump.replace(/^0x/, ""), "hex"));
  await writeFileAtomically(file, state, { durable: true });
}

const gunzipAsync = promisify(gunzip);

/**
 * A gzipped state dump unzipped on libuv's pool, in one piece: anvil's `--load-state` reads only plain JSON, and at 1M
 * certificates a dump is ~48 MB of it, which gunzipSync unzipped on the event loop in hundreds of milliseconds, once
 * per dump, dumps following each other while batches are anchored. zlib's asynchronous gunzip with its default 16 KiB
 * pieces needs an event-loop turn per piece, and behind a busy event loop a dump then took seconds (reverted at
 * 31380cd): here the piece is the whole output, so the wait is one turn.
 */
export function gunzipWhole(gz: Buffer): Promise<Buffer> {
  return gunzipAsync(gz, { chunkSize: wholeOutputChunk(gz) });
}

/** The most deflate expands its input (RFC 1951's longest match in its shortest code): a bound on a forged size. */
const MAX_DEFLATE_RATIO = 1032;

/**
 * The output piece that holds all of `gz` unzipped: the size its gzip trailer states (ISIZE, the last 4 bytes, modulo
 * 4 GiB; a larger state just takes more pieces), never more than deflate can expand `gz` to, never less than zlib's default.
 */
export function wholeOutputChunk(gz: Buffer): number {
  if (gz.length < 4) return constants.Z_DEFAULT_CHUNK;
  return Math.max(constants.Z_DEFAULT_CHUNK, Math.min(gz.readUInt32LE(gz.length - 4), gz.length * MAX_DEFLATE_RATIO));
}
