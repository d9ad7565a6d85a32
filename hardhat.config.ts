import path from "node:path";
import { subtask } from "hardhat/config";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";
import type { HardhatUserConfig } from "hardhat/config";
import "@nomicfoundation/hardhat-toolbox";

/**
 * The compiler comes from the `solc` npm package, pinned in package.json to this same version,
 * because this build must work offline: Hardhat would otherwise download solc on first compile.
 */
const SOLC_VERSION = "0.8.28";

subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args: { solcVersion: string }, _hre, runSuper) => {
  if (args.solcVersion !== SOLC_VERSION) return runSuper(args);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solcPackage = require("solc/package.json") as { version: string };
  if (solcPackage.version !== SOLC_VERSION) {
    throw new Error(`the solc npm package is ${solcPackage.version}, hardhat.config.ts pins ${SOLC_VERSION}`);
  }
  const compilerPath = path.join(path.dirname(require.resolve("solc/package.json")), "soljson.js");
  return { compilerPath, isSolcJs: true, version: SOLC_VERSION, longVersion: SOLC_VERSION };
});

const config: HardhatUserConfig = {
  solidity: {
    version: SOLC_VERSION,
    settings: {
      // `paris` (no PUSH0, no transient storage) so the same bytecode runs on Hyperledger Besu/QBFT
      // and other permissioned chains that lag behind mainnet forks.
      evmVersion: "paris",
      optimizer: { enabled: true, runs: 200 },
    },
  },
  networks: {
    hardhat: {
      // The ledger must work on a zero-gas-price permissioned chain; tests use mainnet-like rules
      // otherwise, and the contract-size limit stays on to catch a contract that grew past 24 KB.
      hardfork: "cancun",
    },
    custom: {
      url: process.env.RPC_URL ?? "http://127.0.0.1:8545",
    },
  },
  gasReporter: { enabled: false },
  mocha: { timeout: 120_000 },
};

export default config;
