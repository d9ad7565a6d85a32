import { mkdtemp, readFile, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { ethers } from "ethers";
import { generateSigningKey } from "../../src/crypto/keys";
import { Keyring } from "../../src/keys/keyring";

const accountSigner = async (address: string) => new ethers.VoidSigner(address);
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => "resolved",
    (e: { code?: string }) => e.code,
  );

describe("Keyring", function () {
  it("keeps authority signing keys encrypted on disk and opens them again with the password", async function () {
    const dir = await mkdtemp(path.join(os.tmpdir(), "certledger-keyring-"));
    const key = await generateSigningKey();
    const account = ethers.Wallet.createRandom().address;
    const keyring = await Keyring.open(dir, { password: "correct horse battery", accountSigner });
    await keyring.addAuthority(7, account, key);
    await keyring.addParty("KG", account);

    const text = await readFile(path.join(dir, "keyring.json"), "utf8");
    expect(text).not.to.include((key.privateJwk as { d: string }).d);
    expect((await stat(path.join(dir, "keyring.json"))).mode & 0o777).to.equal(0o600);

    const again = await Keyring.open(dir, { password: "correct horse battery", accountSigner });
    expect(again.signingKey(7)).to.deep.include({ kid: key.kid, thumbprint: key.thumbprint });
    expect((again.signingKey(7)!.privateJwk as { d: string }).d).to.equal((key.privateJwk as { d: string }).d);
    expect(again.authorityIds()).to.deep.equal([7]);
    expect(again.partyCodes()).to.deep.equal(["KG"]);
    expect(await (await again.signerFor(7))!.getAddress()).to.equal(account);
    expect(await (await again.signerForParty("KG"))!.getAddress()).to.equal(account);
    expect(await again.signerFor(8)).to.equal(undefined);
    expect(await again.signerForParty("KZ")).to.equal(undefined);
  });

  it("hands every concurrent first request for an account the same signer, so one nonce queue orders its transactions", async function () {
    const dir = await mkdtemp(path.join(os.tmpdir(), "certledger-keyring-"));
    let made = 0;
    // A node-side account: each call makes a new signer object, after a round trip.
    const slowSigner = async (address: string) => {
      made++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return new ethers.VoidSigner(address);
    };
    const keyring = await Keyring.open(dir, { password: "correct horse battery", accountSigner: slowSigner, testOnlyIterations: 2048 });
    const account = ethers.Wallet.createRandom().address;
    await keyring.addAgency(7, account);
    const signers = await Promise.all(Array.from({ length: 8 }, () => keyring.signerForAgency(7)));
    expect(new Set(signers).size).to.equal(1);
    expect(made).to.equal(1);
  });

  it("keeps the receipt key across restarts", async function () {
    const dir = await mkdtemp(path.join(os.tmpdir(), "certledger-keyring-"));
    const first = await (await Keyring.open(dir, { password: "password-1", accountSigner })).receiptKey(generateSigningKey);
    const second = await (await Keyring.open(dir, { password: "password-1", accountSigner })).receiptKey(generateSigningKey);
    expect(second.kid).to.equal(first.kid);
  });

  it("a wrong password, a short password or a damaged file is refused with a typed error", async function () {
    const dir = await mkdtemp(path.join(os.tmpdir(), "certledger-keyring-"));
    const keyring = await Keyring.open(dir, { password: "password-1", accountSigner });
    await keyring.addAuthority(1, ethers.Wallet.createRandom().address, await generateSigningKey());
    expect(await codeOf(Keyring.open(dir, { password: "password-2", accountSigner }))).to.equal("WRONG_PASSWORD");
    expect(await codeOf(Keyring.open(dir, { password: "short", accountSigner }))).to.equal("INVALID_CONFIG");
    const { writeFile } = await import("node:fs/promises");
    await writeFile(path.join(dir, "keyring.json"), JSON.stringify({ version: 1, authorities: { x: {} }, parties: {} }));
    expect(await codeOf(Keyring.open(dir, { password: "password-1", accountSigner }))).to.equal("INVALID_KEYSTORE");
  });
});
