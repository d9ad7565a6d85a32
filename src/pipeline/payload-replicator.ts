/**
 * Payload replication: a party's server keeps a pinned copy of every payload addressed to its party, so that the
 * payload outlives the issuer's node. The issuer's node pins what it anchors; a recipient party's node pins it as soon
 * as its chain index learns of the anchoring (direct anchors from their event, batch members once the manifest is
 * read), not at its first verification: the issuer's node may be gone by the time the goods reach the border, and a
 * payload must be copied while someone still serves it. Any node of the consortium then fetches it from whichever
 * node holds it (bitswap asks every connected party node).
 *
 * Which payloads are addressed to the party is read from each payload's clear JWE header (its recipients), so every
 * foreign payload is fetched once; those addressed elsewhere are released again (an embedded Helia node drops the
 * block; a Kubo node's garbage collector removes what is not pinned). Bounded: a page of certificates a
 * round, a few fetches at once, each with a timeout; a fetch that fails is retried with a doubling delay a limited
 * number of times, and the list of retries is capped. The cursor and the retries survive a restart (a JSON file).
 */
import { readFile } from "node:fs/promises";
import { readPayloadHeader } from "../crypto/payload-encryption";
import { isCertLedgerError } from "../errors";
import type { IndexedPayload } from "../index/index-types";
import type { PayloadStore } from "../ipfs/payload-store";
import { writeFileAtomically } from "../atomic-file";

/** Where the replicator learns of new payloads: the chain index (src/index's ChainIndex fits). */
export interface ReplicationSource {
  payloadsAfter(seq: number, limit: number): IndexedPayload[];
  /** The source's rollbacks since number `epoch`: the latest's number and the seq to go back to (ChainIndex has it). */
  payloadRewindSince?(epoch: number): { epoch: number; floor: number } | undefined;
}

export interface PayloadReplicatorOptions {
  source: ReplicationSource;
  payloads: PayloadStore;
  /** The parties this server holds the encryption key of: payloads addressed to one of them are pinned. */
  parties: () => readonly string[];
  /** Where the cursor and the pending retries are kept between runs. */
  stateFile: string;
  /**
   * Called once a payload addressed to `parties` (this server's) is pinned here, e.g. to record its delivery on the
   * ledger; a failure makes the payload come back with the retries (pinning again is harmless), so it is told again.
   */
  delivered?: (certHash: string, parties: string[]) => Promise<void>;
  /** The wait between two rounds (default 1,000 ms). */
  pollIntervalMs?: number;
  /** How long one payload may take to arrive (default 15,000 ms). */
  fetchTimeoutMs?: number;
  /** Payloads larger than this are not fetched (default 64 MiB). */
  maxPayloadBytes?: number;
  /** Certificates read from the index per round (default 100), fetched `concurrency` (default 4) at once. */
  pageSize?: number;
  concurrency?: number;
  /** Attempts per payload before it is given up (default 8), the first retry after `retryBaseMs` (default 5,000), doubling. */
  maxAttempts?: number;
  retryBaseMs?: number;
  /** At most this many payloads wait for a retry (default 1,000); past it the oldest is given up. */
  maxRetries?: number;
  log?: (event: "pinned" | "retry" | "gave-up" | "refused" | "error", details: Record<string, unknown>) => void;
}

/** What became of one payload. */
type Outcome = "pinned" | "not-addressed" | "refused" | "failed";

interface Retry extends IndexedPayload {
  attempts: number;
  nextAt: number;
}

/** What a replicator did since it started. */
export interface ReplicationStats {
  cursor: number;
  examined: number;
  pinned: number;
  retrying: number;
  gaveUp: number;
}

const MAX_RETRY_DELAY_MS = 10 * 60_000;

/** Pins the payloads addressed to this server's parties as the chain index learns of them (see the file's comment). */
export class PayloadReplicator {
  readonly #o: Required<Omit<PayloadReplicatorOptions, "log" | "delivered">> & Pick<PayloadReplicatorOptions, "log" | "delivered">;
  #cursor = 0;
  /** The source's last rollback this cursor has gone back for. */
  #rewinds = 0;
  #retries: Retry[] = [];
  #loaded = false;
  #stats = { examined: 0, pinned: 0, gaveUp: 0 };
  #timer: NodeJS.Timeout | undefined;
  #round: Promise<void> | undefined;
  #running = false;
  #abort = new AbortController();

