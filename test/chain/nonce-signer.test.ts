import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { ethers, network } from "hardhat";
import { loadKeystoreSigner, writeKeystore } from "../../src/chain/keystore";
import { LedgerClient } from "../../src/chain/ledger-client";
import { NonceSigner, nonceSignerFor } from "../../src/chain/nonce-signer";
import { connectRpc } from "../../src/chain/provider";
import { isCertLedgerError } from "../../src/errors";
import { CertType, DAY, loadFixture, randomCid, randomHash, time, types, withAuthorities, YEAR } from "../contracts/fixtures";
import { startRpcProxy } from "./rpc-proxy";

describe("Nonces of many transactions in flight", function () {
  it("100 anchors sent at once from one account all land, with 100 distinct nonces", async function () {
    const { deployment, kgBody } = await loadFixture(withAuthorities);
    const client = LedgerClient.connect({ deployment, provider: ethers.provider, signer: kgBody, pollIntervalMs: 20 });
    const validUntil = BigInt(await time.latest()) + BigInt(90 * DAY);
    const certHashes = Array.from({ length: 100 }, () => randomHash());
    const startNonce = await ethers.provider.getTransactionCount(kgBody.address);
    const results = await Promise.all(
      certHashes.map((certHash) =>
        client.anchorCertificate({
          certHash,
          certType: CertType.Conformity,
          validUntil,
          numberHash: randomHash(),
          payloadCid: randomCid(),
        }),
      ),
    );
    const nonces = await Promise.all(results.map(async (r) => (await ethers.provider.getTransaction(r.txHash))!.nonce));
    expect(new Set(nonces).size).to.equal(100);
    expect(Math.min(...nonces)).to.equal(startNonce);
    expect(Math.max(...nonces)).to.equal(startNonce + 99);
    const records = await Promise.all(certHashes.map((certHash) => client.getCertificate(certHash)));
    expect(records.every((r) => r?.status === "Active" && r.authorityId === 1)).to.equal(true);
  });

  it("refused writes among parallel ones spend no nonce and do not block the rest", async function () {
    const { deployment, kgBody } = await loadFixture(withAuthorities);
    const client = LedgerClient.connect({ deployment, provider: ethers.provider, signer: kgBody, pollIntervalMs: 20 });
    const validUntil = BigInt(await time.latest()) + BigInt(90 * DAY);
    const startNonce = await ethers.provider.getTransactionCount(kgBody.address);
    const writes = Array.from({ length: 20 }, (_, i) =>
      client.anchorCertificate({
        certHash: randomHash(),
        // Every third one asks for a type outside the authority's scope.
        certType: i % 3 === 0 ? CertType.Origin : CertType.Conformity,
        validUntil,
        numberHash: randomHash(),
      }),
    );
    const settled = await Promise.allSettled(writes);
    const refused = settled.filter((s) => s.status === "rejected");
    expect(refused).to.have.length(7);
    for (const r of refused) expect(isCertLedgerError((r as PromiseRejectedResult).reason, "AUTHORITY_NOT_IN_SCOPE")).to.equal(true);
    expect(await ethers.provider.getTransactionCount(kgBody.address)).to.equal(startNonce + 13);
  });

  it("a transaction the node refuses (no funds) frees its nonce for the next one", async function () {
    const [funder] = await ethers.getSigners();
    const wallet = ethers.Wallet.createRandom().connect(ethers.provider);
    const signer = new NonceSigner(wallet);
    const error = await signer.sendTransaction({ to: funder.address, value: 1n, gasLimit: 21_000n }).catch((e: unknown) => e);
    expect(String((error as Error).message)).to.match(/funds|balance/i);
    await (await funder.sendTransaction({ to: wallet.address, value: ethers.parseEther("1") })).wait();
    const first = await signer.sendTransaction({ to: funder.address, value: 1n });
    const second = await signer.sendTransaction({ to: funder.address, value: 1n });
    expect([first.nonce, second.nonce]).to.deep.equal([0, 1]);
    await second.wait();
    expect(await ethers.provider.getTransactionCount(wallet.address)).to.equal(2);
  });

  it("a transaction that never reached the node frees its nonce for the next one", async function () {
    const [funder] = await ethers.getSigners();
    const proxy = await startRpcProxy();
    const provider = connectRpc(proxy.url, { chainId: 31337 });
    try {
      const wallet = ethers.Wallet.createRandom().connect(provider);
      await (await funder.sendTransaction({ to: wallet.address, value: ethers.parseEther("1") })).wait();
      const signer = new NonceSigner(wallet, { retry: { attempts: 1 } });
      proxy.fail(1, "reset", "eth_sendRawTransaction");
      const error = await signer.sendTransaction({ to: funder.address, value: 1n }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(Error);
      expect(await ethers.provider.getTransactionCount(wallet.address)).to.equal(0);
      const next = await signer.sendTransaction({ to: funder.address, value: 1n });
      expect(next.nonce).to.equal(0);
      await next.wait();
      expect(await ethers.provider.getTransactionCount(wallet.address)).to.equal(1);
    } finally {
      provider.destroy();
      await proxy.close();
    }
  });

  it("after the chain is reset under it, the signer asks the node for the nonce again", async function () {
    const [funder, receiver] = await ethers.getSigners();
    const signer = new NonceSigner(funder);
    const snapshot = await network.provider.send("evm_snapshot");
    const before = await ethers.provider.getTransactionCount(funder.address);
    await (await signer.sendTransaction({ to: receiver.address, value: 1n })).wait();
    await (await signer.sendTransaction({ to: receiver.address, value: 1n })).wait();
    await network.provider.send("evm_revert", [snapshot]);
    const again = await signer.sendTransaction({ to: receiver.address, value: 1n });
    expect(again.nonce).to.equal(before);
  });

  it("clients built on the same signer share one NonceSigner", async function () {
    const { deployment, kgBody } = await loadFixture(withAuthorities);
    const a = LedgerClient.connect({ deployment, provider: ethers.provider, signer: kgBody });
    const b = LedgerClient.connect({ deployment, provider: ethers.provider, signer: kgBody });
    expect(a.signer).to.equal(b.signer);
    expect(nonceSignerFor(a.signer!)).to.equal(a.signer);
  });

  it("a keystore signer's broadcast whose answer was lost is not sent twice", async function () {
    const { deployment, kgAdmin, signers } = await loadFixture(withAuthorities);
    const proxy = await startRpcProxy();
    const provider = connectRpc(proxy.url, { chainId: 31337 });
    try {
      const file = path.join(await mkdtemp(path.join(os.tmpdir(), "certledger-nonce-")), "issuer.json");
      await writeKeystore(file, ethers.Wallet.createRandom(), "pw", { scryptN: 1024 });
      const issuer = await loadKeystoreSigner(file, "pw", provider);
      await (await signers[0].sendTransaction({ to: issuer.address, value: ethers.parseEther("1") })).wait();
      const admin = LedgerClient.connect({ deployment, provider: ethers.provider, signer: kgAdmin, pollIntervalMs: 20 });
      const now = BigInt(await time.latest());
      await admin.registerAuthority({
        party: "KG",
        name: "KG keystore issuer",
        accounts: [issuer.address],
        scope: types(CertType.Conformity),
        validFrom: now,
        validUntil: now + BigInt(YEAR),
      });
      const client = LedgerClient.connect({ deployment, provider, signer: issuer, pollIntervalMs: 20, retry: { baseDelayMs: 5 } });
      proxy.fail(1, "lost-response", "eth_sendRawTransaction");
      const certHash = randomHash();
      const result = await client.anchorCertificate({
        certHash,
        certType: CertType.Conformity,
        validUntil: now + BigInt(DAY),
        numberHash: randomHash(),
      });
      expect(proxy.methods.filter((m) => m === "eth_sendRawTransaction").length).to.be.greaterThan(1);
      expect(await ethers.provider.getTransactionCount(issuer.address)).to.equal(1);
      expect((await client.getCertificate(certHash))?.status).to.equal("Active");
      expect((await client.anchorEvent(certHash))?.txHash).to.equal(result.txHash);
      expect(await ethers.provider.getTransactionCount(issuer.address)).to.equal(1);
    } finally {
      provider.destroy();
      await proxy.close();
    }
  });
});
