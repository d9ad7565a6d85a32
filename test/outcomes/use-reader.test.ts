/**
 * The follower behind reports' `use` and the feed keeps the importing side's events in memory, read once per head: when
 * the chain goes back (a lower head, or another block at the height it had read), what it kept must go with it.
 */
import { expect } from "chai";
import { ZeroHash } from "ethers";
import { network } from "hardhat";
import { call, issueCredential, recogniseOrigin, startServer, stopServers } from "../server/server-world";

describe("the certificates' use follower, when the chain goes back", function () {
  this.timeout(60_000);
  afterEach(stopServers);

  it("forgets an outcome whose block the chain no longer has, and reads the ones mined in its place", async function () {
    const server = await startServer();
    const uz = await server.agency("UZ", "UZ Customs Committee");
    await recogniseOrigin(server, ["UZ"]);
    const cert = await issueCredential(server.world, "certificateOfOrigin");
    const anchoring = { certHash: cert.certHash, authorityId: server.world.authorities.kzChamber.id, root: ZeroHash };
    const reader = server.deps.useReader!;
    const post = (outcome: string, extra: Record<string, unknown> = {}) =>
      call(server, `/v1/certificates/${cert.certHash}/outcomes`, {
        method: "POST",
        token: uz.token,
        json: { outcome, credential: cert.jws, ...extra },
      });

    const snapshot = (await network.provider.send("evm_snapshot", [])) as string;
    expect((await post("accepted")).status).to.equal(201);
    expect((await reader.read(anchoring)).outcomes.map((o) => o.outcome)).to.deep.equal(["accepted"]);
    expect((await reader.feed({ issuer: "KZ", limit: 10 })).events).to.have.length(1);

    // The chain goes back to before the acceptance: a lower head.
    await network.provider.send("evm_revert", [snapshot]);
    expect((await reader.read(anchoring)).outcomes).to.deep.equal([]);
    expect((await reader.feed({ issuer: "KZ", limit: 10 })).events).to.deep.equal([]);

    // Another block at the same height: a rejection where the acceptance was.
    const again = (await network.provider.send("evm_snapshot", [])) as string;
    expect((await post("rejected", { rejectionReason: "goodsDoNotMatch" })).status).to.equal(201);
    expect((await reader.read(anchoring)).outcomes.map((o) => o.outcome)).to.deep.equal(["rejected"]);

    // Gone back and mined again to the very height the follower had read, before it looked: told apart by the hash.
    await network.provider.send("evm_revert", [again]);
    expect((await post("acknowledged")).status).to.equal(201);
    expect((await reader.read(anchoring)).outcomes.map((o) => o.outcome)).to.deep.equal(["acknowledged"]);
  });
});
