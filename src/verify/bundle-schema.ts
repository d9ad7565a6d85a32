import { z } from "zod";
import { hex32Schema } from "../hex32-schemas";

const hash = hex32Schema("an 0x-prefixed lower-case 32-byte hex hash");

/**
 * An offline proof bundle: everything needed to verify one certificate against any node of the chain, with no
 * CertLedger server involved — the document (optional: a bank may hold it already), where it is anchored, and for a
 * batched certificate its Merkle proof.
 */
export const proofBundleSchema = z.object({
  format: z.literal("certledger-proof-bundle"),
  version: z.literal(1),
  chainId: z.number().int().positive(),
  ledger: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "an 0x-prefixed 20-byte address"),
  certHash: hash,
  document: z
    .discriminatedUnion("kind", [
      z.object({ kind: z.literal("credential"), jws: z.string().min(1) }),
      z.object({ kind: z.literal("file"), mediaType: z.string(), base64: z.string().min(1) }),
    ])
    .optional(),
  anchor: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("direct"), txHash: hash, blockNumber: z.number().int().nonnegative() }),
    z.object({
      kind: z.literal("batch"),
      root: hash,
      /** The authority that anchored the batch: a batch is its root and its authority, and every leaf names it. */
      authorityId: z.number().int().positive(),
      numberHash: hash,
      validUntil: z.string().regex(/^\d+$/, "seconds as a decimal string"),
      // A Merkle proof has one hash per level: 64 levels hold more leaves than any batch, and bound what is validated.
      proof: z.array(hash).max(64),
      txHash: hash,
      blockNumber: z.number().int().nonnegative(),
    }),
  ]),
  payloadCid: z.string().optional(),
  createdAt: z.iso.datetime(),
});

/** An offline proof bundle. */
export type ProofBundle = z.infer<typeof proofBundleSchema>;
