import { z } from "zod";
import { CertLedgerError } from "../errors";
import { parseCid } from "../ipfs/cid";
import { hex32InputSchema } from "../hex32-schemas";

const MAX_UINT64 = (1n << 64n) - 1n;

const hex32 = hex32InputSchema("a 0x-prefixed 32-byte hex string");

const uint64Decimal = z
  .string()
  .regex(/^[1-9][0-9]{0,19}$/, "a positive integer in decimal, without leading zeros")
  .refine((value) => BigInt(value) <= MAX_UINT64, "at most 2^64 - 1 (uint64)");

const payloadCid = z.string().refine(
  (value) => {
    try {
      parseCid(value);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'a base32 CIDv1 ("b…", raw or dag-pb, sha2-256), or null when the certificate has no payload' },
);

const certType = z.number().int().min(1, "a certificate type is 1..63").max(63, "a certificate type is 1..63");

/**
 * The batch manifest: the JSON stored on IPFS whose CID is in the `BatchAnchored` event, so that any party can rebuild
 * the tree and hand out proofs. Leaves are in tree order (ascending leaf hash); validUntil is a decimal string because
 * JSON numbers cannot hold every uint64.
 * - version 1: each leaf is `[certHash, numberHash, validUntil]`.
 * - version 2: each leaf is `[certHash, numberHash, validUntil, payloadCid | null]`, so that any party finds a batched
 *   certificate's encrypted payload from the chain and IPFS alone. The payload CID is not part of the Merkle leaf (the
 *   contract's leaf is fixed); it is bound to the batch by the manifest's own CID, which the issuer put on chain.
 * The leaves' authority is not in the manifest: it is the one the BatchAnchored event names, and the tree is rebuilt
 * with it (a manifest announced by another authority than the one that built it rebuilds to another root).
 */
export const batchManifestSchema = z.discriminatedUnion("version", [
  z.strictObject({
    version: z.literal(1),
    certType,
    leaves: z.array(z.tuple([hex32, hex32, uint64Decimal])).min(1, "a batch holds at least one certificate"),
  }),
  z.strictObject({
    version: z.literal(2),
    certType,
    leaves: z.array(z.tuple([hex32, hex32, uint64Decimal, payloadCid.nullable()])).min(1, "a batch holds at least one certificate"),
  }),
]);

/** A batch manifest's content (hex in lower case), of either version. */
export type BatchManifest = z.output<typeof batchManifestSchema>;

/** One leaf of a manifest of either version: `[certHash, numberHash, validUntil]`, plus `payloadCid | null` in version 2. */
export type BatchManifestLeaf = BatchManifest["leaves"][number];

const LEAF_FIELDS = ["certHash", "numberHash", "validUntil", "payloadCid"];

/** `leaves.3.0` reads better as `leaves[3].certHash`. */
function fieldName(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(root)";
  if (path[0] === "leaves" && path.length >= 2) {
    const field = path.length >= 3 ? `.${LEAF_FIELDS[Number(path[2])] ?? String(path[2])}` : "";
    return `leaves[${String(path[1])}]${field}`;
  }
  return path.map(String).join(".");
}

/** Validates a batch manifest given as its bytes (UTF-8 JSON, as read from IPFS), its JSON text, or parsed JSON. */
export function parseBatchManifest(input: unknown): BatchManifest {
  let json = input;
  if (input instanceof Uint8Array || typeof input === "string") {
    try {
      const text = typeof input === "string" ? input : new TextDecoder("utf-8", { fatal: true }).decode(input);
      json = JSON.parse(text);
    } catch (cause) {
      throw new CertLedgerError("INVALID_MANIFEST", "batch manifest: not UTF-8 JSON", { cause });
    }
  }
  const parsed = batchManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = fieldName(issue.path);
    const message =
      issue.code === "invalid_union" && issue.path.length === 1 && issue.path[0] === "version"
        ? "a manifest version is 1 or 2"
        : issue.message;
    throw new CertLedgerError("INVALID_MANIFEST", `batch manifest: ${field}: ${message}`, { details: { field } });
  }
  return parsed.data;
}

/** The manifest's bytes as stored on IPFS: compact JSON with a fixed key order, so equal manifests give equal CIDs. */
export function encodeBatchManifest(manifest: BatchManifest): Uint8Array {
  const { version, certType, leaves } = manifest;
  return new TextEncoder().encode(JSON.stringify({ version, certType, leaves }));
}
