/**
 * CIDs as CertLedger uses them: Kubo-compatible import settings in one place, the CID of some bytes without a node,
 * and the text and binary forms of a CID (the chain's events carry the binary one).
 *
 * Every CertLedger CID is CIDv1, codec raw (a payload of one chunk) or dag-pb (a UnixFS file of several chunks),
 * hashed with sha2-256: exactly what `ipfs add --cid-version=1 --raw-leaves` gives. The text and binary conversions
 * accept only that shape, so they are synchronous and need no ESM import; anything else is refused as INVALID_CID
 * at the edge instead of failing later inside IPFS.
 */
import { createHash } from "node:crypto";
import type { ImporterOptions, WritableStorage } from "ipfs-unixfs-importer" with { "resolution-mode": "import" };
import type { CID } from "multiformats/cid" with { "resolution-mode": "import" };
import { CertLedgerError } from "../errors";

/**
 * Kubo's import settings for `ipfs add --cid-version=1 --raw-leaves`: 256 KiB fixed-size chunks stored as raw
 * blocks, under a balanced tree of dag-pb nodes with at most 174 links each. Helia's own defaults differ
 * (@helia/unixfs 8 uses 1 MiB chunks and 1024 links), so every import here passes these explicitly.
 */
export const KUBO_IMPORT = {
  cidVersion: 1,
  rawLeaves: true,
  chunkSize: 262_144,
  maxChildrenPerNode: 174,
} as const;

/**
 * The same settings as parameters of Kubo's RPC `add`. The RPC has no portable way to set the link count (Kubo's
 * `--max-file-links` is recent), so the Kubo store also checks each returned CID against `cidOf`.
 */
export const KUBO_ADD_PARAMS = {
  cidVersion: KUBO_IMPORT.cidVersion,
  rawLeaves: KUBO_IMPORT.rawLeaves,
  chunker: `size-${KUBO_IMPORT.chunkSize}`,
} as const;

/** ipfs-unixfs-importer options that reproduce Kubo's layout (a fresh object: the importer may write to it). */
export async function kuboImporterOptions(): Promise<ImporterOptions> {
  const [{ fixedSize }, { balanced }] = await Promise.all([import("ipfs-unixfs-importer/chunker"), import("ipfs-unixfs-importer/layout")]);
  return {
    cidVersion: KUBO_IMPORT.cidVersion,
    rawLeaves: KUBO_IMPORT.rawLeaves,
    // A payload of one chunk is that chunk's raw block, as in Kubo, not a dag-pb node with one link.
    reduceSingleLeafToSelf: true,
    wrapWithDirectory: false,
    chunker: fixedSize({ chunkSize: KUBO_IMPORT.chunkSize }),
    layout: balanced({ maxChildrenPerNode: KUBO_IMPORT.maxChildrenPerNode }),
  };
}

/** Imports `bytes` into `blockstore` with Kubo's layout and returns the root CID. */
export async function importWithKuboLayout(bytes: Uint8Array, blockstore: WritableStorage): Promise<CID> {
  const { importBytes } = await import("ipfs-unixfs-importer");
  const { cid } = await importBytes(bytes, blockstore, await kuboImporterOptions());
  return cid;
}

/**
 * Whether Kubo stores `bytes` as one raw block (at most one chunk, the empty file included): then its CID is simply
 * CIDv1, codec raw, sha2-256 of the bytes, which {@link singleBlockCid} computes without the importer.
 */
export function isSingleBlock(bytes: Uint8Array): boolean {
  return bytes.byteLength <= KUBO_IMPORT.chunkSize;
}

/** The CID of a payload of one block (see {@link isSingleBlock}): sha2-256 of the bytes as a raw CIDv1. */
export function singleBlockCid(bytes: Uint8Array): string {
  return `b${base32Encode(singleBlockCidBytes(bytes))}`;
}

/** {@link singleBlockCid} in its binary form (36 bytes: version, codec, sha2-256 multihash). */
export function singleBlockCidBytes(bytes: Uint8Array): Uint8Array {
  if (!isSingleBlock(bytes)) {
    throw new CertLedgerError("INVALID_CID", `${bytes.byteLength} bytes are more than one ${KUBO_IMPORT.chunkSize}-byte chunk`);
  }
  const binary = new Uint8Array(CID_BINARY_LENGTH);
  binary.set([CID_VERSION_1, RAW_CODEC, MULTIHASH_SHA2_256, SHA2_256_LENGTH]);
  binary.set(createHash("sha256").update(bytes).digest(), 4);
  return binary;
}

/** The CID that Kubo (`ipfs add --cid-version=1 --raw-leaves`) gives `bytes`, computed in memory without a node. */
export async function cidOf(bytes: Uint8Array): Promise<string> {
  // One chunk is one raw block: its CID is its hash (the tests compare this with the importer's answer).
  if (isSingleBlock(bytes)) return singleBlockCid(bytes);
  // The importer only needs somewhere to put blocks; here they are dropped once hashed.
  const discard: WritableStorage = { put: async (cid: CID) => cid };
  return (await importWithKuboLayout(bytes, discard)).toString();
}

/**
 * Throws CID_MISMATCH unless `bytes` are the content of `cid`, recomputing the CID with Kubo's layout (as every
 * CertLedger CID was made); a malformed `cid` throws INVALID_CID.
 */