  constructor(options: PayloadReplicatorOptions) {
    this.#o = {
      pollIntervalMs: 1_000,
      fetchTimeoutMs: 15_000,
      maxPayloadBytes: 64 * 1024 * 1024,
      pageSize: 100,
      concurrency: 4,
      maxAttempts: 8,
      retryBaseMs: 5_000,
      maxRetries: 1_000,
      ...options,
    };
  }

  /** Counts since start, the cursor and the payloads waiting for a retry. */
  stats(): ReplicationStats {
    return { cursor: this.#cursor, retrying: this.#retries.length, ...this.#stats };
  }

  /** Runs rounds every `pollIntervalMs` until `stop`; a failed round is logged and the next one tries again. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#abort = new AbortController();
    const loop = () => {
      this.#round = this.runOnce()
        .catch((error: unknown) => this.#o.log?.("error", { error: String(error) }))
        .finally(() => {
          this.#round = undefined;
          if (this.#running) (this.#timer = setTimeout(loop, this.#o.pollIntervalMs)).unref();
        });
    };
    loop();
  }

  /** Stops the rounds and waits for one under way. */
  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#abort.abort();
    await this.#round;
  }

  /** One round: the retries that are due, then the certificates indexed since the last round; the state is saved. */
  async runOnce(now = Date.now()): Promise<void> {
    if (!this.#loaded) await this.#load();
    // The index rolled back with the chain: the certificates it indexes again may take seqs at or under the cursor.
    const rewind = this.#o.source.payloadRewindSince?.(this.#rewinds);
    if (rewind) {
      this.#cursor = Math.min(this.#cursor, rewind.floor);
      this.#rewinds = rewind.epoch;
    }
    const due = this.#retries.filter((r) => r.nextAt <= now);
    const page = this.#o.source.payloadsAfter(this.#cursor, this.#o.pageSize);
    const own = new Set(this.#o.parties());
    // The issuer's own node pins what it anchors: only other parties' payloads can be addressed to us and missing here.
    const fresh = page.filter((p) => p.party === undefined || !own.has(p.party));
    const work: Retry[] = [...due, ...fresh.map((p) => ({ ...p, attempts: 0, nextAt: 0 }))];
    if (work.length === 0 && page.length === 0) return;
    const retried = new Set(due);
    this.#retries = this.#retries.filter((r) => !retried.has(r));
    const outcomes = await mapLimited(work, this.#o.concurrency, (item) => this.#replicate(item, own));
    work.forEach((item, i) => {
      if (outcomes[i] !== "failed") return;
      const attempts = item.attempts + 1;
      if (attempts >= this.#o.maxAttempts) return this.#giveUp(item, "no node served it");
      const delay = Math.min(this.#o.retryBaseMs * 2 ** (attempts - 1), MAX_RETRY_DELAY_MS);
      this.#retries.push({ ...item, attempts, nextAt: now + delay });
    });
    while (this.#retries.length > this.#o.maxRetries) this.#giveUp(this.#retries.shift()!, "too many payloads waiting");
    if (page.length > 0) this.#cursor = page[page.length - 1].seq;
    await this.#save();
  }

  async #replicate(item: Retry, own: Set<string>): Promise<Outcome> {
    const { payloads } = this.#o;
    const details = { certHash: item.certHash, cid: item.payloadCid, issuer: item.party };
    this.#stats.examined++;
    try {
      const signal = AbortSignal.any([this.#abort.signal, AbortSignal.timeout(this.#o.fetchTimeoutMs)]);
      const bytes = await payloads.get(item.payloadCid, { signal, maxBytes: this.#o.maxPayloadBytes });
      let header;
      try {
        header = readPayloadHeader(bytes);
      } catch (error) {
        this.#o.log?.("refused", { ...details, reason: `not an encrypted CertLedger payload (${String(error)})` });
        return "refused";
      }
      // A payload naming another certificate is not this certificate's: keeping it would serve a forgery.
      if (header.certHash !== item.certHash) {
        this.#o.log?.("refused", { ...details, reason: `it belongs to certificate ${header.certHash}` });
        return "refused";
      }
      const mine = header.recipients.filter((party) => own.has(party));
      if (mine.length === 0) {
        // Read only for its header: no copy stays here, so that each party keeps what is addressed to it, not everything.
        await payloads.release?.(item.payloadCid);
        return "not-addressed";
      }
      await payloads.pin(item.payloadCid, { signal });
      this.#stats.pinned++;
      this.#o.log?.("pinned", { ...details, for: mine });
      await this.#o.delivered?.(item.certHash, mine);
      return "pinned";
    } catch (error) {
      if (
        isCertLedgerError(error, "CID_MISMATCH") ||
        isCertLedgerError(error, "PAYLOAD_TOO_LARGE") ||
        isCertLedgerError(error, "INVALID_CID")
      ) {
        this.#o.log?.("refused", { ...details, reason: error.code });
        return "refused";
      }
      this.#o.log?.("retry", { ...details, attempt: item.attempts + 1, error: isCertLedgerError(error) ? error.code : String(error) });
      return "failed";
    }
  }

  #giveUp(item: Retry, why: string): void {
    this.#stats.gaveUp++;
    this.#o.log?.("gave-up", { certHash: item.certHash, cid: item.payloadCid, attempts: item.attempts, why });
  }

  async #load(): Promise<void> {
    const text = await readFile(this.#o.stateFile, "utf8").catch(() => undefined);
    if (text !== undefined) {
      const state = JSON.parse(text) as { cursor?: unknown; rewinds?: unknown; retries?: unknown };
      if (typeof state.cursor === "number" && Number.isSafeInteger(state.cursor) && state.cursor >= 0) this.#cursor = state.cursor;
      if (typeof state.rewinds === "number" && Number.isSafeInteger(state.rewinds) && state.rewinds >= 0) this.#rewinds = state.rewinds;
      if (Array.isArray(state.retries)) this.#retries = (state.retries as Retry[]).filter(isRetry);
    }
    this.#loaded = true;
  }

  /** Written to a fresh file and renamed over the old one, so a crash leaves one state or the other, never half. */
  async #save(): Promise<void> {
    await writeFileAtomically(
      this.#o.stateFile,
      JSON.stringify({ cursor: this.#cursor, rewinds: this.#rewinds, retries: this.#retries }) + "\n",
    );
  }
}

function isRetry(value: unknown): value is Retry {
  const r = value as Partial<Retry> | null;
  return (
    typeof r?.seq === "number" &&
    typeof r.certHash === "string" &&
    typeof r.payloadCid === "string" &&
    typeof r.attempts === "number" &&
    typeof r.nextAt === "number"
  );
}

/** `fn` over `items`, at most `limit` at once, results in order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
