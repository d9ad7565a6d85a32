import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ViewsStore } from "../../src/standard-views/views-store";
import { expectRejection } from "../crypto/expect-error";

/** The status list slots a server hands out: never the same slot twice, whatever happens between two starts. */
describe("status list slots (views store)", function () {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), "certledger-views-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const hash = (i: number) => "0x" + i.toString(16).padStart(64, "0");
  const key = (s: { authorityId: number; list: number; index: number }) => `${s.authorityId}/${s.list}/${s.index}`;

  it("hands out distinct slots, before and after a restart that left reserved slots unbound", async function () {
    const file = path.join(dir, "views.sqlite");
    let store = ViewsStore.open(file);
    const first = Array.from({ length: 300 }, () => store.reserveSlot(7));
    await Promise.all(first.slice(0, 10).map((slot, i) => store.bindSlot(slot, hash(i))));
    store.close(); // 290 reserved, never bound: as a server stopped (or cut off) between reserving and signing
    store = ViewsStore.open(file);
    const second = Array.from({ length: 600 }, () => store.reserveSlot(7));
    const all = [...first, ...second].map(key);
    expect(new Set(all).size).to.equal(all.length);
    await store.bindSlot(second[0], hash(1000));
    expect(store.slotOf(hash(1000))).to.deep.equal(second[0]);
    expect(store.slotOf(hash(3))).to.deep.equal(first[3]);
    store.close();
  });

  it("binds the slots of concurrent signings in one commit, and refuses a slot bound already or a certHash bound twice", async function () {
    const store = ViewsStore.open(path.join(dir, "views.sqlite"));
    try {
      const slots = Array.from({ length: 50 }, () => store.reserveSlot(1));
      await Promise.all(slots.map((slot, i) => store.bindSlot(slot, hash(i))));
      slots.forEach((slot, i) => expect(store.slotOf(hash(i))).to.deep.equal(slot));
      const again = store.bindSlot(slots[0], hash(999));
      const twice = store.bindSlot(store.reserveSlot(1), hash(1));
      const fine = store.bindSlot(store.reserveSlot(1), hash(500));
      await expectRejection(again, "INVALID_STATUS_ENTRY");
      await expectRejection(twice, "INVALID_STATUS_ENTRY");
      await fine; // the others' refusals do not undo it
      expect(store.slotOf(hash(500))).to.not.equal(undefined);
      expect(store.slotOf(hash(999))).to.equal(undefined);
    } finally {
      store.close();
    }
  });
});
