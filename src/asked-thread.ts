/**
 * A worker thread that is asked questions and answers each by its id: the calling side ({@link AskedThread}) and the
 * thread's side ({@link answerAsked}). Used for work the event loop must not do itself (a manifest's members, a
 * state dump of the embedded chain), one thread per kind of work.
 */
import { parentPort, type Worker } from "node:worker_threads";
import { CertLedgerError, type CertLedgerErrorCode } from "./errors";

/** A question's failure as it crosses back: its CertLedgerError code, if it had one, and its message. */
interface AskedError {
  code?: CertLedgerErrorCode;
  message: string;
}

type Reply = { id: number; answer: unknown } | { id: number; error: AskedError };

/**
 * The calling side: the thread is started on the first question and left to exit with the process (unref'd) while no
 * question waits, so an idle thread never keeps a process alive nor a busy one lets it exit. A question the thread
 * refuses rejects with a CertLedgerError of the thread's code (`fallbackCode` when it had none); one the thread died
 * on rejects with a plain Error, and the next question starts a new thread.
 */
export class AskedThread {
  readonly #start: () => Worker;
  readonly #name: string;
  readonly #fallbackCode: CertLedgerErrorCode;
  #worker: Worker | undefined;
  #nextId = 0;
  readonly #waiting = new Map<number, { resolve: (answer: unknown) => void; reject: (error: Error) => void }>();

  /** `start` starts the thread (see startWorker); `name` says which in errors, e.g. "the manifest thread". */
  constructor(name: string, start: () => Worker, fallbackCode: CertLedgerErrorCode) {
    this.#name = name;
    this.#start = start;
    this.#fallbackCode = fallbackCode;
  }

  /** Posts `question` to the thread and resolves with its answer. */
  ask<T>(question: Record<string, unknown>): Promise<T> {
    const worker = this.#running();
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#waiting.set(id, { resolve: resolve as (answer: unknown) => void, reject });
      if (this.#waiting.size === 1) worker.ref();
      worker.postMessage({ id, question });
    });
  }

  /** Stops the thread, after asking it `last` when given (e.g. to close its files); a new one starts on the next question. */
  async stop(last?: Record<string, unknown>): Promise<void> {
    const worker = this.#worker;
    if (!worker) return;
    if (last) await this.ask(last).catch(() => undefined);
    if (this.#worker === worker) this.#worker = undefined;
    await worker.terminate();
  }

  #running(): Worker {
    if (this.#worker) return this.#worker;
    const worker = this.#start();
    worker.unref();
    worker.on("message", (reply: Reply) => {
      const waiting = this.#waiting.get(reply.id);
      if (!waiting) return;
      this.#waiting.delete(reply.id);
      if (this.#waiting.size === 0) worker.unref();
      if ("error" in reply) waiting.reject(new CertLedgerError(reply.error.code ?? this.#fallbackCode, reply.error.message));
      else waiting.resolve(reply.answer);
    });
    const fail = (error: unknown) => {
      if (this.#worker === worker) this.#worker = undefined;
      const cause = error instanceof Error ? error : new Error(String(error));
      for (const { reject } of this.#waiting.values()) reject(cause);
      this.#waiting.clear();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`${this.#name} exited (${code})`)));
    this.#worker = worker;
    return worker;
  }
}

/**
 * The thread's side: answers every question posted to this thread with `answer`'s result, one after the other in the
 * order asked; an error goes back as its code and message.
 */
export function answerAsked(answer: (question: Record<string, unknown>) => unknown): void {
  let previous: Promise<void> = Promise.resolve();
  parentPort?.on("message", ({ id, question }: { id: number; question: Record<string, unknown> }) => {
    previous = previous.then(async () => {
      try {
        parentPort?.postMessage({ id, answer: await answer(question) });
      } catch (error) {
        const code = error instanceof CertLedgerError ? error.code : undefined;
        parentPort?.postMessage({ id, error: { code, message: error instanceof Error ? error.message : String(error) } });
      }
    });
  });
}
