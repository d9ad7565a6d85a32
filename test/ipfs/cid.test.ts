import { expect } from "chai";
import fc from "fast-check";
import { cidFromBytes, cidOf, cidToBytes, KUBO_IMPORT, parseCid, verifyCid } from "../../src/ipfs";
import { importWithKuboLayout, isSingleBlock, singleBlockCid } from "../../src/ipfs/cid";
import { pattern, rejection, thrown, utf8 } from "./fixtures";

/**
 * CIDs that Kubo prints for `ipfs add --cid-version=1` (raw leaves, 256 KiB chunks, 174 links per node):
 * - the empty file and "hello world\n": the well-known raw-leaf CIDs, sha2-256 of the bytes;
 * - "hello world": ipfs/kubo test/cli/add_test.go (shortStringCidV1);
 * - "Hello IPFS\n": ipfs/kubo test/sharness/t0124-gateway-ipns-record/README.md (Kubo 0.18.1);
 * - the `pattern` inputs: published in a public project's tests as Kubo 0.43.1's output of
 *   `ipfs add --only-hash --cid-version=1`; they cover one raw block, a root over a few leaves, and a two-level tree.
 */
const KUBO_VECTORS: Array<[name: string, bytes: () => Uint8Array, cid: string]> = [
  ["the empty file", () => new Uint8Array(0), "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"],
  ['"hello world\\n"', () => utf8("hello world\n"), "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4"],
  ['"hello world"', () => utf8("hello world"), "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e"],
  ['"Hello IPFS\\n"', () => utf8("Hello IPFS\n"), "bafkreidfdrlkeq4m4xnxuyx6iae76fdm4wgl5d4xzsb77ixhyqwumhz244"],
  ["exactly one chunk (262144 bytes)", () => pattern(262_144), "bafkreiha25bfy6hjxjlak3z5gyfld3ledvizgmbc66evawrm4lynhav6ei"],
  ["one chunk plus a byte (262145 bytes)", () => pattern(262_145), "bafybeic7wvg5ivbiztaw5wht4zlc2tryzjzwaoynlhiykbmubosjnjmthu"],
  ["a megabyte (1000000 bytes)", () => pattern(1_000_000), "bafybeiczwqoyribvfkrxcuhcjnwva43kuvcrl2h57ergkeszwguynobh5a"],
  [
    "50 MB: 191 leaves, more than 174, so two levels",
    () => pattern(50_000_000),
    "bafybeiesku5rwyxrssjox7hjykfrpwphbh3eusdpc4xayiz3ovzp6pah3a",
  ],
];

