import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { ethers } from "hardhat";
import { ensureDeployment } from "../../src/chain/ensure-deployment";
import { isCertLedgerError } from "../../src/errors";

describe("ensureDeployment", function () {
  it("deploys once, finds the ledger again, and refuses a data folder whose ledger is of an earlier, incompatible version", async function () {
    const [deployer, kg, kz] = await ethers.getSigners();
    const file = path.join(await mkdtemp(path.join(os.tmpdir(), "certledger-ensure-")), "deployment.json");
    const params = {
      parties: [
        { code: "KG", admin: kg.address },
        { code: "KZ", admin: kz.address },
      ],
      threshold: 1,
    };
    const first = await ensureDeployment(ethers.provider, file, deployer, params);
    expect(first.created).to.equal(true);
    const again = await ensureDeployment(ethers.provider, file, deployer, params);
    expect(again).to.deep.equal({ deployment: first.deployment, created: false });

    // An earlier ledger's code lacks this version's functions (here: the code of any other contract).
    await ethers.provider.send("hardhat_setCode", [first.deployment.ledger.address, "0x6080604052600080fd"]);
    const error = await ensureDeployment(ethers.provider, file, deployer, params).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isCertLedgerError(error, "LEDGER_VERSION_MISMATCH"), String(error)).to.equal(true);
    expect((error as Error).message).to.match(/fresh data folder \(DATA_DIR\)/);
  });
});
