import { expect } from "chai";
import { ethers } from "hardhat";
import { generateSigningKey } from "../../src/crypto/keys";
import { authorityView, ledgerWrite } from "../../server/schemas";
import { time } from "../contracts/fixtures";
import { expectNoServerError, expectProblem } from "./expect-problem";
import { call, DAY, startServer, stopPayloadStore, stopServers } from "./server-world";

describe("API: party administration", function () {
  this.timeout(120_000);
  afterEach(stopServers);
  after(stopPayloadStore);

  it("a party admin registers an authority of its own party, changes, suspends and reactivates it", async function () {
    const server = await startServer();
    const token = await server.adminToken("UZ");
    const account = ethers.Wallet.createRandom().address;
    const validUntil = Number(BigInt(await time.latest()) + 365n * DAY);
    const registered = await call(server, "/v1/authorities", {
      method: "POST",
      token,
      json: { name: "UZ test laboratory", accounts: [account], scope: ["testReport", 1], validUntil },
    });
    expect(registered.status, registered.text).to.equal(201);
    const { authorityId } = ledgerWrite.parse(registered.body);

    const read = authorityView.parse((await call(server, `/v1/authorities/${authorityId}`)).body);
    expect(read).to.deep.include({ party: "UZ", name: "UZ test laboratory", status: "Active", scope: [1, 2], accounts: [account] });

    const updated = await call(server, `/v1/authorities/${authorityId}`, {
      method: "PUT",
      token,
      json: { scope: ["testReport"], validFrom: Number(await time.latest()), validUntil },
    });
    expect(updated.status, updated.text).to.equal(200);
    expect((await server.world.client.getAuthority(authorityId!))?.scope).to.equal(1n << 2n);

    expect((await call(server, `/v1/authorities/${authorityId}/suspend`, { method: "POST", token })).status).to.equal(200);
    expect((await server.world.client.getAuthority(authorityId!))?.status).to.equal("Suspended");
    expectProblem(await call(server, `/v1/authorities/${authorityId}/suspend`, { method: "POST", token }), 422, "AUTHORITY_NOT_ACTIVE");
    expect((await call(server, `/v1/authorities/${authorityId}/reactivate`, { method: "POST", token })).status).to.equal(200);
    expectProblem(
      await call(server, `/v1/authorities/${authorityId}/reactivate`, { method: "POST", token }),
      409,
      "AUTHORITY_ALREADY_ACTIVE",
    );

    const second = ethers.Wallet.createRandom().address;
    expect(
      (await call(server, `/v1/authorities/${authorityId}/accounts`, { method: "POST", token, json: { account: second } })).status,
    ).to.equal(200);
    expect((await call(server, `/v1/authorities/${authorityId}/accounts/${account}`, { method: "DELETE", token })).status).to.equal(200);
    expect(await server.world.client.authorityAccounts(authorityId!)).to.deep.equal([second]);
  });

  it("a party admin cannot manage another party's authority (403 NOT_A_PARTY_ADMIN), and nothing changes", async function () {
    const server = await startServer();
    const { kgBody } = server.world.authorities;
    const token = await server.adminToken("KZ");
    const before = await ethers.provider.getBlockNumber();
    expectProblem(await call(server, `/v1/authorities/${kgBody.id}/suspend`, { method: "POST", token }), 403, "NOT_A_PARTY_ADMIN");
    const now = Number(await time.latest());
    expectProblem(
      await call(server, `/v1/authorities/${kgBody.id}`, {
        method: "PUT",
        token,
        json: { scope: [1], validFrom: now, validUntil: now + 1000 },
      }),
      403,
      "NOT_A_PARTY_ADMIN",
    );
    expect(await ethers.provider.getBlockNumber()).to.equal(before);
    expect((await server.world.client.getAuthority(kgBody.id))?.status).to.equal("Active");
  });

  it("an authority registers, rotates and compromises its own keys; its party admin may too; others may not", async function () {
    const server = await startServer();
    const { kgBody, kzChamber } = server.world.authorities;
    const issuer = await server.issuerToken(kgBody.id);
    const validUntil = Number(BigInt(await time.latest()) + 300n * DAY);
    const first = await generateSigningKey();
    const added = await call(server, `/v1/authorities/${kgBody.id}/keys`, {
      method: "POST",
      token: issuer,
      json: { jwk: first.publicJwk, validUntil },
    });
    expect(added.status, added.text).to.equal(201);
    expect(added.body.thumbprint).to.equal(first.thumbprint);
    expectProblem(
      await call(server, `/v1/authorities/${kgBody.id}/keys`, {
        method: "POST",
        token: issuer,
        json: { thumbprint: first.kid, validUntil },
      }),
      409,
      "KEY_ALREADY_REGISTERED",
    );

    const second = await generateSigningKey();
    const rotated = await call(server, `/v1/authorities/${kgBody.id}/keys/rotate`, {
      method: "POST",
      token: await server.adminToken("KG"),
      json: { oldThumbprint: first.thumbprint, thumbprint: second.thumbprint, validUntil },
    });
    expect(rotated.status, rotated.text).to.equal(200);

    const compromised = await call(server, `/v1/authorities/${kgBody.id}/keys/compromise`, {
      method: "POST",
      token: issuer,
      json: { thumbprint: second.kid },
    });
    expect(compromised.status, compromised.text).to.equal(200);
    expect((await server.world.client.getSigningKey(kgBody.id, second.thumbprint))?.compromisedAt).to.be.a("bigint");

    expectProblem(
      await call(server, `/v1/authorities/${kgBody.id}/keys`, {
        method: "POST",
        token: await server.issuerToken(kzChamber.id),
        json: { jwk: (await generateSigningKey()).publicJwk, validUntil },
      }),
      403,
      "FORBIDDEN",
    );
    expectProblem(
      await call(server, `/v1/authorities/${kzChamber.id}/keys/compromise`, {
        method: "POST",
        token: issuer,
        json: { thumbprint: kzChamber.key.thumbprint },
      }),
      403,
      "FORBIDDEN",
    );
    expectProblem(
      await call(server, `/v1/authorities/${kgBody.id}/keys/compromise`, {
        method: "POST",
        token: issuer,
        json: { thumbprint: kzChamber.key.thumbprint },
      }),
      404,
      "KEY_NOT_FOUND",
    );
    expect(await server.world.client.getSigningKey(kzChamber.id, kzChamber.key.thumbprint)).to.include({ compromisedAt: undefined });
    expectProblem(
      await call(server, `/v1/authorities/${kgBody.id}/keys/compromise`, {
        method: "POST",
        token: issuer,
        json: { thumbprint: kgBody.key.thumbprint, compromisedAt: Number(await time.latest()) + 86_400 },
      }),
      422,
      "INVALID_COMPROMISE_TIME",
    );
  });

  it("a party admin sets recognition for its own party only", async function () {
    const server = await startServer();
    const token = await server.adminToken("UZ");
    const set = await call(server, "/v1/recognition", {
      method: "PUT",
      token,
      json: { issuer: "KG", types: ["conformityCertificate", 2] },
    });
    expect(set.status, set.text).to.equal(200);
    expect(await server.world.client.recognises("UZ", server.world.authorities.kgBody.id, 2)).to.equal(true);
    const byAuthority = await call(server, "/v1/recognition", {
      method: "PUT",
      token,
      json: { authorityId: server.world.authorities.kzChamber.id, types: [3] },
    });
    expect(byAuthority.status).to.equal(200);
    expect(await server.world.client.recognises("UZ", server.world.authorities.kzChamber.id, 3)).to.equal(true);
    expectProblem(
      await call(server, "/v1/recognition", { method: "PUT", token, json: { issuer: "UZ", types: [1] } }),
      422,
      "SELF_RECOGNITION",
    );
  });

  it("refuses malformed administration requests with 4xx problems", async function () {
    const server = await startServer();
    const token = await server.adminToken("KG");
    const validUntil = Number(BigInt(await time.latest()) + 30n * DAY);
    const before = await ethers.provider.getBlockNumber();
    const cases = [
      [
        await call(server, "/v1/authorities", { method: "POST", token, json: { name: "", accounts: [], scope: [], validUntil } }),
        400,
        "INVALID_REQUEST",
      ],
      [
        await call(server, "/v1/authorities", { method: "POST", token, json: { name: "X", accounts: ["0x12"], scope: [1], validUntil } }),
        400,
        "INVALID_REQUEST",
      ],
      [
        await call(server, "/v1/authorities", {
          method: "POST",
          token,
          json: { name: "X", accounts: [ethers.ZeroAddress], scope: [1], validUntil },
        }),
        400,
        "ZERO_ADDRESS",
      ],
      [
        await call(server, "/v1/authorities", {
          method: "POST",
          token,
          json: { name: "X", accounts: [ethers.Wallet.createRandom().address], scope: [99], validUntil },
        }),
        400,
        "INVALID_CERTIFICATE_TYPE",
      ],
      [
        await call(server, "/v1/authorities", {
          method: "POST",
          token,
          json: { name: "X", accounts: [ethers.Wallet.createRandom().address], scope: [1], validUntil: 5 },
        }),
        422,
        "INVALID_VALIDITY_PERIOD",
      ],
      [await call(server, "/v1/authorities/0", {}), 400, "INVALID_REQUEST"],
      [await call(server, "/v1/authorities/99999999999", {}), 400, "INVALID_REQUEST"],
      [await call(server, "/v1/authorities/77", {}), 404, "AUTHORITY_NOT_FOUND"],
      [await call(server, "/v1/authorities/77/suspend", { method: "POST", token }), 404, "AUTHORITY_NOT_FOUND"],
      [
        await call(server, "/v1/authorities/1/keys", {
          method: "POST",
          token,
          json: { jwk: { kty: "EC", crv: "P-256", x: "AA", y: "BB" }, validUntil },
        }),
        400,
        "INVALID_KEY",
      ],
      [
        await call(server, "/v1/authorities/1/keys", { method: "POST", token, json: { thumbprint: "0x" + "00".repeat(32), validUntil } }),
        400,
        "ZERO_KEY_THUMBPRINT",
      ],
      [
        await call(server, "/v1/recognition", { method: "PUT", token, json: { issuer: "KZ", authorityId: 1, types: [] } }),
        400,
        "INVALID_REQUEST",
      ],
      [await call(server, "/v1/recognition", { method: "PUT", token, json: { issuer: "TJ", types: [1] } }), 404, "PARTY_NOT_FOUND"],
    ] as const;
    for (const [answer, status, code] of cases) {
      expectNoServerError(answer);
      expectProblem(answer, status, code);
    }
    expect(await ethers.provider.getBlockNumber()).to.equal(before);
  });
});
