import { expect } from "chai";
import { HEX32, isHex32, readHex32 } from "../src/hex32";
import { hex32InputSchema, hex32Schema } from "../src/hex32-schemas";

const lower = "0x" + "ab".repeat(32);
const upper = "0x" + "AB".repeat(32);

describe("hex32: one reader of 32 bytes as text", function () {
  it("the canonical form is 0x and lower case; only it passes where bytes are signed or hashed", function () {
    expect(HEX32.test(lower)).to.equal(true);
    expect(isHex32(lower)).to.equal(true);
    for (const other of [upper, "ab".repeat(32), "0X" + "ab".repeat(32), lower + "0", lower.slice(0, -1), 42, undefined])
      expect(isHex32(other), String(other)).to.equal(false);
    expect(hex32Schema().safeParse(upper).success).to.equal(false);
    expect(hex32Schema("a signed hash").safeParse(upper).error?.issues[0].message).to.equal("a signed hash");
  });

  it("from outside any case is read into the canonical form; without 0x only where a person types it", function () {
    expect(readHex32(upper)).to.equal(lower);
    expect(readHex32("ab".repeat(32))).to.equal(undefined);
    expect(readHex32("AB".repeat(32), { prefix: "optional" })).to.equal(lower);
    expect(readHex32("0X" + "AB".repeat(32), { prefix: "optional" })).to.equal(lower);
    for (const bad of ["0x" + "g".repeat(64), "0x" + "a".repeat(63), " " + lower, null, {}])
      expect(readHex32(bad, { prefix: "optional" }), String(bad)).to.equal(undefined);
    expect(hex32InputSchema().parse(upper)).to.equal(lower);
    expect(hex32InputSchema("needs 0x").safeParse("ab".repeat(32)).error?.issues[0].message).to.equal("needs 0x");
    expect(hex32InputSchema("hash", { prefix: "optional" }).parse("AB".repeat(32))).to.equal(lower);
  });
});
