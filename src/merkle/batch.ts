// The library's tree layout itself (the package has no exports map; this is its documented core module).
import { getProof, makeMerkleTree } from "@openzeppelin/merkle-tree/dist/core";
import { concat, getBytes, toBeHex, zeroPadValue } from "ethers";
import { CertLedgerError } from "../errors";
import { parseCid } from "../ipfs/cid";
import type { BatchManifest } from "./manifest";
import { readHex32 } from "../hex32";
import { hashPair, keccak256Hex } from "./keccak";

export { batchManifestSchema, encodeBatchManifest, parseBatchManifest, type BatchManifest, type BatchManifestLeaf } from "./manifest";

/**
 * The leaf encoding the contract's `batchLeaf` hashes: `keccak256(bytes.concat(keccak256(abi.encode(certHash,
 * numberHash, validUntil, authorityId))))`, which is what `StandardMerkleTree` computes for these types. The leaf names
 * the authority that anchors the batch, so another authority anchoring the same root proves none of its certificates.
 */
export const BATCH_LEAF_ENCODING = ["bytes32", "bytes32", "uint64", "uint32"];

const MAX_UINT32 = 2 ** 32 - 1;

const MAX_UINT64 = (1n << 64n) - 1n;
const ZERO32 = "0x" + "00".repeat(32);

/** One certificate to put in a batch. */
export interface BatchLeafInput {
  certHash: string;
  numberHash: string;
  validUntil: bigint;
  /** The CID of its encrypted payload on IPFS, listed in the manifest (not part of the Merkle leaf). */
  payloadCid?: string;
}

/** A certificate of a batch with its Merkle proof: the contract's `BatchMember` struct. */
export interface BatchMember {
  root: string;
  /** The authority that anchored the batch: a batch is known by its root and its authority. */
  authorityId: number;
  certHash: string;
  numberHash: string;
  validUntil: bigint;
  proof: string[];
  /** Its encrypted payload's CID, when the batch's manifest lists one (version 2). */
  payloadCid?: string;
}

/** A Merkle batch of certificates of one type, ready to anchor with `anchorBatch(root, certType, leafCount, manifestCid)`. */
export interface Batch {
  readonly root: string;
  /** The authority whose account anchors it: every leaf names it. */
  readonly authorityId: number;
  readonly certType: number;
  readonly leafCount: number;
  /** What goes on IPFS (see `encodeBatchManifest`). */
  readonly manifest: BatchManifest;
  /** The certificate `certHash` with its proof, or undefined when it is not in this batch. */
  member(certHash: string): BatchMember | undefined;
  /** Every certificate with its proof, in tree order. */
  members(): BatchMember[];
}

type Leaf = [certHash: string, numberHash: string, validUntil: bigint];

/**
 * Builds the Merkle batch of `leaves`, all certificates of type `certType`: the tree `StandardMerkleTree.of(values,
 * BATCH_LEAF_ENCODING)` builds — leaves sorted by hash (so the root does not depend on the order they came in), laid
 * out by the library's own `makeMerkleTree` — without its per-leaf cost: it ABI-encodes each leaf through a generic
 * encoder several times and re-verifies every proof it hands out (~0.4-0.65 ms a certificate, most of a minute for a
 * batch of 100,000). A leaf here is three static 32-byte words, hashed once; tests compare every root and proof with
 * `StandardMerkleTree`'s. The manifest is version 2 (with each leaf's payload CID, or null) when any leaf has a payload,
 * else version 1, which servers of earlier versions also read.
 */
