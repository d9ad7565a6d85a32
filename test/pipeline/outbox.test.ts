import { expect } from "chai";
import Database from "better-sqlite3";
import { ethers } from "ethers";
import type { AnchorRequestInput } from "../../src/pipeline/anchor-request";
import { Outbox } from "../../src/pipeline/outbox";
import { MIGRATIONS } from "../../src/pipeline/outbox-schema";
import { expectError } from "../crypto/expect-error";
import { outboxFile, removeOutboxFiles } from "./fixtures";

const hash = () => ethers.hexlify(ethers.randomBytes(32));

function input(extra: Partial<AnchorRequestInput> = {}): AnchorRequestInput {
  return { certHash: hash(), authorityId: 1, certType: 1, validUntil: 2_000_000_000n, numberHash: hash(), ...extra };
}

describe("Outbox", function () {
  after(removeOutboxFiles);

  describe("enqueue", function () {
    it("a request enqueued is there after the file is closed and opened again, queued, with its payload waiting", async function () {
      const file = await outboxFile();
      const request = input({ payload: { bytes: new Uint8Array([1, 2, 3]), contentType: "application/pdf" }, idempotencyKey: "k-1" });
      const outbox = Outbox.open(file);
      const { request: stored, created } = outbox.enqueue(request);
      outbox.close();
      expect(created).to.equal(true);

      const reopened = Outbox.open(file);
      try {
        const again = reopened.get(request.certHash);
        expect(again).to.deep.equal(stored);
        expect(again).to.include({ status: "queued", authorityId: 1, certType: 1, validUntil: 2_000_000_000n, attempts: 0 });
        expect(again?.payloadCid).to.equal(undefined);
        expect(reopened.getByIdempotencyKey("k-1", 1)?.certHash).to.equal(request.certHash);
        expect(reopened.requests.pendingUploads(Date.now(), 10).map((u) => [u.certHash, [...u.bytes]])).to.deep.equal([
          [request.certHash, [1, 2, 3]],
        ]);
      } finally {
        reopened.close();
      }
    });

    it("pendingUploads: oldest first, leaving out uploads in progress, up to a count and a byte budget (but always one)", async function () {
      const outbox = Outbox.open(await outboxFile());
      try {
        const sizes = [300, 200, 100, 400, 50];
        const requests = sizes.map((size, i) =>
          input({ payload: { bytes: new Uint8Array(size).fill(i + 1), contentType: "application/pdf" } }),
        );
        for (const request of requests) outbox.enqueue(request);
        outbox.enqueue(input());
        const pending = (excluding: number[], limit = 10, maxBytes = Infinity) =>
          outbox.requests.pendingUploads(Date.now(), limit, new Set(excluding.map((i) => requests[i].certHash)), maxBytes).map((upload) => {
            const i = requests.findIndex((r) => r.certHash === upload.certHash);
            expect([...upload.bytes], `payload ${i}`).to.deep.equal([...new Uint8Array(sizes[i]).fill(i + 1)]);
            return i;
          });
        expect(pending([])).to.deep.equal([0, 1, 2, 3, 4], "the request without a payload has nothing to upload");
        expect(pending([0, 2])).to.deep.equal([1, 3, 4]);
        expect(pending([1], 2)).to.deep.equal([0, 2]);
        expect(pending([], 10, 600)).to.deep.equal([0, 1, 2], "300 + 200 + 100 bytes; the next would pass 600");
        expect(pending([0, 1, 2], 10, 10)).to.deep.equal([3], "one, however large");
      } finally {
        outbox.close();
      }
    });

    it("the outbox file is in WAL mode and records its schema version", async function () {
      const file = await outboxFile();
      Outbox.open(file).close();
      const db = new Database(file, { readonly: true });
      try {
        expect(db.pragma("journal_mode", { simple: true })).to.equal("wal");
        expect(db.pragma("user_version", { simple: true })).to.equal(MIGRATIONS.length);
      } finally {
        db.close();
      }
    });

    it("the same certHash again returns the existing request, created=false, even with another payload", async function () {
      const outbox = Outbox.open(await outboxFile());
      try {
        const request = input({ payload: { bytes: new Uint8Array([1]), contentType: "application/pdf" } });
        const first = outbox.enqueue(request);
        const second = outbox.enqueue({ ...request, certHash: request.certHash.toUpperCase().replace("0X", "0x"), payload: undefined });
        expect(second.created).to.equal(false);
        expect(second.request).to.deep.equal(first.request);
        expect(outbox.counts()).to.deep.equal({ queued: 1, submitted: 0, anchored: 0, failed: 0 });
      } finally {
        outbox.close();
      }
    });

    for (const [field, change] of [
      ["authorityId", { authorityId: 2 }],
      ["certType", { certType: 2 }],
      ["validUntil", { validUntil: 2_000_000_001n }],
      ["numberHash", { numberHash: hash() }],
    ] as const) {
      it(`the same certHash with another ${field} is REQUEST_CONFLICT naming ${field}`, async function () {
        const outbox = Outbox.open(await outboxFile());
        try {
          const request = input();
          outbox.enqueue(request);
          const error = expectError(() => outbox.enqueue({ ...request, ...change }), "REQUEST_CONFLICT", new RegExp(field));
          expect(error.details).to.deep.equal({ certHash: request.certHash, fields: [field] });
        } finally {
          outbox.close();
        }
      });
    }

    it("an idempotency key used again with another certHash is IDEMPOTENCY_KEY_REUSED; with the same one it is a repeat", async function () {
      const outbox = Outbox.open(await outboxFile());
      try {
        const request = input({ idempotencyKey: "order-17" });
        outbox.enqueue(request);
        expect(outbox.enqueue(request).created).to.equal(false);
        expectError(() => outbox.enqueue(input({ idempotencyKey: "order-17" })), "IDEMPOTENCY_KEY_REUSED", /order-17/);
        // Keys are per authority: another authority may use the same one.
        expect(outbox.enqueue(input({ authorityId: 2, idempotencyKey: "order-17" })).created).to.equal(true);
        expect(outbox.getByIdempotencyKey("order-17", 2)?.authorityId).to.equal(2);
      } finally {
        outbox.close();
      }
    });

    for (const [field, bad] of [
      ["certHash", { certHash: "0x1234" }],
      ["certHash", { certHash: "0x" + "00".repeat(32) }],
      ["authorityId", { authorityId: 0 }],
      ["certType", { certType: 64 }],
      ["validUntil", { validUntil: 0n }],
      ["validUntil", { validUntil: 1n << 64n }],
      ["numberHash", { numberHash: "KG-1" }],
      ["payload.bytes", { payload: { bytes: new Uint8Array(), contentType: "application/pdf" } }],
      ["idempotencyKey", { idempotencyKey: "" }],
    ] as const) {
      it(`an input with a bad ${field} (${JSON.stringify(Object.values(bad)[0], (_k, v) => (typeof v === "bigint" ? String(v) : v))}) is INVALID_ANCHOR_REQUEST naming it`, async function () {
        const outbox = Outbox.open(await outboxFile());
        try {
          const error = expectError(() => outbox.enqueue({ ...input(), ...bad } as AnchorRequestInput), "INVALID_ANCHOR_REQUEST");
          expect(error.details).to.deep.equal({ field });
          expect(outbox.counts().queued).to.equal(0);
        } finally {
          outbox.close();
        }
      });
    }

    it("enqueueGrouped commits concurrent requests together, durably; a conflict rejects only its own request", async function () {
      const file = await outboxFile();
      const outbox = Outbox.open(file);
      const inputs = Array.from({ length: 50 }, () => input());
      const conflicting = { ...inputs[3], certType: 2 };
      const outcomes = await Promise.allSettled([...inputs, inputs[7], conflicting].map((i) => outbox.enqueueGrouped(i)));
      outbox.close();
      expect(outcomes.slice(0, 50).every((o) => o.status === "fulfilled" && o.value.created)).to.equal(true);
      expect(outcomes[50]).to.deep.include({ status: "fulfilled" });
      expect((outcomes[50] as PromiseFulfilledResult<{ created: boolean }>).value.created).to.equal(false);
      expect(outcomes[51].status).to.equal("rejected");
      expect((outcomes[51] as PromiseRejectedResult).reason).to.have.property("code", "REQUEST_CONFLICT");
      const reopened = Outbox.open(file);
      try {
        expect(reopened.counts().queued).to.equal(50);
        expect(reopened.get(inputs[3].certHash)?.certType).to.equal(1);
      } finally {
        reopened.close();
      }
    });

    it("a grouped request that fails half-written (its JWS refused by the database) leaves nothing of itself, and no caller is told a request is durable that is not", async function () {
      const file = await outboxFile();
      const outbox = Outbox.open(file);
      outbox.close();
      // The database itself refuses one JWS, after its request's row is written: a failure no check before it sees.
      const db = new Database(file);
      db.exec(`CREATE TRIGGER refuse_jws BEFORE INSERT ON request_jws WHEN NEW.jws = 'refused.by.disk'
               BEGIN SELECT RAISE(ABORT, 'disk refused'); END`);
      db.close();
      const reopened = Outbox.open(file);
      const inputs = [input({ jws: "a.b.c" }), input({ jws: "refused.by.disk" }), input({ jws: "d.e.f" })];
      const outcomes = await Promise.allSettled(inputs.map((i) => reopened.enqueueGrouped(i)));
      reopened.close();
      expect(outcomes[1].status).to.equal("rejected");
      const after = Outbox.open(file);
      try {
        inputs.forEach((sent, i) => {
          const stored = after.get(sent.certHash);
          if (outcomes[i].status === "fulfilled") {
            expect(stored?.status, `request ${i}, said durable`).to.equal("queued");
            expect(after.requests.jwsOf(sent.certHash), `request ${i}'s JWS`).to.equal(sent.jws);
          } else {
            expect(stored, `request ${i}, refused`).to.equal(undefined);
          }
        });
        expect(after.counts().queued).to.equal(outcomes.filter((o) => o.status === "fulfilled").length);
      } finally {
        after.close();
      }
    });

    it("grouped enqueues still waiting when the outbox closes are committed first", async function () {
      const file = await outboxFile();
      const outbox = Outbox.open(file);
      const request = input();
      const pending = outbox.enqueueGrouped(request);
      outbox.close();
      expect((await pending).created).to.equal(true);
      const reopened = Outbox.open(file);
      expect(reopened.get(request.certHash)?.status).to.equal("queued");
      reopened.close();
    });

    it("a closed outbox refuses every call with OUTBOX_UNAVAILABLE", async function () {
      const outbox = Outbox.open(await outboxFile());
      outbox.close();
      expectError(() => outbox.enqueue(input()), "OUTBOX_UNAVAILABLE", /closed/);
      expectError(() => outbox.counts(), "OUTBOX_UNAVAILABLE");
    });

    it("a credential's JWS is written once beside its request, not in the row each step rewrites, and read back after a reopen", async function () {
      const file = await outboxFile();
      const jws = `eyJhbGciOiJFUzI1NiJ9.${"x".repeat(1500)}.sig`;
      const outbox = Outbox.open(file);
      const { request } = outbox.enqueue(input({ jws }));
      const other = input();
      outbox.enqueue(other);
      outbox.requests.recordPayloads([{ certHash: request.certHash, cid: "bafkqaaa" }]);
      outbox.close();

      const db = new Database(file, { readonly: true });
      try {
        expect(db.prepare("SELECT count(*) AS n FROM requests WHERE jws IS NOT NULL").get()).to.deep.equal({ n: 0 });
        expect(db.prepare("SELECT jws FROM request_jws").all()).to.deep.equal([{ jws }]);
      } finally {
        db.close();
      }
      const reopened = Outbox.open(file);
      try {
        expect(reopened.jwsOf(request.certHash)).to.equal(jws);
        expect(reopened.jwsOf(other.certHash)).to.equal(undefined);
      } finally {
        reopened.close();
      }
    });

    it("an outbox written before the JWS moved out of the request row keeps every JWS through the migration", async function () {
      const file = await outboxFile();
      const before = new Database(file);
      before.pragma("journal_mode = WAL");
      const previous = MIGRATIONS.length - 1;
      for (const migration of MIGRATIONS.slice(0, previous)) before.exec(migration);
      before.pragma(`user_version = ${previous}`);
      const old = [input({ jws: "a.b.c" }), input({ jws: "d.e.f" }), input()];
      const insert = before.prepare(
        `INSERT INTO requests (cert_hash, authority_id, cert_type, valid_until, number_hash, jws, status, ready_at, created_at, updated_at)
         VALUES (?, 1, 1, '2000000000', ?, ?, 'queued', 0, 0, 0)`,
      );
      for (const request of old) insert.run(request.certHash, request.numberHash, request.jws ?? null);
      before.close();

      const outbox = Outbox.open(file);
      try {
        expect(old.map((request) => outbox.jwsOf(request.certHash))).to.deep.equal(["a.b.c", "d.e.f", undefined]);
        expect(old.map((request) => outbox.get(request.certHash)?.status)).to.deep.equal(["queued", "queued", "queued"]);
        const fresh = input({ jws: "g.h.i" });
        outbox.enqueue(fresh);
        expect(outbox.jwsOf(fresh.certHash)).to.equal("g.h.i");
      } finally {
        outbox.close();
      }
      const db = new Database(file, { readonly: true });
      try {
        expect(db.pragma("user_version", { simple: true })).to.equal(MIGRATIONS.length);
        expect(db.prepare("SELECT count(*) AS n FROM requests WHERE jws IS NOT NULL").get()).to.deep.equal({ n: 0 });
      } finally {
        db.close();
      }
    });

    it("a file written by a newer schema version is refused with OUTBOX_UNAVAILABLE", async function () {
      const file = await outboxFile();
      const db = new Database(file);
      db.pragma("user_version = 99");
      db.close();
      expectError(() => Outbox.open(file), "OUTBOX_UNAVAILABLE", /schema version 99/);
    });
  });

  describe("reading", function () {
    it("list filters by authority and status, newest first, with limit and offset; counts counts by status", async function () {
      const outbox = Outbox.open(await outboxFile());
      try {
        const a = [input(), input(), input()].map((i) => outbox.enqueue(i).request.certHash);
        const b = outbox.enqueue(input({ authorityId: 2 })).request.certHash;
        outbox.requests.fail([a[0]], { code: "NO_SIGNER", message: "none" });
        expect(outbox.list().map((r) => r.certHash)).to.deep.equal([b, a[2], a[1], a[0]]);
        expect(outbox.list({ authorityId: 1, status: "queued" }).map((r) => r.certHash)).to.deep.equal([a[2], a[1]]);
        expect(outbox.list({ limit: 2, offset: 1 }).map((r) => r.certHash)).to.deep.equal([a[2], a[1]]);
        expect(outbox.get(a[0])).to.include({ status: "failed" });
        expect(outbox.get(a[0])?.error).to.deep.equal({ code: "NO_SIGNER", message: "none" });
        expect(outbox.counts()).to.deep.equal({ queued: 3, submitted: 0, anchored: 0, failed: 1 });
        expect(outbox.get(hash())).to.equal(undefined);
      } finally {
        outbox.close();
      }
    });
  });

  describe("the batcher's bookkeeping", function () {
    it("a submission records its members' proofs before sending, and its outcome after, surviving a reopen", async function () {
      const file = await outboxFile();
      const outbox = Outbox.open(file);
      const [r1, r2] = [input(), input()].map((i) => outbox.enqueue(i).request);
      const root = hash();
      const submission = outbox.submissions.record({
        kind: "batch",
        authorityId: 1,
        certType: 1,
        root,
        manifestCid: "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy",
        fromBlock: 7,
        members: [
          { certHash: r1.certHash, proof: [hash()] },
          { certHash: r2.certHash, proof: [hash()] },
        ],
      });
      expect(submission).to.include({ kind: "batch", status: "submitted", leafCount: 2, fromBlock: 7, root });
      outbox.close();

      const reopened = Outbox.open(file);
      try {
        expect(reopened.get(r1.certHash)).to.include({ status: "submitted", batchRoot: root });
        expect(reopened.submissions.due(Number.POSITIVE_INFINITY, 10).map((s) => s.id)).to.deep.equal([submission.id]);
        reopened.submissions.recordAnchored(submission.id, { txHash: hash(), blockNumber: 9 });
        expect(reopened.get(r2.certHash)).to.include({ status: "anchored", blockNumber: 9, batchRoot: root });
        expect(reopened.member(r2.certHash)?.root).to.equal(root);
        expect(reopened.submissions.due(Number.POSITIVE_INFINITY, 10)).to.deep.equal([]);
      } finally {
        reopened.close();
      }
    });

    it("a number accepted again waits for its earlier request to be anchored, so the chain holds them in the order they came", async function () {
      const outbox = Outbox.open(await outboxFile());
      try {
        const numberHash = hash();
        // The first carries a payload (ready once it is on IPFS); the re-issue carries none, so it is ready at once.
        const first = outbox.enqueue(
          input({ numberHash, payload: { bytes: new Uint8Array([1]), contentType: "application/pdf" } }),
        ).request;
        const reissue = outbox.enqueue(input({ numberHash })).request;
        const other = outbox.enqueue(input()).request;
        const ready = () =>
          outbox.requests
            .ready(1, 1, Number.POSITIVE_INFINITY, 10)
            .map((r) => r.certHash)
            .sort();
        expect(ready()).to.deep.equal([other.certHash]);

        outbox.requests.recordPayloads([{ certHash: first.certHash, cid: "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy" }]);
        expect(ready()).to.deep.equal([other.certHash, first.certHash].sort());

        const submission = outbox.submissions.record({
          kind: "direct",
          authorityId: 1,
          certType: 1,
          fromBlock: 1,
          members: [{ certHash: first.certHash }],
        });
        expect(ready(), "sent but not yet confirmed").to.deep.equal([other.certHash]);
        outbox.submissions.recordAnchored(submission.id, { txHash: hash(), blockNumber: 2 });
        expect(ready()).to.deep.equal([other.certHash, reissue.certHash].sort());
        // Another authority's or type's request with the number waits all the same (one number, one party).
        const otherType = outbox.enqueue(input({ numberHash, certType: 2 })).request;
        expect(outbox.requests.ready(1, 2, Number.POSITIVE_INFINITY, 10)).to.deep.equal([]);
        outbox.requests.fail([reissue.certHash], { code: "TEST", message: "given up" });
        expect(outbox.requests.ready(1, 2, Number.POSITIVE_INFINITY, 10).map((r) => r.certHash)).to.deep.equal([otherType.certHash]);
      } finally {
        outbox.close();
      }
    });

    it("a request is never in two submissions: recording it again is refused and changes nothing", async function () {
      const outbox = Outbox.open(await outboxFile());
      try {
        const { certHash } = outbox.enqueue(input()).request;
        outbox.submissions.record({ kind: "direct", authorityId: 1, certType: 1, fromBlock: 1, members: [{ certHash }] });
        const other = outbox.enqueue(input()).request.certHash;
        expectError(
          () =>
            outbox.submissions.record({
              kind: "batch",
              authorityId: 1,
              certType: 1,
              root: hash(),
              manifestCid: "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy",
              fromBlock: 1,
              members: [{ certHash: other }, { certHash }],
            }),
          "INVALID_ANCHOR_REQUEST",
          /not a queued request/,
        );
        expect(outbox.get(other)).to.include({ status: "queued" });
        expect(outbox.submissions.due(Number.POSITIVE_INFINITY, 10)).to.have.length(1);
      } finally {
        outbox.close();
      }
    });
  });
});
