import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { JsonRpcServer } from "hardhat/internal/hardhat-network/jsonrpc/server";
import { deployLedger } from "../../src/chain/deploy";
import { parseDeployment, readDeployment } from "../../src/chain/deployment";
import { bytes2ToPartyCode } from "../../src/chain/party-code";
import { isCertLedgerError } from "../../src/errors";
import { CertificateLedger__factory } from "../../typechain-types";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "../..");

/** Runs the deploy script as a user would, returning its exit code and output. */
async function deployCli(args: string[], env: NodeJS.ProcessEnv = {}) {
  try {
    const { stdout, stderr } = await run("npx", ["ts-node", "--transpile-only", "scripts/deploy.ts", ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("Deployment", function () {
  it("deployLedger bootstraps the parties and describes where the ledger landed", async function () {
    const [deployer, kg, kz] = await ethers.getSigners();
    const deployment = await deployLedger(deployer, {
      parties: [
        { code: "KG", admin: kg.address },
        { code: "KZ", admin: kz.address },
      ],
      threshold: 2,
    });
    expect(deployment.chainId).to.equal(31337);
    expect(deployment.proposalLifetimeSeconds).to.equal(7 * 24 * 3600);
    const ledger = CertificateLedger__factory.connect(deployment.ledger.address, deployer);
    expect((await ledger.partyCodes()).map(bytes2ToPartyCode)).to.deep.equal(["KG", "KZ"]);
    expect(await ledger.threshold()).to.equal(2);
    const receipt = await ethers.provider.getTransactionReceipt(deployment.ledger.deploymentTx);
    expect(receipt?.blockNumber).to.equal(deployment.ledger.deploymentBlock);
    expect(parseDeployment(JSON.stringify(deployment), "memory")).to.deep.equal(deployment);
  });

  it("the runtime bytecode stays under the 24 KB contract-size limit", async function () {
    const artifact = await hre.artifacts.readArtifact("CertificateLedger");
    expect((artifact.deployedBytecode.length - 2) / 2).to.be.lessThan(24_576);
  });

  it("bad deploy parameters are refused with the field named", async function () {
    const [deployer, kg] = await ethers.getSigners();
    const cases: [unknown, RegExp][] = [
      [{ parties: [], threshold: 1 }, /parties: at least one party/],
      [{ parties: [{ code: "kg", admin: kg.address }], threshold: 1 }, /parties\.0\.code/],
      [{ parties: [{ code: "KG", admin: "0x12" }], threshold: 1 }, /parties\.0\.admin/],
      [{ parties: [{ code: "KG", admin: kg.address }], threshold: 2 }, /threshold exceeds/],
      [
        {
          parties: [
            { code: "KG", admin: kg.address },
            { code: "KG", admin: deployer.address },
          ],
          threshold: 1,
        },
        /appears twice/,
      ],
    ];
    for (const [params, message] of cases) {
      const error = await deployLedger(deployer, params as never).catch((e: unknown) => e);
      expect(isCertLedgerError(error, "INVALID_DEPLOY_PARAMS"), String(error)).to.equal(true);
      expect((error as Error).message).to.match(message);
    }
  });

  it("a malformed deployment file is refused with the field named", async function () {
    const dir = await mkdtemp(path.join(os.tmpdir(), "certledger-"));
    const file = path.join(dir, "deployment.json");
    await writeFile(file, JSON.stringify({ chainId: 1, ledger: { address: "0x1" } }));
    const error = await readDeployment(file).catch((e: unknown) => e);
    expect(isCertLedgerError(error, "INVALID_DEPLOYMENT")).to.equal(true);
    expect((error as Error).message).to.match(/ledger\.address/);
    expect(
      isCertLedgerError(await readDeployment(path.join(dir, "missing.json")).catch((e: unknown) => e), "DEPLOYMENT_NOT_FOUND"),
    ).to.equal(true);
  });

  describe("the deploy script against a JSON-RPC endpoint", function () {
    let server: JsonRpcServer;
    let rpc: string;
    let dir: string;

    before(async function () {
      server = new JsonRpcServer({ hostname: "127.0.0.1", port: 0, provider: hre.network.provider });
      const { port } = await server.listen();
      rpc = `http://127.0.0.1:${port}`;
      dir = await mkdtemp(path.join(os.tmpdir(), "certledger-deploy-"));
    });

    after(async function () {
      await server.close();
    });

    it("deploys with the node's account and writes a deployment file that binds to the ledger", async function () {
      const [, kg, kz, uz] = await ethers.getSigners();
      const params = path.join(dir, "params.json");
      const out = path.join(dir, "out", "deployment.json");
      await writeFile(
        params,
        JSON.stringify({
          parties: [
            { code: "KG", admin: kg.address },
            { code: "KZ", admin: kz.address },
            { code: "UZ", admin: uz.address },
          ],
          threshold: 2,
        }),
      );
      const result = await deployCli(["--rpc", rpc, "--params", params, "--out", out]);
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stdout).to.match(/CertificateLedger deployed at 0x[0-9a-fA-F]{40} on chain 31337/);
      const deployment = await readDeployment(out);
      const ledger = CertificateLedger__factory.connect(deployment.ledger.address, ethers.provider);
      expect((await ledger.partyCodes()).map(bytes2ToPartyCode)).to.deep.equal(["KG", "KZ", "UZ"]);
      expect(JSON.parse(await readFile(out, "utf8")).parties).to.have.length(3);
    });

    it("deploys from an encrypted keystore and refuses a wrong password", async function () {
      const wallet = ethers.Wallet.createRandom();
      const [funder, kg] = await ethers.getSigners();
      await (await funder.sendTransaction({ to: wallet.address, value: ethers.parseEther("10") })).wait();
      const keystore = path.join(dir, "deployer.json");
      await writeFile(
        keystore,
        await ethers.encryptKeystoreJson({ address: wallet.address, privateKey: wallet.privateKey }, "correct horse", {
          scrypt: { N: 1024 },
        }),
      );
      const params = path.join(dir, "params-one.json");
      await writeFile(params, JSON.stringify({ parties: [{ code: "KG", admin: kg.address }], threshold: 1 }));
      const out = path.join(dir, "keystore-deployment.json");
      const wrong = await deployCli(["--rpc", rpc, "--params", params, "--out", out, "--keystore", keystore], {
        DEPLOYER_PASSWORD: "wrong",
      });
      expect(wrong.code).to.equal(1);
      expect(wrong.stderr).to.match(/cannot decrypt the keystore/);
      const ok = await deployCli(["--rpc", rpc, "--params", params, "--out", out, "--keystore", keystore], {
        DEPLOYER_PASSWORD: "correct horse",
      });
      expect(ok.code, ok.stderr).to.equal(0);
      const deployment = await readDeployment(out);
      const tx = await ethers.provider.getTransaction(deployment.ledger.deploymentTx);
      expect(tx?.from).to.equal(wallet.address);
    });

    it("bad arguments and unreachable nodes give a clear message and exit code 1", async function () {
      const params = path.join(dir, "bad-params.json");
      await writeFile(params, JSON.stringify({ parties: [{ code: "XYZ", admin: "0x0" }], threshold: 1 }));
      const cases: [string[], RegExp][] = [
        [["--out", "x.json"], /--params is required/],
        [["--params", path.join(dir, "nope.json"), "--out", "x.json"], /cannot read the parameters file/],
        [["--params", params, "--out", "x.json", "--rpc", rpc], /parties\.0\.code/],
        [["--bogus"], /Unknown option '--bogus'/],
      ];
      for (const [args, message] of cases) {
        const result = await deployCli(args);
        expect(result.code).to.equal(1);
        expect(result.stderr).to.match(message);
      }
      const good = path.join(dir, "params.json");
      const unreachable = await deployCli(["--params", good, "--out", "x.json", "--rpc", "http://127.0.0.1:9"]);
      expect(unreachable.code).to.equal(1);
      expect(unreachable.stderr).to.match(/no JSON-RPC node answers at http:\/\/127\.0\.0\.1:9/);
    });
  });
});
