import { CertLedgerError, isCertLedgerError, type CertLedgerErrorCode } from "../src/errors";

/**
 * Questions and notices between the node's process and its verification processes, over Node's IPC channel (with
 * "advanced" serialization: bigints and byte arrays cross as they are). A question gets one answer or one typed
 * failure; a notice gets none. A question the other side cannot answer in time fails with NODE_UNAVAILABLE, so a
 * verification never waits for ever on a node that went away.
 *
 * Messages posted in one turn of the event loop leave together, as one IPC message, on the next: under load a
 * process asks once per request (the rate limit's count), and one write for a turn's questions costs the node and
 * the process a fraction of a write each (a turn of 10 connections' requests asked in one).
 */
type Message =
  | { channel: "certledger"; type: "ask"; id: number; kind: string; args: unknown }
  | { channel: "certledger"; type: "answer"; id: number; value: unknown }
  | { channel: "certledger"; type: "failed"; id: number; code: CertLedgerErrorCode; message: string }
  | { channel: "certledger"; type: "tell"; kind: string; args: unknown }
  | { channel: "certledger"; type: "batch"; messages: Message[] };

/** One end of the channel: `send` posts a message to the other process; feed what it receives to `receive`. */
export class ProcessChannel {
  readonly #send: (message: Message) => void;
  readonly #timeoutMs: number;
  readonly #waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void; timer: NodeJS.Timeout }>();
  readonly #answers = new Map<string, (args: never) => unknown>();
  readonly #notices = new Map<string, (args: never) => void>();
  #next = 0;
  #outgoing: Message[] = [];

  constructor(send: (message: unknown) => void, options: { timeoutMs?: number } = {}) {
    this.#send = (message) => {
      this.#outgoing.push(message);
      if (this.#outgoing.length === 1) setImmediate(() => this.#flush(send));
    };
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** Asks the other side `kind` and resolves with its answer (or rejects with its typed failure, or after `timeoutMs`). */
  ask<T>(kind: string, args: unknown, options: { timeoutMs?: number } = {}): Promise<T> {
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    const id = ++this.#next;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        reject(new CertLedgerError("NODE_UNAVAILABLE", `the node did not answer "${kind}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiting.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      this.#send({ channel: "certledger", type: "ask", id, kind, args });
    });
  }

  /** Tells the other side `kind` (no answer). */
  tell(kind: string, args: unknown): void {
    this.#send({ channel: "certledger", type: "tell", kind, args });
  }

  /** Answers questions `kind` with `handler`; a thrown CertLedgerError reaches the asker with its code. */
  answer<A, T>(kind: string, handler: (args: A) => T | Promise<T>): this {
    this.#answers.set(kind, handler as (args: never) => unknown);
    return this;
  }

  /** Handles notices `kind`. */
  on<A>(kind: string, handler: (args: A) => void): this {
    this.#notices.set(kind, handler as (args: never) => void);
    return this;
  }

  /** Handles a message received from the other process; anything not of this channel is ignored. */
  receive(raw: unknown): void {
    const message = raw as Message;
    if (message?.channel !== "certledger") return;
    if (message.type === "batch") {
      for (const each of message.messages) this.receive(each);
    } else if (message.type === "tell") {
      this.#notices.get(message.kind)?.(message.args as never);
    } else if (message.type === "ask") {
      void this.#reply(message.id, message.kind, message.args);
    } else {
      const waiting = this.#waiting.get(message.id);
      if (!waiting) return;
      this.#waiting.delete(message.id);
      clearTimeout(waiting.timer);
      if (message.type === "answer") waiting.resolve(message.value);
      else waiting.reject(new CertLedgerError(message.code, message.message));
    }
  }

  /** Fails every question still waiting (the other process went away). */
  close(reason: string): void {
    for (const [id, waiting] of this.#waiting) {
      clearTimeout(waiting.timer);
      waiting.reject(new CertLedgerError("NODE_UNAVAILABLE", reason));
      this.#waiting.delete(id);
    }
  }

  async #reply(id: number, kind: string, args: unknown): Promise<void> {
    const handler = this.#answers.get(kind);
    let message: Message;
    try {
      if (!handler) throw new CertLedgerError("INTERNAL_ERROR", `no answer for "${kind}"`);
      message = { channel: "certledger", type: "answer", id, value: await handler(args as never) };
    } catch (error) {
      const code = isCertLedgerError(error) ? error.code : "INTERNAL_ERROR";
      message = { channel: "certledger", type: "failed", id, code, message: (error as Error).message ?? String(error) };
    }
    this.#send(message);
  }

  /** Posts what this turn queued, as one message; when the other process cannot be reached, its questions fail now. */
  #flush(send: (message: unknown) => void): void {
    const messages = this.#outgoing;
    this.#outgoing = [];
    try {
      send(messages.length === 1 ? messages[0] : { channel: "certledger", type: "batch", messages });
    } catch (error) {
      for (const message of messages) {
        const waiting = message.type === "ask" ? this.#waiting.get(message.id) : undefined;
        if (!waiting || message.type !== "ask") continue;
        clearTimeout(waiting.timer);
        this.#waiting.delete(message.id);
        waiting.reject(new CertLedgerError("NODE_UNAVAILABLE", `cannot reach the node: ${(error as Error).message}`));
      }
    }
  }
}
