import { expect } from "chai";
import { ethers } from "hardhat";
import { makeError } from "ethers";
import { LedgerClient } from "../../src/chain/ledger-client";
import { connectRpc } from "../../src/chain/provider";
import { isTransientError, withRetry, type RetryOptions } from "../../src/chain/retry";
import { isCertLedgerError } from "../../src/errors";
import { CertType, loadFixture, withCertificate } from "../contracts/fixtures";
import { closedPort, startRpcProxy, type RpcProxy } from "./rpc-proxy";

/** Quick retries, counted. */
function counted(attempts = 5): RetryOptions & { retries: number } {
  const options = {
    attempts,
    baseDelayMs: 5,
    maxDelayMs: 20,
    retries: 0,
    onRetry: () => {
      options.retries++;
    },
  };
  return options;
}

describe("Retrying transient RPC failures", function () {
  let proxy: RpcProxy;

  before(async function () {
    proxy = await startRpcProxy();
  });

  after(async function () {
    await proxy.close();
  });

  function clientThroughProxy(deployment: Parameters<typeof LedgerClient.connect>[0]["deployment"], retry: RetryOptions, signer?: string) {
    const provider = connectRpc(proxy.url, { chainId: 31337 });
    return {
      provider,
      client: LedgerClient.connect({
        deployment,
        provider,
        retry,
        pollIntervalMs: 20,
        signer: signer ? new ethers.JsonRpcSigner(provider, signer) : undefined,
      }),
    };
  }

  it("a read that meets 503s and a reset connection is retried and succeeds", async function () {
    const { deployment, certHash } = await loadFixture(withCertificate);
    const retry = counted();
    const { client, provider } = clientThroughProxy(deployment, retry);
    try {
      const failuresBefore = proxy.failures;
      proxy.fail(2, "http-503");
      proxy.fail(1, "reset");
      const record = await client.getCertificate(certHash);
      expect(record?.status).to.equal("Active");
      expect(proxy.failures - failuresBefore).to.equal(3);
      expect(retry.retries).to.equal(3);
    } finally {
      provider.destroy();
    }
  });

  it("a write whose estimate meets a 503 is retried and lands once", async function () {
    const { deployment, kgBody, numberHash, validUntil } = await loadFixture(withCertificate);
    const retry = counted();
    const { client, provider } = clientThroughProxy(deployment, retry, kgBody.address);
    try {
      proxy.fail(1, "http-503", "eth_estimateGas");
      const certHash = ethers.hexlify(ethers.randomBytes(32));
      const result = await client.anchorCertificate({ certHash, certType: CertType.Conformity, validUntil, numberHash });
      expect(retry.retries).to.equal(1);
      expect((await client.getCertificate(certHash))?.status).to.equal("Active");
      expect((await ethers.provider.getTransaction(result.txHash))?.from).to.equal(kgBody.address);
    } finally {
      provider.destroy();
    }
  });

  it("a contract revert is not retried", async function () {
    const { deployment, kgBody, certHash, numberHash, validUntil } = await loadFixture(withCertificate);
    const retry = counted();
    const { client, provider } = clientThroughProxy(deployment, retry, kgBody.address);
    try {
      const count = (method: string) => proxy.methods.filter((m) => m === method).length;
      const [estimatesBefore, sendsBefore] = [count("eth_estimateGas"), count("eth_sendTransaction")];
      const error = await client
        .anchorCertificate({ certHash, certType: CertType.Conformity, validUntil, numberHash })
        .catch((e: unknown) => e);
      expect(isCertLedgerError(error, "CERT_ALREADY_ANCHORED"), String(error)).to.equal(true);
      expect(count("eth_estimateGas") - estimatesBefore).to.equal(1);
      expect(count("eth_sendTransaction") - sendsBefore).to.equal(0);
      expect(retry.retries).to.equal(0);
    } finally {
      provider.destroy();
    }
  });

  it("an unreachable node gives CHAIN_UNAVAILABLE after its attempts", async function () {
    const { deployment, certHash } = await loadFixture(withCertificate);
    const provider = connectRpc(`http://127.0.0.1:${await closedPort()}`, { chainId: 31337 });
    const retry = counted(3);
    const client = LedgerClient.connect({ deployment, provider, retry });
    try {
      const error = await client.getCertificate(certHash).catch((e: unknown) => e);
      expect(isCertLedgerError(error, "CHAIN_UNAVAILABLE"), String(error)).to.equal(true);
      expect((error as Error).message).to.match(/getCertificate/);
      expect(retry.retries).to.equal(2);
    } finally {
      provider.destroy();
    }
  });

  it("an attempt that takes too long counts as a transient failure", async function () {
    let calls = 0;
    const result = await withRetry(
      () => {
        calls++;
        return calls === 1 ? new Promise<string>(() => undefined) : Promise.resolve("answered");
      },
      { attemptTimeoutMs: 30, baseDelayMs: 1 },
    );
    expect(result).to.equal("answered");
    expect(calls).to.equal(2);
  });

  it("an error that is not transient is thrown at once", async function () {
    let calls = 0;
    const error = await withRetry(() => {
      calls++;
      return Promise.reject(new Error("invalid opcode"));
    }).catch((e: unknown) => e);
    expect((error as Error).message).to.equal("invalid opcode");
    expect(calls).to.equal(1);
  });

  it("tells transient failures from the rest", function () {
    const serverError = (statusCode: number) =>
      makeError(`server response ${statusCode}`, "SERVER_ERROR", { request: {} as never, response: { statusCode } as never });
    const transient = [
      Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" }),
      Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }),
      makeError("timeout", "TIMEOUT", { operation: "request", reason: "timeout" }),
      serverError(503),
      serverError(429),
      makeError("could not coalesce error", "UNKNOWN_ERROR", { error: { code: -32000, message: "header not found" } }),
    ];
    const permanent = [
      makeError("execution reverted", "CALL_EXCEPTION", {
        action: "call",
        data: "0x4d90ef7a" + "00".repeat(32),
        reason: null,
        transaction: { to: null, data: "0x" },
        invocation: null,
        revert: null,
      }),
      serverError(400),
      makeError("could not coalesce error", "UNKNOWN_ERROR", { error: { code: -32000, message: "insufficient funds for gas" } }),
      new Error("invalid opcode"),
    ];
    for (const error of transient) expect(isTransientError(error), error.message).to.equal(true);
    for (const error of permanent) expect(isTransientError(error), error.message).to.equal(false);
  });
});
