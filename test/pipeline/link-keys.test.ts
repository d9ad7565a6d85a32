import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { expect } from "chai";
import { LinkKeyStore, type IssuedRecord } from "../../src/pipeline";
import { expectError } from "../crypto/expect-error";

const hashOf = (n: number) => "0x" + n.toString(16).padStart(64, "0");
const keyOf = (n: number) => Buffer.alloc(32, n).toString("base64url");

function record(n: number, overrides: Partial<IssuedRecord> = {}): IssuedRecord {
  return {
    certHash: hashOf(n),
    authorityId: 1,
    party: "KG",
    certType: 1,
    number: `KG-${n}`,
    stamped: false,
    linkKey: keyOf(n),
    ...overrides,
  };
}

describe("LinkKeyStore", function () {
  let dir: string;
  let file: string;
  const dataKey = new Uint8Array(randomBytes(32));
  const open: LinkKeyStore[] = [];
  const store = (key: Uint8Array = dataKey) => {
    const s = LinkKeyStore.open(file, key);
    open.push(s);
    return s;
  };

  beforeEach(async function () {
    dir = await mkdtemp(path.join(os.tmpdir(), "certledger-link-keys-"));
    file = path.join(dir, "link-keys.sqlite");
  });
  afterEach(async function () {
    for (const s of open.splice(0)) s.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("gives a link key back after reopening, and keeps it only sealed on disk", async function () {
    const first = store();
    first.record(record(1, { stamped: true, number: "KG-2025/0001" }));
    first.close();
    expect(store().get(hashOf(1))).to.deep.include({
      certHash: hashOf(1),
      linkKey: keyOf(1),
      stamped: true,
      number: "KG-2025/0001",
      party: "KG",
      authorityId: 1,
    });
    const disk = await readFile(file);
    expect(disk.includes(Buffer.from(keyOf(1)))).to.equal(false);
    expect(disk.includes(Buffer.alloc(32, 1))).to.equal(false);
  });

  it("does not open with another data key, nor a sealed key moved onto another certificate", function () {
    store().record(record(1));
    store().record(record(2));
    expectError(() => store(new Uint8Array(randomBytes(32))).get(hashOf(1)), "INVALID_KEYSTORE");
    const db = new Database(file);
    db.prepare("UPDATE issued SET link_key = (SELECT link_key FROM issued WHERE cert_hash = ?) WHERE cert_hash = ?").run(
      hashOf(1),
      hashOf(2),
    );
    db.close();
    expectError(() => store().get(hashOf(2)), "INVALID_KEYSTORE");
    expect(store().get(hashOf(1))?.linkKey).to.equal(keyOf(1));
  });

  it("lists newest first by authority, party, type and number (exact or prefix, wildcards taken literally), page by page", function () {
    const s = store();
    s.record(record(1, { number: "KG-100" }));
    s.record(record(2, { number: "KG-101", certType: 2 }));
    s.record(record(3, { number: "kg 102", authorityId: 2 }));
    s.record(record(4, { number: "KZ-1", party: "KZ", authorityId: 3 }));
    s.record(record(5, { number: "KG_%1" }));
    const hashes = (entries: { certHash: string }[]) => entries.map((e) => Number.parseInt(e.certHash.slice(2), 16));
    expect(hashes(s.page({ limit: 10 }))).to.deep.equal([5, 4, 3, 2, 1]);
    expect(hashes(s.page({ authorityId: 1, limit: 10 }))).to.deep.equal([5, 2, 1]);
    expect(hashes(s.page({ party: "KG", limit: 10 }))).to.deep.equal([5, 3, 2, 1]);
    expect(hashes(s.page({ certType: 2, limit: 10 }))).to.deep.equal([2]);
    expect(hashes(s.page({ number: "kg-10", numberPrefix: true, limit: 10 }))).to.deep.equal([2, 1]);
    expect(hashes(s.page({ number: "KG 102", limit: 10 }))).to.deep.equal([3]);
    expect(hashes(s.page({ number: "KG-10", limit: 10 }))).to.deep.equal([]);
    expect(hashes(s.page({ number: "KG_%", numberPrefix: true, limit: 10 }))).to.deep.equal([5]);
    const first = s.page({ party: "KG", limit: 2 });
    expect(hashes(first)).to.deep.equal([5, 3]);
    expect(hashes(s.page({ party: "KG", limit: 2, before: first[1].seq }))).to.deep.equal([2, 1]);
  });

  it("derives a stamp's link key from the PDF, its authority and its number, secret to the data key", function () {
    const s = store();
    const key = s.stampLinkKey(1, "KG-1", hashOf(7));
    expect(key).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(s.stampLinkKey(1, " kg-1 ", hashOf(7))).to.equal(key);
    expect(s.stampLinkKey(2, "KG-1", hashOf(7))).not.to.equal(key);
    expect(s.stampLinkKey(1, "KG-2", hashOf(7))).not.to.equal(key);
    expect(s.stampLinkKey(1, "KG-1", hashOf(8))).not.to.equal(key);
    expect(store(new Uint8Array(randomBytes(32))).stampLinkKey(1, "KG-1", hashOf(7))).not.to.equal(key);
  });

  it("records of the same event-loop turn are committed together, each durable once its promise resolves, and a bad one refused alone", async function () {
    const keys = store();
    const settled = await Promise.allSettled([
      keys.recordGrouped(record(1)),
      keys.recordGrouped(record(2, { linkKey: "short" })),
      keys.recordGrouped(record(3)),
    ]);
    expect(settled.map((s) => s.status)).to.deep.equal(["fulfilled", "rejected", "fulfilled"]);
    keys.close();
    const reopened = store();
    expect(reopened.get(hashOf(1))?.linkKey).to.equal(keyOf(1));
    expect(reopened.get(hashOf(2))).to.equal(undefined);
    expect(reopened.get(hashOf(3))?.linkKey).to.equal(keyOf(3));
  });
});
