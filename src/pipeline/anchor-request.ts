import { z } from "zod";
import { CertLedgerError } from "../errors";
import { hex32InputSchema } from "../hex32-schemas";

/** Where an anchoring request is: waiting, in a transaction sent to the chain, on the chain, or refused for good. */
export const ANCHOR_REQUEST_STATUSES = ["queued", "submitted", "anchored", "failed"] as const;

/** The status of an anchoring request. */
export type AnchorRequestStatus = (typeof ANCHOR_REQUEST_STATUSES)[number];

/** A certificate to anchor, as the anchoring service hands it to the outbox. */
export interface AnchorRequestInput {
  /** SHA-256 of the document bytes, 0x hex. */
  certHash: string;
  authorityId: number;
  certType: number;
  /** Expiry, in seconds. */
  validUntil: bigint;
  /** The ledger's hash of the certificate number (certificateNumberHash). */
  numberHash: string;
  /** The encrypted payload (the JWE's bytes) and the media type of the document inside it. */
  payload?: { bytes: Uint8Array; contentType: string };
  /** The caller's key for retries; unique per authority. */
  idempotencyKey?: string;
  /** The signed credential (compact JWS), kept so that a repeated submission returns the same document. */
  jws?: string;
}

/** An anchoring request as the outbox holds it. */
export interface AnchorRequest {
  certHash: string;
  authorityId: number;
  certType: number;
  validUntil: bigint;
  numberHash: string;
  status: AnchorRequestStatus;
  /** The encrypted payload's CID on IPFS, once it is there. */
  payloadCid?: string;
  /** The Merkle root of the batch it was anchored in (absent for a certificate anchored on its own). */
  batchRoot?: string;
  /** Its Merkle proof in that batch. */
  proof?: string[];
  txHash?: string;
  blockNumber?: number;
  /** How often the pipeline tried to move it on (payload uploads and transactions). */
  attempts: number;
  /** Why it failed (status failed), or the last transient error it is waiting out (status queued or submitted). */
  error?: { code: string; message: string };
  /** ISO 8601 times. */
  createdAt: string;
  updatedAt: string;
}

/** Which requests {@link Outbox.list} returns (newest first). */
export interface ListOptions {
  authorityId?: number;
  status?: AnchorRequestStatus;
  /** At most this many (default 100, at most 1000). */
  limit?: number;
  offset?: number;
}

const MAX_UINT64 = (1n << 64n) - 1n;
const hex32 = hex32InputSchema("must be a 0x-prefixed 32-byte hex string");

const inputSchema = z.strictObject({
  certHash: hex32.refine((value) => !/^0x0{64}$/.test(value), "must not be zero"),
  authorityId: z
    .number()
    .int()
    .min(1)
    .max(2 ** 32 - 1),
  certType: z.number().int().min(1, "must be a certificate type 1..63").max(63, "must be a certificate type 1..63"),
  validUntil: z.bigint().min(1n, "must be a positive uint64").max(MAX_UINT64, "must be a uint64"),
  numberHash: hex32,
  payload: z
    .strictObject({
      bytes: z.instanceof(Uint8Array).refine((bytes) => bytes.byteLength > 0, "must not be empty"),
      contentType: z.string().min(1).max(255),
    })
    .optional(),
  idempotencyKey: z.string().min(1).max(255).optional(),
  jws: z.string().min(1).optional(),
});

/** A validated request input (hex in lower case). */
export type ValidAnchorRequestInput = z.output<typeof inputSchema>;

/** Validates an outbox input; INVALID_ANCHOR_REQUEST names the offending field. */
export function parseAnchorRequestInput(input: unknown): ValidAnchorRequestInput {
  const parsed = inputSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue.path.map(String).join(".") || "(input)";
  throw new CertLedgerError("INVALID_ANCHOR_REQUEST", `anchor request: ${field}: ${issue.message}`, { details: { field } });
}
