import { spawn, type ChildProcess } from "node:child_process";
import { expect } from "chai";
import { Wallet, type JsonRpcProvider } from "ethers";
import { loadConfig } from "../../server/config";
import { anvilBinary } from "../../src/chain/anvil";
import { deployLedger } from "../../src/chain/deploy";
import type { Deployment } from "../../src/chain/deployment";
import { LedgerClient } from "../../src/chain/ledger-client";
import { connectRpc } from "../../src/chain/provider";
import { feeFields, type TransactionFees } from "../../src/chain/transaction-fees";
import { isCertLedgerError } from "../../src/errors";
import { freePort } from "../e2e/node-process"; // anvil takes no port 0

describe("Transactions at zero gas price (a chain like the kit's Besu network: zero base fee, zero gas price)", function () {
  let anvil: ChildProcess;
  let provider: JsonRpcProvider;
  let deployment: Deployment;
  // Accounts that never received any ether: on a zero-gas-price chain they need none.
  const deployer = Wallet.createRandom();
  const kgAdmin = Wallet.createRandom();
  const kzAdmin = Wallet.createRandom();

  before(async function () {
    const port = await freePort();
    anvil = spawn(anvilBinary(), ["--port", String(port), "--base-fee", "0", "--gas-price", "0", "--silent"], { stdio: "ignore" });
    provider = connectRpc(`http://127.0.0.1:${port}`, { chainId: 31337 });
    for (let i = 0; ; i++) {
      try {
        await provider.getBlockNumber();
        break;
      } catch (error) {
        if (i > 100) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    deployment = await deployLedger(
      deployer.connect(provider),
      {
        parties: [
          { code: "KG", admin: kgAdmin.address },
          { code: "KZ", admin: kzAdmin.address },
        ],
        threshold: 1,
      },
      { fees: { type: "legacy", gasPrice: 0n } },
    );
  });

  after(function () {
    provider?.destroy();
    anvil?.kill("SIGKILL");
  });

  const admin = (fees: TransactionFees) =>
    LedgerClient.connect({ deployment, provider, signer: kgAdmin.connect(provider), fees, pollIntervalMs: 20 });

  it("deploys the ledger from an account without ether, as a legacy transaction at gas price 0", async function () {
    const tx = await provider.getTransaction(deployment.ledger.deploymentTx);
    expect(tx!.type).to.equal(0);
    expect(tx!.gasPrice).to.equal(0n);
    expect(await provider.getBalance(deployer.address)).to.equal(0n);
    expect(await provider.getCode(deployment.ledger.address)).to.not.equal("0x");
  });

  it("TX_TYPE=legacy GAS_PRICE_WEI=0: a ledger write is a type-0 transaction at gas price 0, paid by no one", async function () {
    const account = Wallet.createRandom().address;
    const { txHash } = await admin({ type: "legacy", gasPrice: 0n }).addPartyAdmin("KG", account);
    const tx = await provider.getTransaction(txHash);
    expect([tx!.type, tx!.gasPrice]).to.deep.equal([0, 0n]);
    const receipt = await provider.getTransactionReceipt(txHash);
    expect(receipt!.status).to.equal(1);
    expect(receipt!.gasPrice).to.equal(0n);
    expect((await admin({ type: "auto" }).getParty("KG"))!.adminCount).to.equal(2);
  });

  it("TX_TYPE=eip1559 GAS_PRICE_WEI=0: a type-2 transaction with max fee and priority fee 0", async function () {
    const { txHash } = await admin({ type: "eip1559", gasPrice: 0n }).addPartyAdmin("KG", Wallet.createRandom().address);
    const tx = await provider.getTransaction(txHash);
    expect([tx!.type, tx!.maxFeePerGas, tx!.maxPriorityFeePerGas]).to.deep.equal([2, 0n, 0n]);
  });

  it("TX_TYPE=auto leaves the price to the node, which may ask more than an account without ether can pay", async function () {
    // anvil suggests its 1 gwei minimum priority fee even at --gas-price 0: why the kit's compose file sets the price.
    const suggested = (await provider.getFeeData()).gasPrice;
    expect(suggested).to.be.greaterThan(0n);
    const error = await admin({ type: "auto" })
      .addPartyAdmin("KG", Wallet.createRandom().address)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect((error as Error | undefined)?.message).to.match(/insufficient funds/i);
  });

  it("the fee fields of each configuration", function () {
    expect(feeFields(undefined)).to.deep.equal({});
    expect(feeFields({ type: "auto" })).to.deep.equal({});
    expect(feeFields({ type: "legacy" })).to.deep.equal({ type: 0 });
    expect(feeFields({ type: "legacy", gasPrice: 5n })).to.deep.equal({ type: 0, gasPrice: 5n });
    expect(feeFields({ type: "eip1559", gasPrice: 7n })).to.deep.equal({ type: 2, maxFeePerGas: 7n, maxPriorityFeePerGas: 7n });
    expect(() => feeFields({ type: "legacy", gasPrice: -1n })).to.throw(/negative/);
  });

  describe("configuration (TX_TYPE, GAS_PRICE_WEI)", function () {
    it("reads legacy at zero gas price, and defaults to auto", function () {
      expect(loadConfig({ TX_TYPE: "legacy", GAS_PRICE_WEI: "0" }).fees).to.deep.equal({ type: "legacy", gasPrice: 0n });
      expect(loadConfig({ TX_TYPE: "eip1559" }).fees).to.deep.equal({ type: "eip1559", gasPrice: undefined });
      expect(loadConfig({}).fees).to.deep.equal({ type: "auto" });
    });

    for (const [env, variable, message] of [
      [{ TX_TYPE: "type2" }, "TX_TYPE", /auto, legacy, eip1559/],
      [{ TX_TYPE: "legacy", GAS_PRICE_WEI: "-1" }, "GAS_PRICE_WEI", /whole number of wei/],
      [{ TX_TYPE: "legacy", GAS_PRICE_WEI: "1.5" }, "GAS_PRICE_WEI", /whole number of wei/],
      [{ GAS_PRICE_WEI: "0" }, "GAS_PRICE_WEI", /needs TX_TYPE=legacy or TX_TYPE=eip1559/],
    ] as const) {
      it(`refuses ${JSON.stringify(env)}, naming ${variable}`, function () {
        try {
          loadConfig(env);
          expect.fail("loadConfig accepted it");
        } catch (error) {
          expect(isCertLedgerError(error) && error.code).to.equal("INVALID_CONFIG");
          expect((error as Error).message)
            .to.contain(variable)
            .and.match(message);
        }
      });
    }
  });
});
