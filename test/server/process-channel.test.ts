import { expect } from "chai";
import { CertLedgerError } from "../../src/errors";
import { ProcessChannel } from "../../server/process-channel";

/** Two ends joined as Node's IPC joins two processes: each message cloned, delivered on a later turn. */
function pair(options: { timeoutMs?: number } = {}) {
  const ends: ProcessChannel[] = [];
  const deliver = (to: number) => (message: unknown) => {
    const copy = structuredClone(message);
    setImmediate(() => ends[to].receive(copy));
  };
  ends.push(new ProcessChannel(deliver(1), options), new ProcessChannel(deliver(0), options));
  return { a: ends[0], b: ends[1] };
}

describe("the channel between the node and its verification processes", function () {
  it("answers questions, bigints and bytes included, and passes notices", async function () {
    const { a, b } = pair();
    b.answer<number, { n: bigint; bytes: Uint8Array }>("double", (n) => ({ n: BigInt(n * 2), bytes: new Uint8Array([n]) }));
    const told: unknown[] = [];
    b.on("observed", (block) => told.push(block));
    const answer = await a.ask<{ n: bigint; bytes: Uint8Array }>("double", 21);
    expect(answer.n).to.equal(42n);
    expect([...answer.bytes]).to.deep.equal([21]);
    a.tell("observed", 7);
    a.tell("observed", 8);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(told).to.deep.equal([7, 8]);
  });

  it("sends what one turn posts as one message, in order, and fails its questions at once when the other process is gone", async function () {
    const sent: unknown[] = [];
    const receiver = new ProcessChannel(() => undefined);
    const seen: number[] = [];
    receiver.on<number>("n", (n) => seen.push(n));
    const sender = new ProcessChannel((message) => sent.push(structuredClone(message)));
    for (let n = 0; n < 10; n++) sender.tell("n", n);
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent).to.have.length(1);
    receiver.receive(sent[0]);
    expect(seen).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

    const gone = new ProcessChannel(() => {
      throw new Error("channel closed");
    });
    await gone.ask("anything", null).then(
      () => expect.fail("answered"),
      (error: CertLedgerError) => expect(error.code).to.equal("NODE_UNAVAILABLE"),
    );
  });

  it("fails a question with the other side's error code, an unknown question with INTERNAL_ERROR", async function () {
    const { a, b } = pair();
    b.answer("payload", () => {
      throw new CertLedgerError("IPFS_NOT_FOUND", "no one served it");
    });
    b.answer("broken", () => {
      throw new TypeError("a bug");
    });
    for (const [kind, code] of [
      ["payload", "IPFS_NOT_FOUND"],
      ["broken", "INTERNAL_ERROR"],
      ["unknown", "INTERNAL_ERROR"],
    ]) {
      await a.ask(kind, null).then(
        () => expect.fail(`${kind} answered`),
        (error: CertLedgerError) => expect(error.code, kind).to.equal(code),
      );
    }
  });

  it("never waits for ever: a question unanswered in time, or left when the other side goes away, fails NODE_UNAVAILABLE", async function () {
    const { a, b } = pair({ timeoutMs: 50 });
    b.answer("slow", () => new Promise(() => undefined));
    await a.ask("slow", null).then(
      () => expect.fail("answered"),
      (error: CertLedgerError) => expect(error.code).to.equal("NODE_UNAVAILABLE"),
    );
    const { a: c } = pair({ timeoutMs: 60_000 });
    const waiting = c.ask("anything", null);
    c.close("the node went away");
    await waiting.then(
      () => expect.fail("answered"),
      (error: CertLedgerError) => expect(error.message).to.equal("the node went away"),
    );
  });

  it("ignores messages that are not its own, and answers that match no question", function () {
    const { a } = pair();
    a.receive({ cmd: "NODE_CLUSTER", act: "online" });
    a.receive(undefined);
    a.receive({ channel: "certledger", type: "answer", id: 999, value: 1 });
  });
});
