import { z } from "zod";
import { CertLedgerError } from "../errors";

const MAX_UINT64 = (1n << 64n) - 1n;

const hex32 = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "a 0x-prefixed 32-byte hex string")
  .transform((value) => value.toLowerCase());

const uint64Decimal = z
  .string()
  .regex(/^[1-9][0-9]{0,19}$/, "a positive integer in decimal, without leading zeros")
  .refine((value) => BigInt(value) <= MAX_UINT64, "at most 2^64 - 1 (uint64)");

/**
 * The batch manifest, version 1: the JSON stored on IPFS whose CID is in the `BatchAnchored` event, so that any
 * party can rebuild the tree and hand out proofs. Leaves are `[certHash, numberHash, validUntil]` in tree order
 * (ascending leaf hash); validUntil is a decimal string because JSON numbers cannot hold every uint64.
 */
export const batchManifestSchema = z.strictObject({
  version: z.literal(1),
  certType: z.number().int().min(1, "a certificate type is 1..63").max(63, "a certificate type is 1..63"),
  leaves: z.array(z.tuple([hex32, hex32, uint64Decimal])).min(1, "a batch holds at least one certificate"),
});

/** A batch manifest's content (hex in lower case). */
export type BatchManifest = z.output<typeof batchManifestSchema>;

const LEAF_FIELDS = ["certHash", "numberHash", "validUntil"];

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
    throw new CertLedgerError("INVALID_MANIFEST", `batch manifest: ${field}: ${issue.message}`, { details: { field } });
  }
  return parsed.data;
}

/** The manifest's bytes as stored on IPFS: compact JSON with a fixed key order, so equal manifests give equal CIDs. */
export function encodeBatchManifest(manifest: BatchManifest): Uint8Array {
  const { version, certType, leaves } = manifest;
  return new TextEncoder().encode(JSON.stringify({ version, certType, leaves }));
}
