import { mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { inspect } from "node:util";
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadKeystoreSigner, writeKeystore } from "../../src/chain/keystore";
import { isCertLedgerError } from "../../src/errors";

describe("Keystore signers", function () {
  let dir: string;

  before(async function () {
    dir = await mkdtemp(path.join(os.tmpdir(), "certledger-keystore-"));
  });

  it("a keystore loaded with the right password signs a transaction from its account", async function () {
    const wallet = ethers.Wallet.createRandom();
    const file = path.join(dir, "right.json");
    await writeKeystore(file, wallet, "correct horse", { scryptN: 1024 });
    const signer = await loadKeystoreSigner(file, "correct horse", ethers.provider);
    expect(signer.address).to.equal(wallet.address);
    const [funder] = await ethers.getSigners();
    await (await funder.sendTransaction({ to: wallet.address, value: ethers.parseEther("1") })).wait();
    const tx = await signer.sendTransaction({ to: funder.address, value: 1234n });
    const receipt = await tx.wait();
    expect(receipt?.status).to.equal(1);
    expect((await ethers.provider.getTransaction(tx.hash))?.from).to.equal(wallet.address);
  });

  it("the file is the owner's alone, and the signer shows only its address when printed or serialised", async function () {
    const wallet = ethers.Wallet.createRandom();
    const file = path.join(dir, "private.json");
    await writeKeystore(file, wallet, "pw", { scryptN: 1024 });
    expect((await stat(file)).mode & 0o077).to.equal(0);
    const text = await readFile(file, "utf8");
    expect(text).not.to.include(wallet.privateKey.slice(2));
    const signer = await loadKeystoreSigner(file, "pw");
    const shown = [JSON.stringify(signer), inspect(signer, { showHidden: true, depth: 5 }), String(Object.values(signer))];
    for (const text of shown) {
      expect(text).to.include(wallet.address);
      expect(text.toLowerCase()).not.to.include(wallet.privateKey.slice(2).toLowerCase());
    }
    expect(Object.keys(signer)).not.to.include("privateKey");
    expect("privateKey" in signer).to.equal(false);
  });

  it("a wrong password is WRONG_PASSWORD", async function () {
    const file = path.join(dir, "wrong.json");
    await writeKeystore(file, ethers.Wallet.createRandom(), "right", { scryptN: 1024 });
    const error = await loadKeystoreSigner(file, "hunter2-guess").catch((e: unknown) => e);
    expect(isCertLedgerError(error, "WRONG_PASSWORD"), String(error)).to.equal(true);
    // Neither the error nor what it wraps repeats the password tried.
    expect(inspect(error, { depth: 10 })).not.to.include("hunter2-guess");
  });

  it("a garbage file, a JSON file that is no keystore, a damaged keystore and a missing file are INVALID_KEYSTORE", async function () {
    const good = path.join(dir, "good.json");
    await writeKeystore(good, ethers.Wallet.createRandom(), "pw", { scryptN: 1024 });
    const damaged = JSON.parse(await readFile(good, "utf8"));
    (damaged.Crypto ?? damaged.crypto).kdf = "argon2id";
    const files: Record<string, string> = {
      "garbage.json": "\u0000\u0001 not json at all",
      "other.json": JSON.stringify({ hello: "world" }),
      "damaged.json": JSON.stringify(damaged),
    };
    for (const [name, content] of Object.entries(files)) {
      const file = path.join(dir, name);
      await writeFile(file, content);
      const error = await loadKeystoreSigner(file, "pw").catch((e: unknown) => e);
      expect(isCertLedgerError(error, "INVALID_KEYSTORE"), `${name}: ${String(error)}`).to.equal(true);
    }
    const missing = await loadKeystoreSigner(path.join(dir, "missing.json"), "pw").catch((e: unknown) => e);
    expect(isCertLedgerError(missing, "INVALID_KEYSTORE")).to.equal(true);
  });

  it("an existing keystore is never overwritten", async function () {
    const file = path.join(dir, "once.json");
    const first = ethers.Wallet.createRandom();
    await writeKeystore(file, first, "pw", { scryptN: 1024 });
    const error = await writeKeystore(file, ethers.Wallet.createRandom(), "pw", { scryptN: 1024 }).catch((e: unknown) => e);
    expect(isCertLedgerError(error, "KEYSTORE_EXISTS")).to.equal(true);
    expect((await loadKeystoreSigner(file, "pw")).address).to.equal(first.address);
  });
});
