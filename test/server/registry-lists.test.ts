import { expect } from "chai";
import { expectProblem } from "./expect-problem";
import { call, eventually, startServer, stopPayloadStore, stopServers } from "./server-world";

describe("API: the registry lists the console picks from", function () {
  this.timeout(60_000);
  after(async function () {
    await stopServers();
    await stopPayloadStore();
  });

  it("lists the parties, a party's authorities, an authority's keys and a party's recognition decisions; a bad query is a 400", async function () {
    const server = await startServer();
    const { authorities } = server.world;

    const parties = await call(server, "/v1/parties");
    expect(parties.status, parties.text).to.equal(200);
    expect(parties.body.parties).to.deep.include.members([
      { code: "KG", status: "Active", encryptionKey: false },
      { code: "KZ", status: "Active", encryptionKey: true },
    ]);

    // The lists come from the chain index, which follows the ledger a poll behind.
    const kg = await eventually(async () => {
      const answer = await call(server, "/v1/authorities?party=KG");
      const list = answer.body.authorities as { id: number; name: string; party: string; scope: number[] }[];
      return list.length === 2 && list;
    }, "the index knows KG's authorities");
    expect(kg.map((a) => [a.id, a.name, a.party])).to.deep.equal([
      [authorities.kgBody.id, "KG certification body", "KG"],
      [authorities.kgPlant.id, "KG plant protection", "KG"],
    ]);
    expect(kg[0].scope).to.deep.equal([1, 2]);

    const keys = await call(server, `/v1/authorities/${authorities.kgBody.id}/keys`);
    expect(keys.status, keys.text).to.equal(200);
    expect(
      (keys.body.keys as { thumbprint: string; alg: string; compromisedAt?: string }[]).map((k) => [k.thumbprint, k.alg, k.compromisedAt]),
    ).to.deep.equal([[authorities.kgBody.key.thumbprint, "ES256", undefined]]);

    const recognition = await call(server, "/v1/recognition?importer=KZ");
    expect(recognition.status, recognition.text).to.equal(200);
    expect((recognition.body.decisions as { issuer?: string; types: number[] }[]).map((d) => [d.issuer, d.types])).to.deep.equal([
      ["KG", [1]],
    ]);

    expect(expectProblem(await call(server, "/v1/recognition?importer=kz"), 400, "INVALID_REQUEST").detail).to.match(/^query\.importer: /);
    expectProblem(await call(server, "/v1/authorities?party=KG&x=1"), 400, "INVALID_REQUEST");
  });
});
