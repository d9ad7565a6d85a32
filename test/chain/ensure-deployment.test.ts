import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { ethers } from "hardhat";
import { readFile, writeFile } from "node:fs/promises";
import { ensureDeployment } from "../../src/chain/ensure-deployment";
import { readDeployment } from "../../src/chain/deployment";
import { CertificateOutcomes__factory } from "../../typechain-types";
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

  it("adds the importing side's contract beside a ledger deployed before it existed, once, and records it", async function () {
    const [deployer, kg] = await ethers.getSigners();
    const file = path.join(await mkdtemp(path.join(os.tmpdir(), "certledger-ensure-")), "deployment.json");
    const params = { parties: [{ code: "KG", admin: kg.address }], threshold: 1 };
    const { deployment } = await ensureDeployment(ethers.provider, file, deployer, params);
    expect(deployment.outcomes, "a new deployment has both contracts").not.to.equal(undefined);
    // A file written by the previous version: no outcomes contract.
    const { outcomes: _dropped, ...older } = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
    await writeFile(file, JSON.stringify(older));
    const upgraded = await ensureDeployment(ethers.provider, file, deployer, params);
    const outcomes = upgraded.deployment.outcomes!;
    expect(outcomes.address).not.to.equal(deployment.outcomes!.address);
    expect(await CertificateOutcomes__factory.connect(outcomes.address, ethers.provider).ledger()).to.equal(deployment.ledger.address);
    expect((await readDeployment(file)).outcomes).to.deep.equal(outcomes);
    const again = await ensureDeployment(ethers.provider, file, deployer, params);
    expect(again.deployment.outcomes).to.deep.equal(outcomes);
  });
});
