import { expect } from "chai";
import { ethers } from "hardhat";
import { makeError } from "ethers";
import { LEDGER_ERROR_CODES, decodeLedgerRevert, toCertLedgerError } from "../../src/chain/errors";
import { LedgerClient } from "../../src/chain/ledger-client";
import { CertLedgerError, isCertLedgerError } from "../../src/errors";
import {
  CertificateLedger__factory,
  ICertificateLedger__factory,
  CertificateOutcomes__factory,
  OriginRegistry__factory,
} from "../../typechain-types";
import { CertType, loadFixture, randomHash, withCertificate } from "../contracts/fixtures";

/** The CertLedgerError `promise` rejects with. */
async function refusal(promise: Promise<unknown>): Promise<CertLedgerError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, "expected a CertLedgerError").to.be.instanceOf(CertLedgerError);
  return error as CertLedgerError;
}

describe("Decoded ledger errors", function () {
  async function clients() {
    const base = await loadFixture(withCertificate);
    const connect = (signer: (typeof base)["kgBody"]) =>
      LedgerClient.connect({ deployment: base.deployment, provider: ethers.provider, signer, pollIntervalMs: 20 });
    return { ...base, connect };
  }

  it("every custom error in the ledger's, the outcomes contract's and the origin registry's ABIs has a code, and the table names no error they lack", function () {
    const errorNames = (abi: readonly { type: string; name?: string }[]) => abi.filter((e) => e.type === "error").map((e) => e.name!);
    const outcomes = [...errorNames(CertificateOutcomes__factory.abi), ...errorNames(OriginRegistry__factory.abi)];
    expect(outcomes.length).to.be.greaterThan(35);
    for (const abi of [ICertificateLedger__factory.abi, CertificateLedger__factory.abi]) {
      const names = [...errorNames(abi), ...outcomes];
      expect(names.length).to.be.greaterThan(65);
      for (const name of names) expect(LEDGER_ERROR_CODES, name).to.have.property(name);
      expect(Object.keys(LEDGER_ERROR_CODES).sort()).to.deep.equal([...names].sort());
    }
  });

  it("a type outside the authority's scope is AUTHORITY_NOT_IN_SCOPE with the authority and the type", async function () {
    const { connect, kgLab, ids, validUntil } = await clients();
    const error = await refusal(
      connect(kgLab).anchorCertificate({ certHash: randomHash(), certType: CertType.Conformity, validUntil, numberHash: randomHash() }),
    );
    expect(error.code).to.equal("AUTHORITY_NOT_IN_SCOPE");
    expect(error.details).to.deep.equal({ error: "LedgerTypeNotInScope", args: { authorityId: ids.kgLab, certType: CertType.Conformity } });
    expect(error.message).to.match(/anchorCertificate: the ledger refused: LedgerTypeNotInScope\(authorityId=2, certType=1\)/);
  });

  it("anchoring a hash twice is CERT_ALREADY_ANCHORED with the hash", async function () {
    const { connect, kgBody, certHash, numberHash, validUntil } = await clients();
    const error = await refusal(connect(kgBody).anchorCertificate({ certHash, certType: CertType.Conformity, validUntil, numberHash }));
    expect(error.code).to.equal("CERT_ALREADY_ANCHORED");
    expect(error.details).to.deep.equal({ error: "LedgerCertificateAlreadyAnchored", args: { certHash } });
  });

  it("suspending an unknown certificate is CERT_NOT_FOUND with the hash", async function () {
    const { connect, kgBody } = await clients();
    const unknown = randomHash();
    const error = await refusal(connect(kgBody).suspendCertificate(unknown));
    expect(error.code).to.equal("CERT_NOT_FOUND");
    expect(error.details).to.deep.equal({ error: "LedgerUnknownCertificate", args: { certHash: unknown } });
  });

  it("another party's authority suspending the certificate is NOT_CERTIFICATE_MANAGER with the account and the authority", async function () {
    const { connect, kzChamber, certHash, ids } = await clients();
    const error = await refusal(connect(kzChamber).suspendCertificate(certHash));
    expect(error.code).to.equal("NOT_CERTIFICATE_MANAGER");
    expect(error.details).to.deep.equal({
      error: "LedgerNotAuthorityOrPartyAdmin",
      args: { account: kzChamber.address, authorityId: ids.kgBody },
    });
  });

  it("an account that is no authority anchoring is NOT_AN_AUTHORITY with the caller", async function () {
    const { connect, outsider, validUntil } = await clients();
    const error = await refusal(
      connect(outsider).anchorCertificate({ certHash: randomHash(), certType: CertType.Conformity, validUntil, numberHash: randomHash() }),
    );
    expect(error.code).to.equal("NOT_AN_AUTHORITY");
    expect(error.details).to.deep.equal({ error: "LedgerNotAuthority", args: { caller: outsider.address } });
  });

  it("a revocation back-dated before issuance is INVALID_REVOCATION_TIME with the three times as decimal strings", async function () {
    const { connect, kgBody, certHash, issuedAt } = await clients();
    const client = connect(kgBody);
    const error = await refusal(client.revokeCertificate({ certHash, reason: 1, effectiveAt: issuedAt - 1n }));
    expect(error.code).to.equal("INVALID_REVOCATION_TIME");
    const args = (error.details as { args: Record<string, string> }).args;
    expect(args.effectiveAt).to.equal((issuedAt - 1n).toString());
    expect(args.issuedAt).to.equal(issuedAt.toString());
    expect(BigInt(args.nowTime)).to.be.greaterThanOrEqual(issuedAt);
    // The refusal spent nothing: the same client revokes properly right after.
    await client.revokeCertificate({ certHash, reason: 1, effectiveAt: issuedAt });
    expect((await client.getCertificate(certHash))?.status).to.equal("Revoked");
  });

  it("enum and party-code arguments come back by name", async function () {
    const { connect, kgBody, kzAdmin, certHash } = await clients();
    const client = connect(kgBody);
    await client.suspendCertificate(certHash);
    const twice = await refusal(client.suspendCertificate(certHash));
    expect(twice.code).to.equal("INVALID_STATUS_CHANGE");
    expect(twice.details).to.deep.equal({ error: "LedgerInvalidStatusChange", args: { certHash, status: "Suspended" } });
    const foreign = await refusal(connect(kzAdmin).setPartyRecognition({ importer: "KG", issuer: "KZ", types: 2n }));
    expect(foreign.code).to.equal("NOT_A_PARTY_ADMIN");
    expect(foreign.details).to.deep.equal({ error: "LedgerNotPartyAdmin", args: { account: kzAdmin.address, party: "KG" } });
  });

  it("the details of a decoded error survive JSON, for a problem+json body", async function () {
    const { connect, kgBody, certHash, issuedAt } = await clients();
    const error = await refusal(connect(kgBody).revokeCertificate({ certHash, reason: 7, effectiveAt: issuedAt }));
    expect(error.code).to.equal("INVALID_REVOCATION_REASON");
    expect(JSON.parse(JSON.stringify(error.details))).to.deep.equal({ error: "LedgerInvalidRevocationReason", args: { reason: 7 } });
  });

  it("a write without a signer is NO_SIGNER and a malformed argument is INVALID_CHAIN_ARGUMENT, before anything is sent", async function () {
    const { deployment, kgBody } = await clients();
    const reader = LedgerClient.connect({ deployment, provider: ethers.provider });
    expect((await refusal(reader.suspendCertificate(randomHash()))).code).to.equal("NO_SIGNER");
    const writer = reader.withSigner(kgBody);
    const bad = await refusal(writer.suspendCertificate("0x1234"));
    expect(bad.code).to.equal("INVALID_CHAIN_ARGUMENT");
    expect(bad.message).to.match(/certHash/);
    const cid = await refusal(
      writer.anchorCertificate({ certHash: randomHash(), certType: 1, validUntil: 1n, numberHash: randomHash(), payloadCid: "bafkqaaa" }),
    );
    expect(cid.code).to.equal("INVALID_CHAIN_ARGUMENT");
    expect(cid.message).to.match(/payloadCid/);
  });

  it("a transaction that fails on chain is explained by replaying it", async function () {
    const { connect, kgBody, kgAdmin, ledger, certHash } = await clients();
    const client = connect(kgBody);
    await ethers.provider.send("evm_setAutomine", [false]);
    try {
      // Both suspensions pass their estimate against the same state; the party admin's, paying more, is mined first.
      const pending = client.suspendCertificate(certHash).catch((e: unknown) => e);
      const nonce = await ethers.provider.getTransactionCount(kgBody.address);
      while ((await ethers.provider.getTransactionCount(kgBody.address, "pending")) === nonce) await new Promise((r) => setTimeout(r, 10));
      const fee = { maxPriorityFeePerGas: ethers.parseUnits("50", "gwei"), maxFeePerGas: ethers.parseUnits("100", "gwei") };
      await ledger.connect(kgAdmin).suspendCertificate(certHash, { gasLimit: 200_000, ...fee });
      await ethers.provider.send("evm_mine", []);
      const error = (await pending) as CertLedgerError;
      const block = await ethers.provider.getBlock("latest", true);
      const mine = block!.prefetchedTransactions.find((tx) => tx.from === kgBody.address)!;
      expect((await ethers.provider.getTransactionReceipt(mine.hash))?.status).to.equal(0);
      expect(isCertLedgerError(error, "INVALID_STATUS_CHANGE"), String(error)).to.equal(true);
      expect(error.details).to.deep.equal({ error: "LedgerInvalidStatusChange", args: { certHash, status: "Suspended" } });
    } finally {
      await ethers.provider.send("evm_setAutomine", [true]);
    }
  });

  it("a revert without data is TX_FAILED, data the ledger does not declare is TX_FAILED, and a network failure is CHAIN_UNAVAILABLE", function () {
    const revert = (data: string) =>
      makeError("execution reverted", "CALL_EXCEPTION", {
        action: "estimateGas",
        data,
        reason: null,
        transaction: { to: null, data: "0x4d90ef7a" },
        invocation: null,
        revert: null,
      });
    expect(toCertLedgerError(revert("0x"), "suspendCertificate").code).to.equal("TX_FAILED");
    const undeclared = toCertLedgerError(revert("0xdeadbeef" + "00".repeat(32)), "suspendCertificate");
    expect(undeclared.code).to.equal("TX_FAILED");
    expect(undeclared.details).to.deep.equal({ data: "0xdeadbeef" + "00".repeat(32) });
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:8545"), { code: "ECONNREFUSED" });
    const unavailable = toCertLedgerError(refused, "getCertificate");
    expect(unavailable.code).to.equal("CHAIN_UNAVAILABLE");
    expect(unavailable.cause).to.equal(refused);
    expect(toCertLedgerError(makeError("request timeout", "TIMEOUT", { operation: "x", reason: "timeout" }), "x").code).to.equal(
      "CHAIN_UNAVAILABLE",
    );
  });

  it("revert data nested the way a JSON-RPC node nests it is decoded too", function () {
    const certHash = randomHash();
    const data = ICertificateLedger__factory.createInterface().encodeErrorResult("LedgerUnknownCertificate", [certHash]);
    const nested = makeError("could not coalesce error", "UNKNOWN_ERROR", {
      error: { code: -32603, message: "VM Exception", data: { message: "VM Exception", data } },
    });
    const error = toCertLedgerError(nested, "suspendCertificate");
    expect(error.code).to.equal("CERT_NOT_FOUND");
    expect(decodeLedgerRevert(data)).to.deep.equal({ name: "LedgerUnknownCertificate", code: "CERT_NOT_FOUND", args: { certHash } });
    expect(decodeLedgerRevert("0x08c379a0")).to.equal(undefined);
  });
});