export function buildBatch(authorityId: number, certType: number, leaves: readonly BatchLeafInput[]): Batch {
  if (!Number.isInteger(authorityId) || authorityId < 1 || authorityId > MAX_UINT32) {
    throw new CertLedgerError("INVALID_BATCH_LEAF", `authority ${authorityId} is not 1..2^32-1`);
  }
  if (!Number.isInteger(certType) || certType < 1 || certType > 63) {
    throw new CertLedgerError("INVALID_CERTIFICATE_TYPE", `certificate type ${certType} is not 1..63`);
  }
  if (leaves.length === 0) throw new CertLedgerError("EMPTY_BATCH", "a batch holds at least one certificate");
  const values = leaves.map((leaf, index) => checkLeaf(leaf, index));
  const payloadCids = leaves.map((leaf, index) => checkPayloadCid(leaf.payloadCid, index));
  refuseDuplicates(values);
  // Equal-length lower-case hex sorts as the numbers it spells, which is the library's leaf order.
  const sorted = values
    .map((value, valueIndex) => ({ valueIndex, hash: batchLeafHash(...value, authorityId) }))
    .sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
  // The library hands its node hash the tree's nodes as it keeps them: lower-case 0x-hex strings.
  const tree = makeMerkleTree(
    sorted.map((leaf) => leaf.hash),
    (left, right) => hashPair(left as string, right as string),
  );
  const root = tree[0];
  // makeMerkleTree puts the i-th leaf it is given at tree index length - 1 - i.
  const treeIndex = new Array<number>(values.length);
  sorted.forEach(({ valueIndex }, position) => (treeIndex[valueIndex] = tree.length - 1 - position));
  const byCertHash = new Map(values.map((value, valueIndex) => [value[0], valueIndex]));
  const memberAt = (valueIndex: number): BatchMember => {
    const [certHash, numberHash, validUntil] = values[valueIndex];
    const member: BatchMember = { root, authorityId, certHash, numberHash, validUntil, proof: getProof(tree, treeIndex[valueIndex]) };
    const payloadCid = payloadCids[valueIndex];
    if (payloadCid !== undefined) member.payloadCid = payloadCid;
    return member;
  };
  // Tree order: the leaf at the highest tree index (the smallest hash) first, as StandardMerkleTree dumps it.
  const treeOrder = sorted.map(({ valueIndex }) => values[valueIndex]);
  const manifest: BatchManifest = payloadCids.some((cid) => cid !== undefined)
    ? {
        version: 2,
        certType,
        leaves: sorted.map(({ valueIndex }) => {
          const [certHash, numberHash, validUntil] = values[valueIndex];
          return [certHash, numberHash, validUntil.toString(), payloadCids[valueIndex] ?? null];
        }),
      }
    : {
        version: 1,
        certType,
        leaves: treeOrder.map(([certHash, numberHash, validUntil]) => [certHash, numberHash, validUntil.toString()]),
      };
  return {
    root,
    authorityId,
    certType,
    leafCount: values.length,
    manifest,
    member(certHash: string) {
      const valueIndex = typeof certHash === "string" ? byCertHash.get(certHash.toLowerCase()) : undefined;
      return valueIndex === undefined ? undefined : memberAt(valueIndex);
    },
    members: () => sorted.map(({ valueIndex }) => memberAt(valueIndex)),
  };
}

/**
 * Rebuilds the batch a manifest describes (e.g. one fetched from IPFS) as anchored by `authorityId` (the authority its
 * BatchAnchored event names), refusing one that lists a certificate twice.
 */
export function batchFromManifest(manifest: BatchManifest, authorityId: number): Batch {
  return buildBatch(
    authorityId,
    manifest.certType,
    manifest.leaves.map(([certHash, numberHash, validUntil, payloadCid]) => ({
      certHash,
      numberHash,
      validUntil: BigInt(validUntil),
      payloadCid: payloadCid ?? undefined,
    })),
  );
}

/**
 * Whether `member.proof` places the certificate under `member.root`: the contract's check, offline, computed as its
 * `MerkleProof.verify` does — the leaf folded with each proof node by the commutative keccak (the smaller word first).
 * The same answer as `StandardMerkleTree.verify` with BATCH_LEAF_ENCODING, without the ABI encoder's generic path: a
 * verification answered from the chain index folds one proof per request. A malformed hash, proof or number (out of
 * its uint32 or uint64) proves nothing.
 */