describe("IPFS CIDs", function () {
  describe("cidOf", function () {
    for (const [name, bytes, cid] of KUBO_VECTORS) {
      it(`gives Kubo's CID for ${name}`, async function () {
        expect(await cidOf(bytes())).to.equal(cid);
      });
    }

    it("computes a payload of one block from its hash, exactly as the importer lays it out; a larger one goes through the importer", async function () {
      const discard = { put: async <T>(cid: T) => cid };
      for (const size of [0, 1, 2_048, 262_143, 262_144]) {
        const bytes = pattern(size);
        expect(isSingleBlock(bytes), `${size} bytes`).to.equal(true);
        const imported = (await importWithKuboLayout(bytes, discard)).toString();
        expect(singleBlockCid(bytes), `${size} bytes`).to.equal(imported);
        expect(await cidOf(bytes), `${size} bytes`).to.equal(imported);
      }
      const twoChunks = pattern(262_145);
      expect(isSingleBlock(twoChunks)).to.equal(false);
      thrown(() => singleBlockCid(twoChunks), "INVALID_CID");
      expect(await cidOf(twoChunks)).to.equal((await importWithKuboLayout(twoChunks, discard)).toString());
    });

    it("differs from Helia's own import defaults, which is why every import passes Kubo's settings", async function () {
      const { unixfs } = await import("@helia/unixfs");
      const { MemoryBlockstore } = await import("blockstore-core");
      const heliaDefault = await unixfs({ blockstore: new MemoryBlockstore() }).addBytes(pattern(1_000_000));
      expect(heliaDefault.toString()).to.not.equal(await cidOf(pattern(1_000_000)));
      expect(KUBO_IMPORT).to.deep.equal({ cidVersion: 1, rawLeaves: true, chunkSize: 262_144, maxChildrenPerNode: 174 });
    });
  });

  describe("verifyCid", function () {
    it("accepts the bytes of a CID, one block or many", async function () {
      await verifyCid(utf8("hello world\n"), "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4");
      await verifyCid(pattern(1_000_000), "bafybeiczwqoyribvfkrxcuhcjnwva43kuvcrl2h57ergkeszwguynobh5a");
    });

    it("rejects bytes that do not match the CID with CID_MISMATCH", async function () {
      const tampered = pattern(1_000_000);
      tampered[700_000] ^= 1;
      const error = await rejection(verifyCid(tampered, "bafybeiczwqoyribvfkrxcuhcjnwva43kuvcrl2h57ergkeszwguynobh5a"), "CID_MISMATCH");
      expect(error.message).to.contain("bafybeiczwqoyribvfkrxcuhcjnwva43kuvcrl2h57ergkeszwguynobh5a");
      await rejection(verifyCid(utf8("hello world"), "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4"), "CID_MISMATCH");
      await rejection(verifyCid(new Uint8Array(0), "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4"), "CID_MISMATCH");
    });

    it("rejects a malformed CID with INVALID_CID", async function () {
      await rejection(verifyCid(utf8("hello world\n"), "not-a-cid"), "INVALID_CID");
    });
  });

  describe("text and binary forms", function () {
    const HELLO = "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4";
    const HELLO_HEX = "0x01551220a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447";

    it("a CID's binary form is version, codec and sha2-256 multihash, and converts back", function () {
      const bytes = cidToBytes(HELLO);
      expect(bytes).to.be.instanceOf(Uint8Array);
      expect(`0x${Buffer.from(bytes).toString("hex")}`).to.equal(HELLO_HEX);
      expect(cidFromBytes(bytes)).to.equal(HELLO);
      expect(cidFromBytes(HELLO_HEX)).to.equal(HELLO);
      expect(cidFromBytes(HELLO_HEX.toUpperCase().replace("0X", "0x"))).to.equal(HELLO);
      expect(parseCid(HELLO)).to.equal(HELLO);
    });

    it("agrees with multiformats for any raw or dag-pb CID", async function () {
      const { CID } = await import("multiformats/cid");
      const { create } = await import("multiformats/hashes/digest");
      await fc.assert(
        fc.property(fc.constantFrom(0x55, 0x70), fc.uint8Array({ minLength: 32, maxLength: 32 }), (codec, digest) => {
          const reference = CID.createV1(codec, create(0x12, digest));
          const text = reference.toString();
          expect(parseCid(text)).to.equal(text);
          expect(Buffer.from(cidToBytes(text)).equals(Buffer.from(reference.bytes))).to.equal(true);
          expect(cidFromBytes(reference.bytes)).to.equal(text);
        }),
        { numRuns: 200 },
      );
    });

    it("refuses text that is not a CertLedger CID with INVALID_CID", function () {
      const bad: Array<[string, unknown]> = [
        ["empty", ""],
        ["not a CID", "not-a-cid"],
        ["CIDv0", "Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD"],
        ["upper-case base32", HELLO.toUpperCase()],
        ["base58btc multibase", "zb2rhi36Gc9GJWijLEL6zW45MBux5FcFv5gJmjXA7VAMozEXY"],
        ["trailing space", `${HELLO} `],
        ["truncated", HELLO.slice(0, -1)],
        ["one character too many", `${HELLO}a`],
        ["stray trailing bits", `${HELLO.slice(0, -1)}5`],
        ["dag-cbor codec", "bafyreihdb57fdysx5h35urvxz64ros7zvywshber7id6t6c6fek37jgyfe"],
        ["sha2-512 hash", "bafkrgqbqt3gerhas23vuzrapkdeqf4vu2dwxp3srdj6hvg6nhsug2tgyn6mj3u23yx7utftq3i2ckw2fwdh5qmhid5qf3t35yvkc5e5ottlw6"],
        ["identity hash", "bafkqablimvwgy3y"],
        ["a number", 42],
        ["undefined", undefined],
      ];
      for (const [name, input] of bad) {
        const error = thrown(() => parseCid(input as string), "INVALID_CID");
        expect(error.message, name).to.match(/^invalid CID: /);
        thrown(() => cidToBytes(input as string), "INVALID_CID");
      }
    });

    it("refuses binary that is not a CertLedger CID with INVALID_CID", function () {
      const good = Buffer.from(HELLO_HEX.slice(2), "hex");
      const bad: Array<[string, unknown]> = [
        ["empty", new Uint8Array(0)],
        ["hex without 0x", HELLO_HEX.slice(2)],
        ["odd-length hex", HELLO_HEX.slice(0, -1)],
        ["not hex", "0xzz"],
        ["truncated", good.subarray(0, 35)],
        ["one byte too many", Buffer.concat([good, Buffer.from([0])])],
        ["CIDv0 multihash", Buffer.concat([Buffer.from([0x12, 0x20]), good.subarray(4)])],
        ["version 2", Buffer.concat([Buffer.from([0x02]), good.subarray(1)])],
        ["dag-cbor codec", Buffer.concat([Buffer.from([0x01, 0x71]), good.subarray(2)])],
        ["sha2-512 code", Buffer.concat([good.subarray(0, 2), Buffer.from([0x13]), good.subarray(3)])],
        ["a number", 42],
      ];
      for (const [name, input] of bad) {
        const error = thrown(() => cidFromBytes(input as Uint8Array), "INVALID_CID");
        expect(error.message, name).to.match(/^invalid CID: /);
      }
    });
  });
});
