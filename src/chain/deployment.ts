import { readFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { CertLedgerError } from "../errors";
import { writeFileAtomically } from "../atomic-file";
import { hex32InputSchema } from "../hex32-schemas";

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "an 0x-prefixed 20-byte address");
const txHash = hex32InputSchema("an 0x-prefixed 32-byte hash");

/** Where the ledger lives on a chain: what every client needs to bind to it and to index it from its start. */
const contractSchema = z.object({
  address,
  deploymentBlock: z.number().int().nonnegative(),
  deploymentTx: txHash,
});

export const deploymentSchema = z.object({
  chainId: z.number().int().positive(),
  ledger: contractSchema,
  /**
   * The importing side's contract (CertificateOutcomes), deployed beside the ledger for it. Absent in deployment files
   * written before it existed: the embedded node adds it on start, a network deploys it with `certledger deploy-outcomes`.
   */
  outcomes: contractSchema.optional(),
  /**
   * The origin registry (OriginRegistry): agreements, registered exporters and importers, their declarations and
   * recognition per agreement, deployed beside the ledger for it. Absent in files written before it existed: the
   * embedded node adds it on start, a network deploys it with `certledger deploy-origin`.
   */
  origin: contractSchema.optional(),
  parties: z.array(z.object({ code: z.string().regex(/^[A-Z]{2}$/), admin: address })),
  threshold: z.number().int().positive(),
  proposalLifetimeSeconds: z.number().int().positive(),
  deployedAt: z.iso.datetime(),
});

/** A deployment file's content. */
export type Deployment = z.infer<typeof deploymentSchema>;

/** Reads and validates the deployment file at `file`. */
export async function readDeployment(file: string): Promise<Deployment> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    throw new CertLedgerError("DEPLOYMENT_NOT_FOUND", `cannot read deployment file ${file}`, { cause });
  }
  return parseDeployment(text, file);
}

/** Parses and validates a deployment file's `text`; `source` names it in errors. */
export function parseDeployment(text: string, source: string): Deployment {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new CertLedgerError("INVALID_DEPLOYMENT", `deployment file ${source} is not JSON`, { cause });
  }
  const parsed = deploymentSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CertLedgerError("INVALID_DEPLOYMENT", `deployment file ${source}: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  return parsed.data;
}

/** Writes `deployment` to `file` atomically (a crash leaves the old file or the new one, never half of one). */
export async function writeDeployment(file: string, deployment: Deployment): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFileAtomically(file, JSON.stringify(deploymentSchema.parse(deployment), null, 2) + "\n");
}
