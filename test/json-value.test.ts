import { expect } from "chai";
import { asJsonValue } from "../src/json-value";

describe("asJsonValue", () => {
  const throughText = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

  it("gives what JSON.stringify then JSON.parse gives, member order included", () => {
    const samples: unknown[] = [
      { a: 1, b: undefined, c: () => 1, d: Symbol("s"), e: null, f: "x", g: true, 2: "two", 1: "one" },
      [1, undefined, () => 1, Symbol("s"), null, NaN, Infinity, -Infinity, -0],
      { when: new Date("2026-12-06T06:00:00Z"), nested: { deeper: [{ x: undefined, y: [undefined, { z: 0.5 }] }] } },
      { toJSON: () => ({ replaced: true, dropped: undefined }) },
      "text",
      42,
      null,
      [],
      {},
    ];
    for (const sample of samples) {
      expect(JSON.stringify(asJsonValue(sample))).to.equal(JSON.stringify(throughText(sample)));
      expect(asJsonValue(sample)).to.deep.equal(throughText(sample));
    }
    expect(Object.is(asJsonValue(-0), 0)).to.equal(true);
  });

  it("refuses a bigint as JSON.stringify does, and copies rather than shares", () => {
    expect(() => asJsonValue({ n: 1n })).to.throw(TypeError);
    const original = { inner: { a: 1 } };
    const copy = asJsonValue(original);
    copy.inner.a = 2;
    expect(original.inner.a).to.equal(1);
  });
});
