import { access } from "node:fs/promises";
import type { Provider, Signer } from "ethers";
import { ICertificateLedger__factory } from "../../typechain-types";
import { CertLedgerError } from "../errors";
import { deployLedger, deployOrigin, deployOutcomes, type DeployParams } from "./deploy";
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
  const code = await provider.getCode(deployment.ledger.address);
  if (code === "0x") {
    throw new CertLedgerError(
      "CHAIN_MISMATCH",
      `deployment file ${file} names ${deployment.ledger.address}, but the chain has no contract there (was its state lost?)`,
    );
  }
  if (!speaksThisLedger(code)) {
    throw new CertLedgerError(
      "LEDGER_VERSION_MISMATCH",
      `deployment file ${file} names a ledger of an earlier, incompatible version at ${deployment.ledger.address} (its batches are ` +
        `keyed by root alone): start this version on a fresh data folder (DATA_DIR), or deploy this version's ledger`,
    );
  }
  // A ledger deployed before the importing side or the origin registry existed: each is added beside it, once, and recorded.
  let completed = deployment;
  if (!completed.outcomes) completed = { ...completed, outcomes: await deployOutcomes(deployer, deployment.ledger.address) };
  if (!completed.origin) completed = { ...completed, origin: await deployOrigin(deployer, deployment.ledger.address) };
  if (completed !== deployment) {
    await writeDeployment(file, completed);
    return { deployment: completed, created: false };
  }
  return { deployment, created: false };
}

/**
 * Whether runtime `code` dispatches the functions this library calls that earlier ledgers lacked: a function's 4-byte
 * selector stands in the dispatcher of the contract that has it. (The whole bytecode cannot be compared: its metadata
 * hash changes with any edit of the sources, comments included.)
 */
function speaksThisLedger(code: string): boolean {
  const ledger = ICertificateLedger__factory.createInterface();
  return (["getBatchedCertificate", "reinstateBatchedCertificate"] as const).every((name) =>
    code.toLowerCase().includes(ledger.getFunction(name)!.selector.slice(2)),
  );
}
