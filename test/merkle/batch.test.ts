import { expect } from "chai";
import { ethers } from "hardhat";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import {
  batchFromManifest,
  batchLeafHash,
  buildBatch,
  encodeBatchManifest,
  parseBatchManifest,
  verifyBatchMember,
  type BatchLeafInput,
} from "../../src/merkle/batch";
import { LedgerClient } from "../../src/chain/ledger-client";
import { isCertLedgerError } from "../../src/errors";
import { cidFromBytes } from "../../src/ipfs/cid";
import { CertType, DAY, YEAR, loadFixture, randomCid, randomHash, time, withAuthorities } from "../contracts/fixtures";

/** The authority whose batches these are: KG's test laboratory in the on-chain fixture (leaves name their authority). */
const LAB = 2;

/** A random raw CIDv1 in text form, as a payload's. */
const randomCidText = (): string => cidFromBytes(Uint8Array.from([1, 0x55, 0x12, 0x20, ...ethers.randomBytes(32)]));

const leaves = (n: number, validUntil = 2_000_000_000n): BatchLeafInput[] =>
  Array.from({ length: n }, () => ({ certHash: randomHash(), numberHash: randomHash(), validUntil }));

/** The error `fn` throws, so its code and message can be asserted. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}

describe("Merkle batches", function () {
  it("a batch's members verify offline and every other leaf value fails", function () {
    const input = leaves(7);
    const batch = buildBatch(LAB, CertType.TestReport, input);
    expect(batch.leafCount).to.equal(7);
    expect(batch.certType).to.equal(CertType.TestReport);
    for (const leaf of input) {
      const member = batch.member(leaf.certHash)!;
      expect(member.root).to.equal(batch.root);
      expect(member.numberHash).to.equal(leaf.numberHash);
      expect(member.validUntil).to.equal(leaf.validUntil);
      expect(verifyBatchMember(member)).to.equal(true);
      expect(verifyBatchMember({ ...member, validUntil: member.validUntil + 1n })).to.equal(false);
      expect(verifyBatchMember({ ...member, numberHash: randomHash() })).to.equal(false);
      expect(verifyBatchMember({ ...member, root: randomHash() })).to.equal(false);
    }
    expect(batch.member(randomHash())).to.equal(undefined);
    expect(verifyBatchMember({ ...batch.member(input[0].certHash)!, proof: ["0x1234"] })).to.equal(false);
  });

  it("verifies a member as StandardMerkleTree.verify does (but for the case of the root's hex), for altered, malformed and out-of-range values too", function () {
    const input = leaves(9);
    const batch = buildBatch(LAB, CertType.TestReport, input);
    const library = (m: Parameters<typeof verifyBatchMember>[0]): boolean => {
      try {
        return StandardMerkleTree.verify(
          m.root,
          ["bytes32", "bytes32", "uint64", "uint32"],
          [m.certHash, m.numberHash, m.validUntil, m.authorityId],
          m.proof,
        );
      } catch {
        return false;
      }
    };
    const member = batch.member(input[3].certHash)!;
    const variants = [
      member,
      { ...member, certHash: member.certHash.toUpperCase().replace("0X", "0x") },
      { ...member, proof: member.proof.map((node) => node.toUpperCase().replace("0X", "0x")) },
      { ...member, proof: [...member.proof].reverse() },
      { ...member, proof: member.proof.slice(1) },
      { ...member, proof: [] },
      { ...member, authorityId: LAB + 1 },
      { ...member, authorityId: -1 },
      { ...member, authorityId: 2 ** 32 },
      { ...member, validUntil: 1n << 64n },
      { ...member, validUntil: -1n },
      { ...member, certHash: "0x1234" },
      { ...member, root: "not a root" },
      { ...member, proof: ["0x" + "g".repeat(64)] },
    ];
    for (const variant of variants)
      expect(
        verifyBatchMember(variant),
        JSON.stringify(variant, (_k, v) => (typeof v === "bigint" ? `${v}` : v)),
      ).to.equal(library(variant));
    expect(variants.filter(verifyBatchMember)).to.have.length(3);
    // The contract compares bytes: a root written in capitals is the same root (the library compares the text).
    expect(verifyBatchMember({ ...member, root: member.root.toUpperCase().replace("0X", "0x") })).to.equal(true);
  });

  it("members are found whatever the case of the hash, and members() lists them all in manifest order", function () {
    const input = leaves(5);
    const batch = buildBatch(LAB, 1, input);
    expect(batch.member(input[2].certHash.toUpperCase().replace("0X", "0x"))?.certHash).to.equal(input[2].certHash.toLowerCase());
    expect(batch.members().map((m) => m.certHash)).to.deep.equal(batch.manifest.leaves.map((leaf) => leaf[0]));
  });

  it("the root does not depend on the order the certificates came in, and matches StandardMerkleTree's", function () {
    const input = leaves(9);
    const a = buildBatch(LAB, 1, input);
    const b = buildBatch(LAB, 1, [...input].reverse());
    expect(a.root).to.equal(b.root);
    expect(a.manifest).to.deep.equal(b.manifest);
    const tree = StandardMerkleTree.of(
      input.map((l) => [l.certHash, l.numberHash, l.validUntil, LAB]),
      ["bytes32", "bytes32", "uint64", "uint32"],
    );
    expect(a.root).to.equal(tree.root);
  });

  it("the manifest lists the leaves in tree order, ascending by leaf hash", function () {
    const batch = buildBatch(LAB, 1, leaves(12));
    const hashes = batch.manifest.leaves.map(([c, n, v]) => batchLeafHash(c, n, BigInt(v), LAB));
    expect(hashes).to.deep.equal([...hashes].sort());
  });

  it("a single-certificate batch has the leaf as its root and an empty proof", function () {
    const [leaf] = leaves(1);
    const batch = buildBatch(LAB, 1, [leaf]);
    expect(batch.root).to.equal(batchLeafHash(leaf.certHash, leaf.numberHash, leaf.validUntil, LAB));
    expect(batch.member(leaf.certHash)!.proof).to.deep.equal([]);
    expect(verifyBatchMember(batch.member(leaf.certHash)!)).to.equal(true);
  });

  it("a manifest round-trips through its bytes to the same batch", function () {
    const batch = buildBatch(LAB, CertType.Phytosanitary, leaves(6));
    const bytes = encodeBatchManifest(batch.manifest);
    const parsed = parseBatchManifest(bytes);
    expect(parsed).to.deep.equal(batch.manifest);
    expect(parseBatchManifest(new TextDecoder().decode(bytes))).to.deep.equal(batch.manifest);
    expect(parseBatchManifest(JSON.parse(new TextDecoder().decode(bytes)))).to.deep.equal(batch.manifest);
    const rebuilt = batchFromManifest(parsed, LAB);
    expect(rebuilt.root).to.equal(batch.root);
    expect(rebuilt.certType).to.equal(CertType.Phytosanitary);
    const [certHash] = batch.manifest.leaves[3];
    expect(rebuilt.member(certHash)).to.deep.equal(batch.member(certHash));
    // Equal manifests encode to equal bytes, so they get equal CIDs.
    expect(Buffer.from(encodeBatchManifest(rebuilt.manifest)).equals(Buffer.from(bytes))).to.equal(true);
  });

  it("with payload CIDs the manifest is version 2: each leaf lists its payload's CID (or null), and members carry it", function () {
    const input = leaves(4).map((leaf, i) => (i === 2 ? leaf : { ...leaf, payloadCid: randomCidText() }));
    const batch = buildBatch(LAB, CertType.Conformity, input);
    expect(batch.manifest.version).to.equal(2);
    const bytes = encodeBatchManifest(batch.manifest);
    const parsed = parseBatchManifest(bytes);
    expect(parsed).to.deep.equal(batch.manifest);
    const rebuilt = batchFromManifest(parsed, LAB);
    expect(rebuilt.root).to.equal(batch.root);
    // The payload CID is not part of the Merkle leaf: the root is the one of the same leaves without them.
    expect(rebuilt.root).to.equal(
      buildBatch(
        LAB,
        CertType.Conformity,
        input.map(({ payloadCid: _, ...leaf }) => leaf),
      ).root,
    );
    for (const leaf of input) {
      const listed = parsed.leaves.find(([certHash]) => certHash === leaf.certHash)!;
      expect(listed[3]).to.equal(leaf.payloadCid ?? null);
      expect(rebuilt.member(leaf.certHash)!.payloadCid).to.equal(leaf.payloadCid);
      expect(rebuilt.member(leaf.certHash)).to.deep.equal(batch.member(leaf.certHash));
    }
    expect(Buffer.from(encodeBatchManifest(rebuilt.manifest)).equals(Buffer.from(bytes))).to.equal(true);
    // Without any payload the manifest stays version 1, which earlier servers read.
    expect(buildBatch(LAB, CertType.Conformity, leaves(2)).manifest.version).to.equal(1);
    const bad = thrown(() => buildBatch(LAB, CertType.Conformity, [{ ...input[0], payloadCid: "not a cid" }]));
    expect(isCertLedgerError(bad, "INVALID_BATCH_LEAF"), String(bad)).to.equal(true);
    expect((bad as Error).message).to.match(/batch leaf 0: payloadCid/);
  });

  it("a version 1 manifest (no payload CIDs) still parses, and its members have none", function () {
    const [a, b] = leaves(2);
    const v1 = { version: 1, certType: 1, leaves: [a, b].map((l) => [l.certHash, l.numberHash, l.validUntil.toString()]) };
    const batch = batchFromManifest(parseBatchManifest(JSON.stringify(v1)), LAB);
    expect(batch.member(a.certHash)).to.not.have.property("payloadCid");
    expect(batch.root).to.equal(buildBatch(LAB, 1, [a, b]).root);
  });

  it("a manifest keeps a validUntil of 2^64 - 1 exactly", function () {
    const max = (1n << 64n) - 1n;
    const batch = buildBatch(LAB, 1, leaves(2, max));
    const parsed = parseBatchManifest(encodeBatchManifest(batch.manifest));
    expect(parsed.leaves[0][2]).to.equal(max.toString());
    expect(batchFromManifest(parsed, LAB).root).to.equal(batch.root);
  });

  it("bad manifests are refused with the field named", function () {
    const good = buildBatch(LAB, 1, leaves(2)).manifest;
    const [c, n, v] = good.leaves[0];
    const cases: [unknown, RegExp][] = [
      [new Uint8Array([0xff, 0xfe, 0x00]), /not UTF-8 JSON/],
      ["{not json", /not UTF-8 JSON/],
      [null, /\(root\)/],
      [{ ...good, version: 3 }, /version: a manifest version is 1 or 2/],
      [{ ...good, version: 2 }, /leaves\[0\]/],
      [{ version: 2, certType: 1, leaves: [[c, n, v, "QmNotACidV1"]] }, /leaves\[0\]\.payloadCid/],
      [{ version: 2, certType: 1, leaves: [[c, n, v, 7]] }, /leaves\[0\]\.payloadCid/],
      [{ ...good, certType: 0 }, /certType/],
      [{ ...good, certType: 64 }, /certType/],
      [{ ...good, certType: "1" }, /certType/],
      [{ ...good, leaves: [] }, /leaves: a batch holds at least one certificate/],
      [{ ...good, leaves: "x" }, /leaves/],
      [{ ...good, leaves: [[c.slice(0, 10), n, v]] }, /leaves\[0\]\.certHash/],
      [
        {
          ...good,
          leaves: [
            [c, n, v],
            [c, "0x12", v],
          ],
        },
        /leaves\[1\]\.numberHash/,
      ],
      [{ ...good, leaves: [[c, n, "-1"]] }, /leaves\[0\]\.validUntil/],
      [{ ...good, leaves: [[c, n, "0"]] }, /leaves\[0\]\.validUntil/],
      [{ ...good, leaves: [[c, n, "012"]] }, /leaves\[0\]\.validUntil/],
      [{ ...good, leaves: [[c, n, (1n << 64n).toString()]] }, /leaves\[0\]\.validUntil: at most 2\^64 - 1/],
      [{ ...good, leaves: [[c, n, 5]] }, /leaves\[0\]\.validUntil/],
      [{ ...good, leaves: [[c, n]] }, /leaves\[0\]/],
      [{ ...good, extra: true }, /extra|unrecognized/i],
    ];
    for (const [input, message] of cases) {
      const error = thrown(() => parseBatchManifest(input));
      expect(isCertLedgerError(error, "INVALID_MANIFEST"), `${JSON.stringify(input)}: ${String(error)}`).to.equal(true);
      expect((error as Error).message, JSON.stringify(input)).to.match(message);
    }
  });

  it("a manifest that lists a certificate twice is refused", function () {
    const manifest = buildBatch(LAB, 1, leaves(3)).manifest;
    const [certHash] = manifest.leaves[0];
    const twice = { ...manifest, leaves: [...manifest.leaves, [certHash, randomHash(), "99"] as [string, string, string]] };
    const error = thrown(() => batchFromManifest(parseBatchManifest(twice), LAB));
    expect(isCertLedgerError(error, "DUPLICATE_LEAF")).to.equal(true);
    expect((error as { details: unknown }).details).to.deep.equal({ certHash, indexes: [0, 3] });
  });

  it("a batch with the same certificate twice is refused, even in another case", function () {
    const input = leaves(3);
    const duplicate = { ...input[1], certHash: input[1].certHash.toUpperCase().replace("0X", "0x") };
    expect(
      isCertLedgerError(
        thrown(() => buildBatch(LAB, 1, [...input, duplicate])),
        "DUPLICATE_LEAF",
      ),
    ).to.equal(true);
  });

  it("an empty batch, a bad type and bad leaves are refused", function () {
    expect(
      isCertLedgerError(
        thrown(() => buildBatch(LAB, 1, [])),
        "EMPTY_BATCH",
      ),
    ).to.equal(true);
    expect(
      isCertLedgerError(
        thrown(() => buildBatch(LAB, 0, leaves(1))),
        "INVALID_CERTIFICATE_TYPE",
      ),
    ).to.equal(true);
    expect(
      isCertLedgerError(
        thrown(() => buildBatch(LAB, 64, leaves(1))),
        "INVALID_CERTIFICATE_TYPE",
      ),
    ).to.equal(true);
    const [leaf] = leaves(1);
    const bad: [BatchLeafInput, RegExp][] = [
      [{ ...leaf, certHash: "0x1234" }, /leaf 0: certHash/],
      [{ ...leaf, certHash: ethers.ZeroHash }, /leaf 0: certHash: zero/],
      [{ ...leaf, numberHash: "nope" }, /leaf 0: numberHash/],
      [{ ...leaf, validUntil: 0n }, /leaf 0: validUntil/],
      [{ ...leaf, validUntil: 1n << 64n }, /leaf 0: validUntil/],
      [{ ...leaf, validUntil: 5 as unknown as bigint }, /leaf 0: validUntil/],
    ];
    for (const [input, message] of bad) {
      const error = thrown(() => buildBatch(LAB, 1, [input]));
      expect(isCertLedgerError(error, "INVALID_BATCH_LEAF"), String(error)).to.equal(true);
      expect((error as Error).message).to.match(message);
    }
  });

  describe("on chain", function () {
    async function anchoredBatch() {
      const base = await loadFixture(withAuthorities);
      const client = LedgerClient.connect({
        deployment: base.deployment,
        provider: ethers.provider,
        signer: base.kgLab,
        pollIntervalMs: 20,
      });
      const validUntil = BigInt(await time.latest()) + BigInt(YEAR);
      const batch = buildBatch(LAB, CertType.TestReport, leaves(10, validUntil));
      await client.anchorBatch({ root: batch.root, certType: batch.certType, leafCount: batch.leafCount, manifestCid: randomCid() });
      return { ...base, client, batch };
    }

    it("every member of a batch built by buildBatch is a member on chain, in state Active", async function () {
      const { client, batch, ledger } = await loadFixture(anchoredBatch);
      const now = BigInt(await time.latest());
      for (const member of batch.members()) {
        expect(await client.isBatchMember(member)).to.equal(true);
        expect(await client.batchedCertificateStateAt(member, now)).to.equal("Active");
        expect(await ledger.batchLeaf(member.certHash, member.numberHash, member.validUntil, LAB)).to.equal(
          batchLeafHash(member.certHash, member.numberHash, member.validUntil, LAB),
        );
      }
    });

    it("a member rebuilt from the manifest alone is a member on chain, and a tampered one is not", async function () {
      const { client, batch } = await loadFixture(anchoredBatch);
      const rebuilt = batchFromManifest(parseBatchManifest(encodeBatchManifest(batch.manifest)), LAB);
      const member = rebuilt.member(batch.manifest.leaves[4][0])!;
      expect(await client.isBatchMember(member)).to.equal(true);
      expect(await client.isBatchMember({ ...member, validUntil: member.validUntil + BigInt(DAY) })).to.equal(false);
      expect(await client.batchedCertificateStateAt({ ...member, numberHash: randomHash() }, BigInt(await time.latest()))).to.equal(
        "Unknown",
      );
    });
  });
});
