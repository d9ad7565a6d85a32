import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { getAddress, hexlify } from "ethers";
import { decodeQbftExtraData, encodeQbftGenesisExtraData } from "../../scripts/kit/qbft-extra-data";
import { isCertLedgerError } from "../../src/errors";

/**
 * Known-good values from Hyperledger Besu:
 * - the "Extra data" section of Besu's "Configure QBFT consensus" page (besu.hyperledger.org/private-networks/how-to/
 *   configure/consensus/qbft), which shows what `besu rlp encode --type=QBFT_EXTRA_DATA` prints for four validators,
 *   and the same section in Besu's older docs for one validator;
 * - RAW_HEX_ENCODING_STRING of Besu's QbftExtraDataCodecTest (consensus/qbft/src/test/…/QbftExtraDataCodecTest.java):
 *   a non-genesis extraData with a vote, a round and two commit seals.
 */
const BESU_DOCS_FOUR = {
  validators: [
    "0x4592c8e45706cc08b8f44b11e43cba0cfc5892cb",
    "0x06e23768a0f59cf365e18c2e0c89e151bcdedc70",
    "0xc5327f96ee02d7bcbc1bf1236b8c15148971e1de",
    "0xab5e7f4061c605820d3744227eed91ff8e2c8908",
  ],
  extraData:
    "0xf87aa00000000000000000000000000000000000000000000000000000000000000000f854944592c8e45706cc08b8f44b11e43cba0cfc5892cb" +
    "9406e23768a0f59cf365e18c2e0c89e151bcdedc7094c5327f96ee02d7bcbc1bf1236b8c15148971e1de94ab5e7f4061c605820d3744227eed91ff8e2c8908c080c0",
};
const BESU_DOCS_ONE = {
  validators: ["0x9811ebc35d7b06b3fa8dc5809a1f9c52751e1deb"],
  extraData: "0xf83aa00000000000000000000000000000000000000000000000000000000000000000d5949811ebc35d7b06b3fa8dc5809a1f9c52751e1debc080c0",
};
const BESU_CODEC_TEST_VECTOR =
  "0xf8f0a00102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20ea940000000000000000" +
  "000000000000000000000001940000000000000000000000000000000000000002d7940000000000000000" +
  "00000000000000000000000181ff83fedcbaf886b841000000000000000000000000000000000000000000" +
  "0000000000000000000001000000000000000000000000000000000000000000000000000000000000000a" +
  "00b841000000000000000000000000000000000000000000000000000000000000000a0000000000000000" +
  "00000000000000000000000000000000000000000000000100";

const randomAddress = () => getAddress(hexlify(randomBytes(20)));

function kitErrorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(isCertLedgerError(error) && error.code).to.equal("INVALID_NETWORK_KIT");
    return (error as Error).message;
  }
  return expect.fail("no error thrown");
}

describe("QBFT extraData (the genesis validators, RLP-encoded as Besu expects)", function () {
  it("encodes Besu's documented four-validator example byte for byte", function () {
    expect(encodeQbftGenesisExtraData(BESU_DOCS_FOUR.validators)).to.equal(BESU_DOCS_FOUR.extraData);
  });

  it("encodes Besu's documented one-validator example byte for byte (upper-case input too)", function () {
    const upperCase = BESU_DOCS_ONE.validators.map((v) => "0x" + v.slice(2).toUpperCase());
    expect(encodeQbftGenesisExtraData(upperCase)).to.equal(BESU_DOCS_ONE.extraData);
  });

  it("decodes Besu's examples back to their validators, no vote, round 0 and no seals", function () {
    const decoded = decodeQbftExtraData(BESU_DOCS_FOUR.extraData);
    expect(decoded.vanity).to.equal("0x" + "00".repeat(32));
    expect(decoded.validators.map((v) => v.toLowerCase())).to.deep.equal(BESU_DOCS_FOUR.validators);
    expect([decoded.vote, decoded.round, decoded.seals]).to.deep.equal([undefined, 0, []]);
  });

  it("decodes Besu's codec test vector: vanity, two validators, an add vote, round 0xFEDCBA, two seals", function () {
    const decoded = decodeQbftExtraData(BESU_CODEC_TEST_VECTOR);
    expect(decoded.vanity).to.equal("0x" + Buffer.from(Array.from({ length: 32 }, (_, i) => i + 1)).toString("hex"));
    expect(decoded.validators).to.deep.equal(["0x0000000000000000000000000000000000000001", "0x0000000000000000000000000000000000000002"]);
    expect(decoded.vote).to.deep.equal({ recipient: "0x0000000000000000000000000000000000000001", add: true });
    expect(decoded.round).to.equal(0xfedcba);
    expect(decoded.seals).to.have.length(2);
    expect(decoded.seals.every((seal) => seal.length === 2 + 65 * 2)).to.equal(true);
  });

  it("round-trips random validator sets of 1 to 7 in the order given", function () {
    for (let n = 1; n <= 7; n++) {
      const validators = Array.from({ length: n }, randomAddress);
      expect(decodeQbftExtraData(encodeQbftGenesisExtraData(validators)).validators).to.deep.equal(validators);
    }
  });

  it("refuses no validator, a validator twice, and something that is not an address", function () {
    expect(kitErrorOf(() => encodeQbftGenesisExtraData([]))).to.match(/at least one validator/);
    const v = randomAddress();
    expect(kitErrorOf(() => encodeQbftGenesisExtraData([v, v.toLowerCase()]))).to.match(/appears twice/);
    expect(kitErrorOf(() => encodeQbftGenesisExtraData(["0x1234"]))).to.match(/"0x1234" is not an address/);
  });

  it("refuses malformed extraData, naming what is wrong", function () {
    expect(kitErrorOf(() => decodeQbftExtraData("0x1234"))).to.match(/not RLP/);
    // IBFT-1.0 style (vanity followed by raw bytes) is not an RLP list of five.
    expect(kitErrorOf(() => decodeQbftExtraData("0xc3808080"))).to.match(/list of 5 items/);
    const shortVanity = BESU_DOCS_ONE.extraData.replace("f83aa0" + "00".repeat(32), "f8399f" + "00".repeat(31));
    expect(kitErrorOf(() => decodeQbftExtraData(shortVanity))).to.match(/vanity is not 32 bytes/);
  });
});
