/**
 * Party nodes: each party registers the IPFS node the other parties' nodes may exchange payloads with. Who may call
 * `setPartyNode` is in the access-control matrix; this file covers what it stores, emits and refuses.
 */
import { expect } from "chai";
import { KG, KZ, Kind, deployedLedger, loadFixture, pass } from "./fixtures";

const PEER = "12D3KooWQvZ5pBkqUXtzjCRsTkoeJoGQqt1fcq8QSNuUVcy6Wqa1";
const ADDRESS = "/ip4/10.0.0.1/tcp/4001";
const MAX = 256;

describe("Party nodes", function () {
  it("a party has no node until its admin registers one", async function () {
    const { ledger } = await loadFixture(deployedLedger);
    expect(await ledger.partyNode(KG)).to.deep.equal(["", ""]);
  });

  it("a party admin registers its node: the view returns it and PartyNodeSet carries it", async function () {
    const { ledger, kgAdmin } = await loadFixture(deployedLedger);
    await expect(ledger.connect(kgAdmin).setPartyNode(KG, PEER, ADDRESS))
      .to.emit(ledger, "PartyNodeSet")
      .withArgs(KG, PEER, ADDRESS);
    expect(await ledger.partyNode(KG)).to.deep.equal([PEER, ADDRESS]);
    expect(await ledger.partyNode(KZ)).to.deep.equal(["", ""]);
  });

  it("registering again replaces the node, and empty strings withdraw it", async function () {
    const { ledger, kgAdmin } = await loadFixture(deployedLedger);
    await ledger.connect(kgAdmin).setPartyNode(KG, PEER, ADDRESS);
    await ledger.connect(kgAdmin).setPartyNode(KG, "12D3KooWOther", "/dns4/ipfs.example.kg/tcp/4001");
    expect(await ledger.partyNode(KG)).to.deep.equal(["12D3KooWOther", "/dns4/ipfs.example.kg/tcp/4001"]);
    await expect(ledger.connect(kgAdmin).setPartyNode(KG, "", "")).to.emit(ledger, "PartyNodeSet").withArgs(KG, "", "");
    expect(await ledger.partyNode(KG)).to.deep.equal(["", ""]);
  });

  it("a node needs both a peer id and a multiaddr", async function () {
    const { ledger, kgAdmin } = await loadFixture(deployedLedger);
    await expect(ledger.connect(kgAdmin).setPartyNode(KG, "", ADDRESS))
      .to.be.revertedWithCustomError(ledger, "LedgerInvalidPartyNode")
      .withArgs(KG, 0, ADDRESS.length, MAX);
    await expect(ledger.connect(kgAdmin).setPartyNode(KG, PEER, ""))
      .to.be.revertedWithCustomError(ledger, "LedgerInvalidPartyNode")
      .withArgs(KG, PEER.length, 0, MAX);
  });

  it("a peer id or multiaddr longer than 256 bytes is refused, 256 bytes are accepted", async function () {
    const { ledger, kgAdmin } = await loadFixture(deployedLedger);
    await expect(ledger.connect(kgAdmin).setPartyNode(KG, "p".repeat(MAX + 1), ADDRESS))
      .to.be.revertedWithCustomError(ledger, "LedgerInvalidPartyNode")
      .withArgs(KG, MAX + 1, ADDRESS.length, MAX);
    await expect(ledger.connect(kgAdmin).setPartyNode(KG, PEER, "/".repeat(MAX + 1)))
      .to.be.revertedWithCustomError(ledger, "LedgerInvalidPartyNode")
      .withArgs(KG, PEER.length, MAX + 1, MAX);
    await ledger.connect(kgAdmin).setPartyNode(KG, "p".repeat(MAX), "/".repeat(MAX));
    expect(await ledger.partyNode(KG)).to.deep.equal(["p".repeat(MAX), "/".repeat(MAX)]);
  });

  it("a suspended party's node stays registered (servers skip it by the party's status) and it cannot change it", async function () {
    const { ledger, kgAdmin, kzAdmin, uzAdmin } = await loadFixture(deployedLedger);
    await ledger.connect(kgAdmin).setPartyNode(KG, PEER, ADDRESS);
    await pass(ledger, kzAdmin, [uzAdmin], Kind.SuspendParty, KG);
    expect(await ledger.partyNode(KG)).to.deep.equal([PEER, ADDRESS]);
    await expect(ledger.connect(kgAdmin).setPartyNode(KG, "", ""))
      .to.be.revertedWithCustomError(ledger, "LedgerPartyNotActive")
      .withArgs(KG);
  });
});