export function verifyBatchMember(member: BatchMember): boolean {
  const root = typeof member?.root === "string" ? member.root.toLowerCase() : "";
  if (readHex32(root) === undefined || !Array.isArray(member.proof)) return false;
  const { authorityId, validUntil } = member;
  if (!Number.isInteger(authorityId) || authorityId < 0 || authorityId > MAX_UINT32) return false;
  if (typeof validUntil !== "bigint" || validUntil < 0n || validUntil > MAX_UINT64) return false;
  let node: string;
  try {
    node = batchLeafHash(member.certHash, member.numberHash, validUntil, authorityId);
  } catch {
    return false;
  }
  for (const sibling of member.proof) {
    const other = typeof sibling === "string" ? sibling.toLowerCase() : "";
    if (readHex32(other) === undefined) return false;
    node = hashPair(node, other);
  }
  return node === root;
}

/**
 * The Merkle leaf of a certificate batched by `authorityId`, as the contract's `batchLeaf` computes it: the ABI encoding
 * of four static words is their concatenation.
 */
export function batchLeafHash(certHash: string, numberHash: string, validUntil: bigint, authorityId: number): string {
  if (readHex32(certHash) !== undefined && readHex32(numberHash) !== undefined && validUntil >= 0n && validUntil <= MAX_UINT64) {
    // The common case, written straight into bytes: half the cost of going through hex strings (a batch hashes every leaf).
    const encoded = Buffer.alloc(128);
    encoded.write(certHash.slice(2), 0, "hex");
    encoded.write(numberHash.slice(2), 32, "hex");
    encoded.writeBigUInt64BE(validUntil, 88);
    encoded.writeUInt32BE(authorityId, 124);
    return keccak256Hex(Buffer.from(keccak256Hex(encoded).slice(2), "hex"));
  }
  const encoded = concat([
    zeroPadValue(certHash, 32),
    zeroPadValue(numberHash, 32),
    zeroPadValue(toBeHex(validUntil), 32),
    zeroPadValue(toBeHex(authorityId), 32),
  ]);
  return keccak256Hex(getBytes(keccak256Hex(getBytes(encoded))));
}

function checkLeaf(leaf: BatchLeafInput, index: number): Leaf {
  const bad = (field: string, message: string) =>
    new CertLedgerError("INVALID_BATCH_LEAF", `batch leaf ${index}: ${field}: ${message}`, { details: { index, field } });
  const certHash = typeof leaf?.certHash === "string" ? leaf.certHash.toLowerCase() : "";
  const numberHash = typeof leaf?.numberHash === "string" ? leaf.numberHash.toLowerCase() : "";
  if (readHex32(certHash) === undefined) throw bad("certHash", "not a 0x-prefixed 32-byte hex string");
  if (certHash === ZERO32) throw bad("certHash", "zero");
  if (readHex32(numberHash) === undefined) throw bad("numberHash", "not a 0x-prefixed 32-byte hex string");
  if (typeof leaf.validUntil !== "bigint" || leaf.validUntil <= 0n || leaf.validUntil > MAX_UINT64) {
    throw bad("validUntil", "not a positive uint64 bigint");
  }
  return [certHash, numberHash, leaf.validUntil];
}

function checkPayloadCid(payloadCid: unknown, index: number): string | undefined {
  if (payloadCid === undefined) return undefined;
  try {
    return parseCid(payloadCid as string);
  } catch (error) {
    throw new CertLedgerError("INVALID_BATCH_LEAF", `batch leaf ${index}: payloadCid: ${(error as Error).message}`, {
      details: { index, field: "payloadCid" },
    });
  }
}

function refuseDuplicates(values: readonly Leaf[]): void {
  const seen = new Map<string, number>();
  values.forEach(([certHash], index) => {
    const first = seen.get(certHash);
    if (first !== undefined) {
      throw new CertLedgerError("DUPLICATE_LEAF", `certificate ${certHash} is in the batch twice (leaves ${first} and ${index})`, {
        details: { certHash, indexes: [first, index] },
      });
    }
    seen.set(certHash, index);
  });
}