export async function verifyCid(bytes: Uint8Array, cid: string): Promise<void> {
  const expected = parseCid(cid);
  const actual = await cidOf(bytes);
  if (actual !== expected) {
    throw new CertLedgerError("CID_MISMATCH", `${bytes.byteLength} bytes do not match CID ${expected}: they hash to ${actual}`);
  }
}

/** `text` if it is a CertLedger CID (CIDv1, raw or dag-pb, sha2-256, base32 "b…"), else INVALID_CID. */
export function parseCid(text: string): string {
  if (typeof text !== "string") throw invalidCid(`expected a string, got ${typeof text}`);
  if (text.startsWith("Qm")) throw invalidCid(`${quote(text)} is a CIDv0; use its CIDv1 form (ipfs cid format -v 1 -b base32)`);
  const bytes = text.startsWith("b") ? base32Decode(text.slice(1)) : undefined;
  // Re-encoding rejects what a lenient decoder lets through: upper case, padding, stray trailing bits.
  if (bytes === undefined || base32Encode(bytes) !== text.slice(1)) {
    throw invalidCid(`${quote(text)} is not a base32 CIDv1 ("b" followed by a-z and 2-7)`);
  }
  checkCidBytes(bytes, quote(text));
  return text;
}

/** The binary form of `cid` (36 bytes: version, codec, sha2-256 multihash), as the ledger's events carry it. */
export function cidToBytes(cid: string): Uint8Array {
  const bytes = base32Decode(parseCid(cid).slice(1));
  // parseCid has just decoded the same text successfully.
  if (bytes === undefined) throw invalidCid(quote(cid));
  return bytes;
}

/** The text form of a binary CID, given as bytes or as 0x-prefixed hex (as ethers returns `bytes`). */
export function cidFromBytes(bytes: Uint8Array | string): string {
  let binary: Uint8Array;
  if (typeof bytes === "string") {
    if (!/^0x(?:[0-9a-fA-F]{2})*$/.test(bytes)) throw invalidCid(`${quote(bytes)} is not 0x-prefixed hex`);
    binary = Uint8Array.from(Buffer.from(bytes.slice(2), "hex"));
  } else if (bytes instanceof Uint8Array) {
    binary = bytes;
  } else {
    throw invalidCid(`expected bytes or hex, got ${typeof bytes}`);
  }
  checkCidBytes(binary, `0x${Buffer.from(binary).toString("hex")}`);
  return `b${base32Encode(binary)}`;
}

/**
 * multiformats' CID class, imported on first use and kept: the IPFS libraries are ESM, and an `import()` on every
 * call walked the module map and made several promises, on each verification of a certificate with a payload.
 */
let cidClass: typeof CID | undefined;

/** The multiformats CID class (see `cidClass`). */
export async function loadCidClass(): Promise<typeof CID> {
  cidClass ??= (await import("multiformats/cid")).CID;
  return cidClass;
}

/** The multicodec of a raw block: a payload or manifest that fits in one block is one (Kubo's raw leaves). */
export const RAW_CODEC = 0x55;

/** The multiformats CID object for `text`, for the IPFS libraries. */
export async function loadCid(text: string): Promise<CID> {
  return (await loadCidClass()).parse(parseCid(text));
}

const CID_VERSION_1 = 0x01;
const CODEC_DAG_PB = 0x70;
const MULTIHASH_SHA2_256 = 0x12;
const SHA2_256_LENGTH = 32;
// Every field below 0x80 is a one-byte varint, so a CertLedger CID has this fixed layout and length.
const CID_BINARY_LENGTH = 4 + SHA2_256_LENGTH;

function checkCidBytes(bytes: Uint8Array, shown: string): void {
  const problem =
    bytes.length !== CID_BINARY_LENGTH
      ? `is ${bytes.length} bytes, not the ${CID_BINARY_LENGTH} of a CIDv1 with a sha2-256 hash`
      : bytes[0] !== CID_VERSION_1
        ? `is not CIDv1 (version byte 0x${hex(bytes[0])})`
        : bytes[1] !== RAW_CODEC && bytes[1] !== CODEC_DAG_PB
          ? `has codec 0x${hex(bytes[1])}; a payload is raw (0x55) or dag-pb (0x70)`
          : bytes[2] !== MULTIHASH_SHA2_256 || bytes[3] !== SHA2_256_LENGTH
            ? `is not hashed with sha2-256 (multihash 0x${hex(bytes[2])}, length ${bytes[3]})`
            : undefined;
  if (problem !== undefined) throw invalidCid(`${shown} ${problem}`);
}

// RFC 4648 base32, lower case, no padding: the multibase "b" encoding Kubo prints for CIDv1.
const BASE32_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

function base32Encode(bytes: Uint8Array): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += BASE32_ALPHABET[(buffer >>> bits) & 31];
    }
  }
  if (bits > 0) out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

function base32Decode(text: string): Uint8Array | undefined {
  const out = new Uint8Array(Math.floor((text.length * 5) / 8));
  let buffer = 0;
  let bits = 0;
  let length = 0;
  for (const char of text) {
    const value = BASE32_ALPHABET.indexOf(char);
    if (value < 0) return undefined;
    buffer = ((buffer << 5) | value) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[length++] = (buffer >>> bits) & 0xff;
    }
  }
  return out;
}

function invalidCid(detail: string): CertLedgerError {
  return new CertLedgerError("INVALID_CID", `invalid CID: ${detail}`);
}

function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}

function hex(byte: number | undefined): string {
  return (byte ?? 0).toString(16).padStart(2, "0");
}
