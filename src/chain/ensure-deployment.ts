import { access } from "node:fs/promises";
import type { Provider, Signer } from "ethers";
import { CertLedgerError } from "../errors";
import { deployLedger, type DeployParams } from "./deploy";
import { readDeployment, writeDeployment, type Deployment } from "./deployment";

/**
 * The ledger named by the deployment file `file`, checked against the chain `provider` is connected to; when there is
 * no such file, deploys one with `deployer` and `params` and writes the file. A file that names another chain, or an
 * address with no contract (the chain's state was lost), is an error rather than a silent redeployment, because the
 * certificates anchored there would be lost from view.
 */
export async function ensureDeployment(
  provider: Provider,
  file: string,
  deployer: Signer,
  params: DeployParams,
): Promise<{ deployment: Deployment; created: boolean }> {
  const exists = await access(file).then(
    () => true,
    () => false,
  );
  if (!exists) {
    const deployment = await deployLedger(deployer, params);
    await writeDeployment(file, deployment);
    return { deployment, created: true };
  }
  const deployment = await readDeployment(file);
  const chainId = Number((await provider.getNetwork()).chainId);
  if (chainId !== deployment.chainId) {
    throw new CertLedgerError("CHAIN_MISMATCH", `deployment file ${file} is for chain ${deployment.chainId}, the node is chain ${chainId}`);
  }
  if ((await provider.getCode(deployment.ledger.address)) === "0x") {
    throw new CertLedgerError(
      "CHAIN_MISMATCH",
      `deployment file ${file} names ${deployment.ledger.address}, but the chain has no contract there (was its state lost?)`,
    );
  }
  return { deployment, created: false };
}
