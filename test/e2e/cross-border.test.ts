/**
 * Several parties on one machine, as they run across borders (issue #7): `startNetwork` (what `npm run network` runs)
 * with KG and KZ, each its own server process, data folder, keys and Helia node, on one shared anvil chain.
 *
 * KG anchors a credential addressed to KZ; KZ's server verifies it, fetching the encrypted payload over bitswap from
 * KG's node (the only node that holds it) and opening it with KZ's party key; a Helia node the ledger does not
 * register is refused by KG's node and cannot fetch the payload.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { readDeployment } from "../../src/chain/deployment";
import { LedgerClient } from "../../src/chain/ledger-client";
import { connectRpc } from "../../src/chain/provider";
import { buildCredential, type CredentialInputOf } from "../../src/documents/credentials";
import { createHeliaStore, type HeliaStore } from "../../src/ipfs";
import { partyApi, startNetwork, type RunningNetwork } from "../../scripts/network";
import { EXAMPLE_INPUTS } from "../documents/credential-examples";
import { rejection } from "../ipfs/fixtures";
import { eventually } from "./node-process";

interface Check {
  id: string;
  result: string;
  detail: string;
}
interface VerifyAnswer {
  report: { verdict: string; checks: Check[]; certificate?: { payloadCid?: string } };
}

const api = partyApi;

const check = (answer: VerifyAnswer, id: string): Check => answer.report.checks.find((c) => c.id === id)!;

describe("cross-border: each party its own server and IPFS node on one chain", function () {
  this.timeout(180_000);
  let dir: string;
  let network: RunningNetwork | undefined;
  let stranger: HeliaStore | undefined;

  before(async function () {
    dir = await mkdtemp(path.join(os.tmpdir(), "certledger-network-"));
    network = await startNetwork({
      dir,
      parties: ["KG", "KZ"],
      // Cheap keystores: this is a test, and each server unlocks two of them at start.
      scryptN: 1024,
      env: { LOG_LEVEL: "warn", RATE_LIMIT_PER_MINUTE: "1000000", BATCH_MAX_WAIT_MS: "50" },
    });
  });

  after(async function () {
    await stranger?.stop();
    await network?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("KG's certificate addressed to KZ verifies VALID at KZ, its payload fetched from KG's node and opened with KZ's key; an unregistered node gets nothing", async function () {
    const [kg, kz] = network!.parties;

    // Both servers registered their node and their party's encryption key on the ledger at start.
    const deployment = await readDeployment(network!.deploymentFile);
    const provider = connectRpc(network!.rpcUrl, { chainId: deployment.chainId });
    const client = LedgerClient.connect({ deployment, provider });
    try {
      const kgNode = await client.partyNode("KG");
      const kzNode = await client.partyNode("KZ");
      expect(kgNode?.peerId).to.match(/^12D3KooW/);
      expect(kzNode?.peerId)
        .to.match(/^12D3KooW/)
        .and.not.equal(kgNode?.peerId);
      expect((await client.getParty("KZ"))?.encryptionKeyThumbprint).to.match(/^0x[0-9a-f]{64}$/);

      // 1. KG's certification body anchors a conformity certificate addressed to KZ (KG's server fetches KZ's public key
      //    from KZ's node, by the CID KZ registered).
      const input = {
        ...EXAMPLE_INPUTS.conformityCertificate,
        issuer: { party: "KG", authorityId: kg.authorityId, name: "KG certification body" },
        certificateNumber: `KG-XB-${Date.now()}`,
        validFrom: new Date().toISOString(),
        validUntil: new Date(Date.now() + 90 * 86_400_000).toISOString(),
      } as CredentialInputOf<"conformityCertificate">;
      const submitted = await api(kg, "/v1/certificates", {
        method: "POST",
        token: kg.issuerToken,
        json: { credential: buildCredential(input), recipients: ["KZ"] },
      });
      expect(submitted.status, submitted.text).to.equal(202);
      const { certHash } = submitted.body as { certHash: string };
      await eventually(
        "KG anchored the certificate",
        async () => {
          const status = await api(kg, `/v1/certificates/${certHash}`);
          return (status.body as { anchoring?: string }).anchoring === "anchored";
        },
        30_000,
      );

      // 2. At the KZ border: KZ's server verifies it. The payload check needs the payload, which only KG's node holds.
      let publicAnswer: VerifyAnswer | undefined;
      await eventually(
        "KZ's server sees the certificate",
        async () => {
          const answer = await api(kz, `/v1/verify/${certHash}?forParty=KZ`);
          publicAnswer = answer.body as VerifyAnswer;
          return answer.status === 200 && publicAnswer.report.verdict !== "NOT_FOUND";
        },
        30_000,
      );
      expect(publicAnswer!.report.verdict, JSON.stringify(publicAnswer!.report.checks)).to.equal("VALID");
      expect(check(publicAnswer!, "recognition").result).to.equal("pass");
      const payloadCheck = check(publicAnswer!, "payload");
      expect(payloadCheck.result, payloadCheck.detail).to.equal("pass");
      expect(payloadCheck.detail).to.contain("matches its CID and is bound to this certificate");

      // 3. KZ's party admin verifies it too: KZ's server opens the payload with KZ's party key.
      const asKz = (await api(kz, `/v1/verify/${certHash}?forParty=KZ`, { token: kz.adminToken })).body as VerifyAnswer;
      expect(asKz.report.verdict).to.equal("VALID");
      expect(check(asKz, "payload")).to.deep.include({ result: "pass" });
      expect(check(asKz, "payload").detail).to.contain("decrypts to exactly the anchored document");
      // With the credential open, KZ's server reads the status lists it names from KG's server (did:web host) and finds
      // them agreeing with the ledger; once KG revokes it, KG's revocation list says so at KZ too.
      const listCheck = check(asKz, "statusList");
      expect(listCheck.result, listCheck.detail).to.equal("pass");
      expect(listCheck.detail).to.contain("revocation bit clear");
      const revoked = await api(kg, `/v1/certificates/${certHash}/revoke`, {
        method: "POST",
        token: kg.issuerToken,
        json: { reason: "superseded" },
      });
      expect(revoked.status, revoked.text).to.equal(200);
      await eventually(
        "KZ's server reads KG's revocation list with the bit set",
        async () => {
          const answer = (await api(kz, `/v1/verify/${certHash}?forParty=KZ`, { token: kz.adminToken })).body as VerifyAnswer;
          const c = check(answer, "statusList");
          return answer.report.verdict === "REVOKED" && c?.result === "pass" && c.detail.includes("revocation bit set");
        },
        30_000,
      );

      // KG's own admin holds no key the payload was addressed to (only KZ's): the payload stays closed to it.
      const asKg = (await api(kg, `/v1/verify/${certHash}`, { token: kg.adminToken })).body as VerifyAnswer;
      expect(check(asKg, "payload").result).to.equal("warn");
      expect(check(asKg, "payload").detail).to.contain("does not open it");

      // 4. A node the ledger does not register: KG's node refuses it, so the payload stays out of its reach.
      const payloadCid = publicAnswer!.report.certificate!.payloadCid!;
      stranger = await createHeliaStore({ dataDir: path.join(dir, "stranger"), timeoutMs: 2_000 });
      const kgAddress = `${kgNode!.multiaddr}/p2p/${kgNode!.peerId}`;
      await stranger.connect(kgAddress).catch(() => undefined);
      await rejection(stranger.get(payloadCid), "IPFS_NOT_FOUND");
      expect(stranger.connectedPeers()).to.not.include(kgNode!.peerId);
    } finally {
      provider.destroy();
    }
  });
});
