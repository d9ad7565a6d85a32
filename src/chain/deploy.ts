import type { Signer } from "ethers";
import { z } from "zod";
import { CertificateLedger__factory, CertificateOutcomes__factory, OriginRegistry__factory } from "../../typechain-types";
import { CertLedgerError } from "../errors";
import type { Deployment } from "./deployment";
import { partyCodeToBytes2 } from "./party-code";
import { feeFields, type TransactionFees } from "./transaction-fees";

/** What a deployment starts with: the bootstrap parties and their first admins, and the consortium's rules. */
export const deployParamsSchema = z
  .object({
    parties: z
      .array(
        z.object({
          code: z.string().regex(/^[A-Z]{2}$/, "a party code is two upper-case letters (ISO 3166-1 alpha-2)"),
          admin: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "an admin is an 0x-prefixed 20-byte address"),
        }),
      )
      .min(1, "at least one party bootstraps the consortium"),
    threshold: z.number().int().min(1),
    proposalLifetimeSeconds: z
      .number()
      .int()
      .positive()
      .default(7 * 24 * 3600),
  })
  .refine((p) => p.threshold <= p.parties.length, { message: "threshold exceeds the number of parties", path: ["threshold"] })
  .refine((p) => new Set(p.parties.map((x) => x.code)).size === p.parties.length, {
    message: "a party code appears twice",
    path: ["parties"],
  });

/** Parameters of {@link deployLedger}, as given (the proposal lifetime may be left out). */
export type DeployParams = z.input<typeof deployParamsSchema>;

/** Validates deploy parameters, naming the first bad field. */
export function parseDeployParams(input: unknown): z.output<typeof deployParamsSchema> {
  const parsed = deployParamsSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CertLedgerError("INVALID_DEPLOY_PARAMS", `deploy parameters: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  return parsed.data;
}

/** Deploys the ledger with `deployer` on whatever chain it is connected to (priced by `options.fees`), and describes where it landed. */
export async function deployLedger(deployer: Signer, input: DeployParams, options: { fees?: TransactionFees } = {}): Promise<Deployment> {
  const params = parseDeployParams(input);
  const provider = deployer.provider;
  if (!provider) throw new CertLedgerError("INVALID_DEPLOY_PARAMS", "the deployer signer is not connected to a provider");
  const contract = await new CertificateLedger__factory(deployer).deploy(
    params.parties.map((p) => partyCodeToBytes2(p.code)),
    params.parties.map((p) => p.admin),
    params.threshold,
    params.proposalLifetimeSeconds,
    feeFields(options.fees),
  );
  const tx = contract.deploymentTransaction();
  const receipt = tx ? await tx.wait() : null;
  if (!tx || !receipt) throw new CertLedgerError("INVALID_DEPLOYMENT", "the deployment transaction has no receipt");
  const network = await provider.getNetwork();
  const ledger = { address: await contract.getAddress(), deploymentBlock: receipt.blockNumber, deploymentTx: tx.hash };
  return {
    chainId: Number(network.chainId),
    ledger,
    outcomes: await deployOutcomes(deployer, ledger.address, options),
    origin: await deployOrigin(deployer, ledger.address, options),
    parties: params.parties,
    threshold: params.threshold,
    proposalLifetimeSeconds: params.proposalLifetimeSeconds,
    deployedAt: new Date().toISOString(),
  };
}

/** Deploys the importing side's contract (CertificateOutcomes) for the ledger at `ledgerAddress`, and says where it landed. */
export async function deployOutcomes(
  deployer: Signer,
  ledgerAddress: string,
  options: { fees?: TransactionFees } = {},
): Promise<NonNullable<Deployment["outcomes"]>> {
  const contract = await new CertificateOutcomes__factory(deployer).deploy(ledgerAddress, feeFields(options.fees));
  const tx = contract.deploymentTransaction();
  const receipt = tx ? await tx.wait() : null;
  if (!tx || !receipt) throw new CertLedgerError("INVALID_DEPLOYMENT", "the outcomes contract's deployment transaction has no receipt");
  return { address: await contract.getAddress(), deploymentBlock: receipt.blockNumber, deploymentTx: tx.hash };
}

/** Deploys the origin registry (OriginRegistry) for the ledger at `ledgerAddress`, and says where it landed. */
export async function deployOrigin(
  deployer: Signer,
  ledgerAddress: string,
  options: { fees?: TransactionFees } = {},
): Promise<NonNullable<Deployment["origin"]>> {
  const contract = await new OriginRegistry__factory(deployer).deploy(ledgerAddress, feeFields(options.fees));
  const tx = contract.deploymentTransaction();
  const receipt = tx ? await tx.wait() : null;
  if (!tx || !receipt) throw new CertLedgerError("INVALID_DEPLOYMENT", "the origin registry's deployment transaction has no receipt");
  return { address: await contract.getAddress(), deploymentBlock: receipt.blockNumber, deploymentTx: tx.hash };
}
