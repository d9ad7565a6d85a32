import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { ethers } from "hardhat";
import { readFile, writeFile } from "node:fs/promises";
import { ensureDeployment } from "../../src/chain/ensure-deployment";
import { readDeployment } from "../../src/chain/deployment";
import { CertificateOutcomes__factory, OriginRegistry__factory } from "../../typechain-types";
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

  it("adds the importing side's contract and the origin registry beside a ledger deployed before them, once each, and records them", async function () {
    const [deployer, kg] = await ethers.getSigners();
    const file = path.join(await mkdtemp(path.join(os.tmpdir(), "certledger-ensure-")), "deployment.json");
    const params = { parties: [{ code: "KG", admin: kg.address }], threshold: 1 };
    const { deployment } = await ensureDeployment(ethers.provider, file, deployer, params);
    expect(deployment.outcomes, "a new deployment has the outcomes contract").not.to.equal(undefined);
    expect(deployment.origin, "a new deployment has the origin registry").not.to.equal(undefined);
    expect(await OriginRegistry__factory.connect(deployment.origin!.address, ethers.provider).ledger()).to.equal(deployment.ledger.address);
    const written = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;

    // A file written before either existed: no outcomes contract, no origin registry.
    const { outcomes: _outcomes, origin: _origin, ...oldest } = written;
    await writeFile(file, JSON.stringify(oldest));
    const upgraded = await ensureDeployment(ethers.provider, file, deployer, params);
    expect(upgraded.created).to.equal(false);
    const outcomes = upgraded.deployment.outcomes!;
    const origin = upgraded.deployment.origin!;
    expect(outcomes.address).not.to.equal(deployment.outcomes!.address);
    expect(origin.address).not.to.equal(deployment.origin!.address);
    expect(upgraded.deployment.ledger).to.deep.equal(deployment.ledger);
    expect(await CertificateOutcomes__factory.connect(outcomes.address, ethers.provider).ledger()).to.equal(deployment.ledger.address);
    expect(await OriginRegistry__factory.connect(origin.address, ethers.provider).ledger()).to.equal(deployment.ledger.address);
    const recorded = await readDeployment(file);
    expect([recorded.outcomes, recorded.origin]).to.deep.equal([outcomes, origin]);
    const again = await ensureDeployment(ethers.provider, file, deployer, params);
    expect([again.deployment.outcomes, again.deployment.origin]).to.deep.equal([outcomes, origin]);

    // A file written by the previous version: the outcomes contract, no origin registry. Only the registry is added.
    const { origin: _dropped, ...previous } = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
    await writeFile(file, JSON.stringify(previous));
    const completed = await ensureDeployment(ethers.provider, file, deployer, params);
    expect(completed.deployment.outcomes).to.deep.equal(outcomes);
    const added = completed.deployment.origin!;
    expect(added.address).not.to.equal(origin.address);
    expect(await OriginRegistry__factory.connect(added.address, ethers.provider).ledger()).to.equal(deployment.ledger.address);
    expect((await readDeployment(file)).origin).to.deep.equal(added);
    const last = await ensureDeployment(ethers.provider, file, deployer, params);
    expect(last).to.deep.equal({ deployment: completed.deployment, created: false });
  });
});
