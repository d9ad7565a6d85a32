import { expect } from "chai";
import { keccak256 } from "ethers";
import fc from "fast-check";
import { hashPair, keccak256Hex } from "../../src/merkle/keccak";

describe("keccak256Hex and hashPair (js-sha3) against ethers", function () {
  it("keccak256Hex equals ethers' keccak256 on random bytes of every length up to 300, the empty input included", function () {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), (bytes) => {
        expect(keccak256Hex(bytes)).to.equal(keccak256(bytes));
      }),
      { numRuns: 2000 },
    );
    expect(keccak256Hex(Buffer.from("CertLedger", "utf8"))).to.equal(keccak256(Buffer.from("CertLedger", "utf8")));
  });

  it("hashPair is OpenZeppelin's commutative pair hash: keccak256 of the smaller word, then the larger", function () {
    const word = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => `0x${Buffer.from(bytes).toString("hex")}`);
    fc.assert(
      fc.property(word, word, (a, b) => {
        const [first, second] = BigInt(a) < BigInt(b) ? [a, b] : [b, a];
        const expected = keccak256(Buffer.concat([Buffer.from(first.slice(2), "hex"), Buffer.from(second.slice(2), "hex")]));
        expect(hashPair(a, b)).to.equal(expected);
        expect(hashPair(b, a)).to.equal(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it("refuses text: js-sha3 would hash a string's characters, not the bytes it spells", function () {
    expect(() => keccak256Hex("0x00" as unknown as Uint8Array)).to.throw(TypeError, /hashes bytes/);
  });
});
