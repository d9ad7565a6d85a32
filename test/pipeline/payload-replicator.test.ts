/**
 * PayloadReplicator between real Helia nodes: KZ's node pins the payloads addressed to KZ that KG's node holds, keeps
 * no copy of the others, refuses a payload that names another certificate, retries one no node serves yet, and keeps
 * serving what it pinned once KG's node is gone. The chain index is stood in for by a list (the seam is one method;
 * the e2e scenario runs the real index).
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { expect } from "chai";
import { generateEncryptionKey } from "../../src/crypto/keys";
import { encryptPayload } from "../../src/crypto/payload-encryption";
import { certHashOf } from "../../src/documents/hashing";
import type { IndexedPayload } from "../../src/index";
import { createHeliaStore, type HeliaStore, type PayloadStore } from "../../src/ipfs";
import { PayloadReplicator } from "../../src/pipeline";
import { rejection, TempDirs, utf8 } from "../ipfs/fixtures";

describe("Payload replicator", function () {
  this.timeout(30_000);
  const dirs = new TempDirs();
  const running: { stop(): Promise<void> }[] = [];

  async function startStore(peers: string[] = []): Promise<HeliaStore> {
    const store = await createHeliaStore({ dataDir: await dirs.make(), timeoutMs: 1_000, peers });
    running.push(store);
    return store;
  }

  afterEach(async function () {
    for (const item of running.splice(0).reverse()) await item.stop().catch(() => undefined);
  });

  after(async function () {
    await dirs.removeAll();
  });

  it("pins at KZ the payloads addressed to KZ, and only those, so they outlive the issuer's node", async function () {
    const kzKey = await generateEncryptionKey();
    const uzKey = await generateEncryptionKey();
    const kg = await startStore();
    const kzNode = await startStore([kg.multiaddrs()[0]]);
    // KZ's node as the replicator sees it, with the pins it asks for recorded (the node itself is real).
    const pins: string[] = [];
    const kz: PayloadStore = {
      add: (bytes, o) => kzNode.add(bytes, o),
      get: (cid, o) => kzNode.get(cid, o),
      pin: async (cid, o) => {
        pins.push(cid);
        await kzNode.pin(cid, o);
      },
      release: (cid) => kzNode.release(cid),
      stop: () => kzNode.stop(),
    };

    const payload = async (text: string, recipients: { party: string; publicJwk: typeof kzKey.publicJwk }[], certHash?: string) => {
      const document = utf8(text);
      const hash = certHash ?? certHashOf(document);
      const { bytes } = await encryptPayload(document, { certHash: hash, contentType: "text/plain", recipients });
      return { certHash: hash, bytes };
    };
    const toKz = await payload("addressed to KZ", [{ party: "KZ", publicJwk: kzKey.publicJwk }]);
    const toUz = await payload("addressed to UZ", [{ party: "UZ", publicJwk: uzKey.publicJwk }]);
    const holderOnly = await payload("for the holder alone", []);
    const misbound = await payload("claims another certificate", [{ party: "KZ", publicJwk: kzKey.publicJwk }]);
    const late = await payload("reaches IPFS late", [{ party: "KZ", publicJwk: kzKey.publicJwk }]);
    const [toKzCid, toUzCid, holderCid, misboundCid] = await kg.addMany([toKz.bytes, toUz.bytes, holderOnly.bytes, misbound.bytes]);
    // The late one's CID is known (as from its anchor event) before any node holds it.
    const lateCid = await (await startStore()).add(late.bytes);
    await running.pop()!.stop();

    const indexed: IndexedPayload[] = [
      { seq: 1, certHash: toKz.certHash, payloadCid: toKzCid, party: "KG" },
      { seq: 2, certHash: toUz.certHash, payloadCid: toUzCid, party: "KG" },
      { seq: 3, certHash: holderOnly.certHash, payloadCid: holderCid, party: "KG" },
      { seq: 4, certHash: certHashOf(utf8("another document")), payloadCid: misboundCid, party: "KG" },
      // KZ's own certificate: its issuer (this server) pinned it already, so it is not even fetched.
      { seq: 5, certHash: certHashOf(utf8("KZ's own")), payloadCid: lateCid, party: "KZ" },
      { seq: 6, certHash: late.certHash, payloadCid: lateCid, party: "KG" },
    ];
    const events: string[] = [];
    const stateFile = path.join(await dirs.make(), "replication.json");
    const options = {
      source: { payloadsAfter: (seq: number, limit: number) => indexed.filter((p) => p.seq > seq).slice(0, limit) },
      payloads: kz,
      parties: () => ["KZ"],
      stateFile,
      fetchTimeoutMs: 1_500,
      retryBaseMs: 100,
      pageSize: 4,
      log: (event: string, details: Record<string, unknown>) => events.push(`${event} ${String(details.cid)}`),
    };
    const replicator = new PayloadReplicator(options);

    await replicator.runOnce();
    expect(pins).to.deep.equal([toKzCid]);
    expect(events).to.include(`refused ${misboundCid}`);
    expect(replicator.stats()).to.include({ cursor: 4, pinned: 1, retrying: 0 });

    // The next page: KZ's own certificate is skipped, the late payload is not on IPFS yet and waits for a retry.
    await replicator.runOnce();
    expect(replicator.stats()).to.include({ cursor: 6, examined: 5, retrying: 1 });
    expect(events).to.include(`retry ${lateCid}`);
    const saved = JSON.parse(await readFile(stateFile, "utf8")) as { cursor: number; retries: { payloadCid: string }[] };
    expect(saved.cursor).to.equal(6);
    expect(saved.retries.map((r) => r.payloadCid)).to.deep.equal([lateCid]);

    // It reaches KG's node: the retry, due after its delay, pins it.
    expect(await kg.add(late.bytes)).to.equal(lateCid);
    // (Retried until it comes: a want cancelled a moment ago may take Helia's bitswap a moment to send again.)
    for (let round = 0; replicator.stats().pinned < 2 && round < 10; round++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      await replicator.runOnce(Date.now() + 60_000);
    }
    expect(pins, events.join("\n")).to.deep.equal([toKzCid, lateCid]);
    expect(replicator.stats()).to.include({ pinned: 2, retrying: 0 });

    // A restart resumes from the saved cursor: nothing is fetched again.
    const restarted = new PayloadReplicator(options);
    await restarted.runOnce();
    expect(restarted.stats()).to.include({ cursor: 6, examined: 0 });

    // KG's node stops: a node that reaches only KZ's still gets both payloads addressed to KZ.
    await kg.stop();
    const tj = await startStore([kzNode.multiaddrs()[0]]);
    expect(certHashOf(await tj.get(toKzCid))).to.equal(certHashOf(toKz.bytes));
    expect(certHashOf(await tj.get(lateCid))).to.equal(certHashOf(late.bytes));
    // What KZ read only for its header (addressed to UZ, or to the holder alone) it did not keep.
    await rejection(tj.get(toUzCid), "IPFS_NOT_FOUND");
    await rejection(tj.get(holderCid), "IPFS_NOT_FOUND");
  });

  it("gives a payload up after its attempts, and caps the payloads waiting for a retry", async function () {
    const kz = await startStore();
    const stateFile = path.join(await dirs.make(), "replication.json");
    const missing = await (await startStore()).add(utf8("nobody serves this"));
    await running.pop()!.stop();
    const indexed: IndexedPayload[] = [1, 2, 3].map((seq) => ({
      seq,
      certHash: certHashOf(utf8(`certificate ${seq}`)),
      payloadCid: missing,
      party: "KG",
    }));
    const gaveUp: string[] = [];
    const replicator = new PayloadReplicator({
      source: { payloadsAfter: (seq, limit) => indexed.filter((p) => p.seq > seq).slice(0, limit) },
      payloads: kz,
      parties: () => ["KZ"],
      stateFile,
      fetchTimeoutMs: 200,
      retryBaseMs: 10,
      maxAttempts: 2,
      maxRetries: 2,
      log: (event, details) => event === "gave-up" && gaveUp.push(`${String(details.certHash)} ${String(details.why)}`),
    });
    await replicator.runOnce();
    expect(replicator.stats()).to.include({ retrying: 2, gaveUp: 1 });
    expect(gaveUp).to.deep.equal([`${indexed[0].certHash} too many payloads waiting`]);
    await replicator.runOnce(Date.now() + 60_000);
    expect(replicator.stats()).to.include({ retrying: 0, gaveUp: 3 });
    expect(gaveUp.slice(1).every((line) => line.endsWith("no node served it"))).to.equal(true);
  });

  it("goes back when the index rolled back with the chain: certificates indexed again under seqs it had passed are examined", async function () {
    const kzKey = await generateEncryptionKey();
    const kg = await startStore();
    const made = await Promise.all(
      ["kept", "lost", "indexed again"].map(async (text) => {
        const document = utf8(text);
        const certHash = certHashOf(document);
        const { bytes } = await encryptPayload(document, {
          certHash,
          contentType: "text/plain",
          recipients: [{ party: "KZ", publicJwk: kzKey.publicJwk }],
        });
        return { certHash, payloadCid: await kg.add(bytes), party: "KG" };
      }),
    );
    const pins: string[] = [];
    const kz: PayloadStore = {
      add: (bytes, o) => kg.add(bytes, o),
      get: (cid, o) => kg.get(cid, o),
      pin: async (cid) => void pins.push(cid),
      release: async () => undefined,
      stop: async () => undefined,
    };
    // The index as a list with its rollbacks: seq 2 is rolled back and seq 2 is given to another certificate.
    let indexed: IndexedPayload[] = [
      { seq: 1, ...made[0] },
      { seq: 2, ...made[1] },
    ];
    let rewinds = { epoch: 0, floor: 0 };
    const replicator = new PayloadReplicator({
      source: {
        payloadsAfter: (seq, limit) => indexed.filter((p) => p.seq > seq).slice(0, limit),
        payloadRewindSince: (epoch) => (rewinds.epoch > epoch ? rewinds : undefined),
      },
      payloads: kz,
      parties: () => ["KZ"],
      stateFile: path.join(await dirs.make(), "replication.json"),
    });
    await replicator.runOnce();
    expect(replicator.stats()).to.include({ cursor: 2, pinned: 2 });

    indexed = [
      { seq: 1, ...made[0] },
      { seq: 2, ...made[2] },
    ];
    rewinds = { epoch: 1, floor: 1 };
    await replicator.runOnce();
    expect(pins).to.deep.equal([made[0].payloadCid, made[1].payloadCid, made[2].payloadCid]);
    expect(replicator.stats()).to.include({ cursor: 2, pinned: 3 });
    // The rollback is remembered: the next round does not go back again.
    await replicator.runOnce();
    expect(replicator.stats()).to.include({ examined: 3 });
  });
});
