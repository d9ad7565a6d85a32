import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { AbiCoder, keccak256 } from "ethers";
import { CertLedgerError } from "../errors";
import type { BatchManifest } from "./manifest";

export { batchManifestSchema, encodeBatchManifest, parseBatchManifest, type BatchManifest } from "./manifest";

/**
 * The leaf encoding the contract's `batchLeaf` hashes: `keccak256(bytes.concat(keccak256(abi.encode(certHash,
 * numberHash, validUntil))))`, which is what `StandardMerkleTree` computes for these types.
 */
export const BATCH_LEAF_ENCODING = ["bytes32", "bytes32", "uint64"];

const MAX_UINT64 = (1n << 64n) - 1n;
const HEX32 = /^0x[0-9a-fA-F]{64}$/;
const ZERO32 = "0x" + "00".repeat(32);

/** One certificate to put in a batch. */
export interface BatchLeafInput {
  certHash: string;
  numberHash: string;
  validUntil: bigint;
}

/** A certificate of a batch with its Merkle proof: the contract's `BatchMember` struct. */
export interface BatchMember {
  root: string;
  certHash: string;
  numberHash: string;
  validUntil: bigint;
  proof: string[];
}

/** A Merkle batch of certificates of one type, ready to anchor with `anchorBatch(root, certType, leafCount, manifestCid)`. */
export interface Batch {
  readonly root: string;
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

/** Builds the Merkle batch of `leaves`, all certificates of type `certType`. */
export function buildBatch(certType: number, leaves: readonly BatchLeafInput[]): Batch {
  if (!Number.isInteger(certType) || certType < 1 || certType > 63) {
    throw new CertLedgerError("INVALID_CERTIFICATE_TYPE", `certificate type ${certType} is not 1..63`);
  }
  if (leaves.length === 0) throw new CertLedgerError("EMPTY_BATCH", "a batch holds at least one certificate");
  const values = leaves.map((leaf, index) => checkLeaf(leaf, index));
  refuseDuplicates(values);
  // Sorted leaves (the library's default) make the root independent of the order the certificates came in.
  const tree = StandardMerkleTree.of(values, BATCH_LEAF_ENCODING);
  const { values: placed } = tree.dump();
  // Tree order: the leaf at the highest tree index comes first (see StandardMerkleTree's prepare()).
  const order = placed.map((entry, valueIndex) => ({ valueIndex, treeIndex: entry.treeIndex })).sort((a, b) => b.treeIndex - a.treeIndex);
  const byCertHash = new Map(values.map((value, valueIndex) => [value[0], valueIndex]));
  const memberAt = (valueIndex: number): BatchMember => {
    const [certHash, numberHash, validUntil] = values[valueIndex];
    return { root: tree.root, certHash, numberHash, validUntil, proof: tree.getProof(valueIndex) };
  };
  const manifest: BatchManifest = {
    version: 1,
    certType,
    leaves: order.map(({ valueIndex }) => {
      const [certHash, numberHash, validUntil] = values[valueIndex];
      return [certHash, numberHash, validUntil.toString()];
    }),
  };
  return {
    root: tree.root,
    certType,
    leafCount: values.length,
    manifest,
    member(certHash: string) {
      const valueIndex = typeof certHash === "string" ? byCertHash.get(certHash.toLowerCase()) : undefined;
      return valueIndex === undefined ? undefined : memberAt(valueIndex);
    },
    members: () => order.map(({ valueIndex }) => memberAt(valueIndex)),
  };
}

/** Rebuilds the batch a manifest describes (e.g. one fetched from IPFS), refusing one that lists a certificate twice. */
export function batchFromManifest(manifest: BatchManifest): Batch {
  return buildBatch(
    manifest.certType,
    manifest.leaves.map(([certHash, numberHash, validUntil]) => ({ certHash, numberHash, validUntil: BigInt(validUntil) })),
  );
}

/** Whether `member.proof` places the certificate under `member.root`: the contract's check, offline. */
export function verifyBatchMember(member: BatchMember): boolean {
  try {
    const leaf: Leaf = [member.certHash, member.numberHash, member.validUntil];
    return StandardMerkleTree.verify(member.root, BATCH_LEAF_ENCODING, leaf, member.proof);
  } catch {
    // A malformed hash or proof proves nothing.
    return false;
  }
}

/** The Merkle leaf of a batched certificate, as the contract's `batchLeaf` computes it. */
export function batchLeafHash(certHash: string, numberHash: string, validUntil: bigint): string {
  return keccak256(keccak256(AbiCoder.defaultAbiCoder().encode(BATCH_LEAF_ENCODING, [certHash, numberHash, validUntil])));
}

function checkLeaf(leaf: BatchLeafInput, index: number): Leaf {
  const bad = (field: string, message: string) =>
    new CertLedgerError("INVALID_BATCH_LEAF", `batch leaf ${index}: ${field}: ${message}`, { details: { index, field } });
  const certHash = typeof leaf?.certHash === "string" ? leaf.certHash.toLowerCase() : "";
  const numberHash = typeof leaf?.numberHash === "string" ? leaf.numberHash.toLowerCase() : "";
  if (!HEX32.test(certHash)) throw bad("certHash", "not a 0x-prefixed 32-byte hex string");
  if (certHash === ZERO32) throw bad("certHash", "zero");
  if (!HEX32.test(numberHash)) throw bad("numberHash", "not a 0x-prefixed 32-byte hex string");
  if (typeof leaf.validUntil !== "bigint" || leaf.validUntil <= 0n || leaf.validUntil > MAX_UINT64) {
    throw bad("validUntil", "not a positive uint64 bigint");
  }
  return [certHash, numberHash, leaf.validUntil];
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
