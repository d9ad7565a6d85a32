/**
 * The payload store of a party that runs its own Kubo node: a client of Kubo's RPC API. Nothing Kubo returns is
 * taken on trust: the CID it reports for an add is compared with the one computed here, and fetched bytes are checked
 * against their CID, so a misconfigured or compromised Kubo cannot substitute content.
 */
import type { KuboRPCClient } from "kubo-rpc-client" with { "resolution-mode": "import" };
import { CertLedgerError, isCertLedgerError } from "../errors";
import { cidOf, KUBO_ADD_PARAMS, parseCid, verifyCid } from "./cid";
import { checkTimeout, fetchSignal, readAtMost } from "./limits";
import { addEach, type PayloadStore } from "./payload-store";

/** Which Kubo node to use. */
export interface KuboStoreOptions {
  /** The node's RPC API, e.g. "http://127.0.0.1:5001" (the client adds /api/v0). */
  url: string;
  /** How long a call may take before it fails (IPFS_NOT_FOUND for `get` and `pin`); 30 s by default. */
  timeoutMs?: number;
}

/** A payload store backed by the Kubo node at `options.url`; it does not contact the node until first used. */
export async function createKuboStore(options: KuboStoreOptions): Promise<PayloadStore> {
  const url = checkUrl(options?.url);
  const timeoutMs = checkTimeout(options.timeoutMs, "timeoutMs");
  const { create } = await import("kubo-rpc-client");
  return new KuboPayloadStore(create({ url }), url, timeoutMs);
}

class KuboPayloadStore implements PayloadStore {
  constructor(
    private readonly client: KuboRPCClient,
    private readonly url: string,
    private readonly timeoutMs: number,
  ) {}

  async add(bytes: Uint8Array, options: { signal?: AbortSignal } = {}): Promise<string> {
    const expected = await cidOf(bytes);
    const signal = fetchSignal(options.signal, this.timeoutMs);
    let reported: string;
    try {
      const result = await this.client.add(bytes, { ...KUBO_ADD_PARAMS, pin: true, signal });
      reported = result.cid.toString();
    } catch (error) {
      throw this.error(error, "add", `adding ${bytes.byteLength} bytes`, signal);
    }
    if (reported !== expected) {
      throw new CertLedgerError(
        "CID_MISMATCH",
        `the Kubo node at ${this.url} stored the payload as ${reported}, not ${expected}; ` +
          "its import settings differ from Kubo's defaults (check Import.UnixFSFileMaxLinks)",
      );
    }
    return reported;
  }

  async addMany(payloads: readonly Uint8Array[], options: { signal?: AbortSignal } = {}): Promise<string[]> {
    // Kubo adds one file per RPC call and pins it itself: a few calls at once keep its pipeline busy.
    return addEach((bytes, o) => this.add(bytes, o), payloads, { signal: options.signal, concurrency: 8 });
  }

  async get(cid: string, options: { signal?: AbortSignal; maxBytes?: number } = {}): Promise<Uint8Array> {
    const root = parseCid(cid);
    const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
    const signal = fetchSignal(options.signal, this.timeoutMs);
    let bytes: Uint8Array;
    try {
      // One byte past the limit is enough to know the payload is too large; Kubo need not send the rest.
      const length = Number.isFinite(maxBytes) ? maxBytes + 1 : undefined;
      bytes = await readAtMost(this.client.cat(root, { signal, length }), maxBytes, root);
    } catch (error) {
      throw this.error(error, "get", `fetching ${root}`, signal);
    }
    await verifyCid(bytes, root);
    return bytes;
  }

  async pin(cid: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    const root = parseCid(cid);
    const signal = fetchSignal(options.signal, this.timeoutMs);
    try {
      // Kubo fetches what it lacks and checks each block's hash as it arrives.
      await this.client.pin.add(root, { signal });
    } catch (error) {
      throw this.error(error, "pin", `pinning ${root}`, signal);
    }
  }

  async stop(): Promise<void> {
    // The client holds no connection of its own between calls.
  }

  /** Turns what the client threw into a CertLedgerError: not found, or the node unreachable or refusing. */
  private error(error: unknown, call: "add" | "get" | "pin", doing: string, signal: AbortSignal): CertLedgerError {
    if (isCertLedgerError(error)) return error;
    const message = (error as Error).message;
    if (signal.aborted) {
      // Kubo keeps looking for content that no peer has; only the deadline ends the search.
      const code = call === "add" ? "IPFS_UNAVAILABLE" : "IPFS_NOT_FOUND";
      const reason: unknown = signal.reason;
      const when =
        reason instanceof Error && reason.name === "TimeoutError" ? `within ${this.timeoutMs} ms` : "before the call was aborted";
      return new CertLedgerError(code, `the Kubo node at ${this.url} did not finish ${doing} ${when}`, { cause: error });
    }
    if ((error as Error).name === "HTTPError") {
      // Kubo answers a missing block with HTTP 500 and a message such as "block was not found locally (offline)".
      const code = call !== "add" && /not found|could not find/i.test(message) ? "IPFS_NOT_FOUND" : "IPFS_UNAVAILABLE";
      return new CertLedgerError(code, `the Kubo node at ${this.url} refused ${doing}: ${message}`, { cause: error });
    }
    // fetch() says only "fetch failed"; what went wrong (ECONNREFUSED, ENOTFOUND, …) is in its cause.
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const detail = cause?.code ?? cause?.message ?? message;
    return new CertLedgerError("IPFS_UNAVAILABLE", `the Kubo node at ${this.url} is unreachable (${detail}) while ${doing}`, {
      cause: error,
    });
  }
}

function checkUrl(url: unknown): string {
  if (typeof url === "string") {
    try {
      const parsed = new URL(url);
      if (parsed.protocol === "http:" || parsed.protocol === "https:") return url;
    } catch {
      // reported below
    }
  }
  throw new CertLedgerError("INVALID_CONFIG", `url: expected the http(s) URL of a Kubo RPC API, got ${JSON.stringify(url)}`);
}
