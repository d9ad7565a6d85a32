/**
 * Issue #11's property, end to end through the index and the verifier: whatever several parties' authorities do in
 * any order — anchor the same hashes directly or in batches (their own, or copies of others'), and try status changes
 * on their own anchorings and on others' — a certificate is its earliest anchoring, its verdict, issuer and status
 * follow only its own authority's changes, and its issuer can always still revoke it.
 */
import { expect } from "chai";
import fc from "fast-check";
import { ZeroHash } from "ethers";
import { CERTIFICATE_TYPES } from "../../src/documents/certificate-types";
import { cidToBytes } from "../../src/ipfs/cid";
import { buildBatch, encodeBatchManifest, type BatchMember } from "../../src/merkle/batch";
import { verifierEvents } from "../../src/index";
import { Verifier } from "../../src/verify";
import { CertificateLedger__factory } from "../../typechain-types";
import { loadFixture, randomHash, time } from "../contracts/fixtures";
import { openIndex, removeIndexFolders } from "../index/index-world";
import { DAY, payloadStore, stopPayloadStore, verifierWorld, type Authority, type World } from "../verify/world";

const ACTORS = ["kgBody", "kzChamber", "uzChamber"] as const;
type Actor = (typeof ACTORS)[number];
const TYPE_OF: Record<Actor, number> = {
  kgBody: CERTIFICATE_TYPES.conformityCertificate,
  kzChamber: CERTIFICATE_TYPES.certificateOfOrigin,
  uzChamber: CERTIFICATE_TYPES.certificateOfOrigin,
};
const HASHES = 4;

type Op =
  | { kind: "direct"; actor: Actor; hash: number }
  | { kind: "batch"; actor: Actor; hashes: number[] }
  | { kind: "change"; actor: Actor; hash: number; action: "suspend" | "reinstate" | "revoke" }
  /** Anchors the root (and manifest) of an earlier batch, as a front-runner would: it must prove nothing. */
  | { kind: "copy"; actor: Actor; batch: number };

type Status = "Active" | "Suspended" | "Revoked";

/** One anchoring as the model keeps it: whose it is, how the ledger addresses it, and its status. */
interface Anchoring {
  actor: Actor;
  member?: BatchMember;
  status: Status;
}

const actor = fc.constantFrom(...ACTORS);
const hash = fc.integer({ min: 0, max: HASHES - 1 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("direct" as const), actor, hash }),
  fc.record({ kind: fc.constant("batch" as const), actor, hashes: fc.uniqueArray(hash, { minLength: 1, maxLength: 3 }) }),
  fc.record({
    kind: fc.constant("change" as const),
    actor,
    hash,
    action: fc.constantFrom("suspend" as const, "reinstate" as const, "revoke" as const),
  }),
  fc.record({ kind: fc.constant("copy" as const), actor, batch: fc.nat({ max: 3 }) }),
);

/** The batches anchored so far, for copies. */
type Batches = { actor: Actor; root: string; leafCount: number; manifestCid: Uint8Array }[];

const NEXT: Record<"suspend" | "reinstate" | "revoke", { from: Status[]; to: Status }> = {
  suspend: { from: ["Active"], to: "Suspended" },
  reinstate: { from: ["Suspended"], to: "Active" },
  revoke: { from: ["Active", "Suspended"], to: "Revoked" },
};

/** Runs `op`; returns whether the ledger accepted it. */
async function run(world: World, certHashes: string[], anchorings: Map<number, Anchoring[]>, batches: Batches, step: Op): Promise<boolean> {
  const authority: Authority = world.authorities[step.actor];
  const client = world.client.withSigner(authority.account);
  const validUntil = BigInt(await time.latest()) + 90n * DAY;
  const attempt = async (write: () => Promise<unknown>) =>
    write().then(
      () => true,
      () => false,
    );
  if (step.kind === "direct") {
    return attempt(() =>
      client.anchorCertificate({ certHash: certHashes[step.hash], certType: TYPE_OF[step.actor], validUntil, numberHash: randomHash() }),
    );
  }
  if (step.kind === "batch") {
    const batch = buildBatch(
      authority.id,
      TYPE_OF[step.actor],
      step.hashes.map((h) => ({ certHash: certHashes[h], numberHash: randomHash(), validUntil })),
    );
    const manifestCid = cidToBytes(await (await payloadStore()).add(encodeBatchManifest(batch.manifest)));
    const ok = await attempt(() =>
      client.anchorBatch({ root: batch.root, certType: batch.certType, leafCount: batch.leafCount, manifestCid }),
    );
    if (ok) for (const h of step.hashes) push(anchorings, h, { actor: step.actor, member: batch.member(certHashes[h]), status: "Active" });
    if (ok) batches.push({ actor: step.actor, root: batch.root, leafCount: batch.leafCount, manifestCid });
    return ok;
  }
  if (step.kind === "copy") {
    const original = batches[step.batch % Math.max(1, batches.length)];
    if (!original) return false;
    const { root, leafCount, manifestCid } = original;
    return attempt(() => client.anchorBatch({ root, certType: TYPE_OF[step.actor], leafCount, manifestCid }));
  }
  // A change: of the actor's own anchoring of the hash when it has one, else (hostile) of the certificate's.
  const list = anchorings.get(step.hash) ?? [];
  const target = list.find((a) => a.actor === step.actor) ?? list[0];
  if (!target) return attempt(() => client.suspendCertificate(certHashes[step.hash]));
  const certHash = certHashes[step.hash];
  const effectiveAt = BigInt(await time.latest());
  const revocation = { reason: 1, effectiveAt };
  return attempt(() => {
    const m = target.member;
    if (step.action === "suspend") return m ? client.suspendBatchedCertificate(m) : client.suspendCertificate(certHash);
    if (step.action === "reinstate") return m ? client.reinstateBatchedCertificate(m) : client.reinstateCertificate(certHash);
    return m ? client.revokeBatchedCertificate(m, revocation) : client.revokeCertificate({ ...revocation, certHash });
  });
}

function push(anchorings: Map<number, Anchoring[]>, h: number, anchoring: Anchoring): void {
  anchorings.set(h, [...(anchorings.get(h) ?? []), anchoring]);
}

describe("Adversarial property: no authority changes another party's certificate", function () {
  this.timeout(600_000);
  after(stopPayloadStore);
  after(removeIndexFolders);

  it("random anchors, copies and status changes by three parties' authorities leave each certificate to its earliest anchoring's issuer", async function () {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 4, maxLength: 14 }), async (ops) => {
        const world = await loadFixture(verifierWorld);
        const certHashes = Array.from({ length: HASHES }, () => randomHash().toLowerCase());
        const anchorings = new Map<number, Anchoring[]>();
        const batches: Batches = [];
        const heldRoots = new Set<string>();
        for (const step of ops) {
          const copied = step.kind === "copy" ? batches[step.batch % Math.max(1, batches.length)] : undefined;
          const heldAlready = copied !== undefined && heldRoots.has(`${copied.root}|${step.actor}`);
          const accepted = await run(world, certHashes, anchorings, batches, step);
          if (step.kind === "copy" && copied) {
            // Another authority's copy of a root is a batch of its own; a root the authority holds already is refused.
            expect(accepted, `copy of ${copied.actor}'s batch by ${step.actor}`).to.equal(!heldAlready);
            heldRoots.add(`${copied.root}|${step.actor}`);
          }
          if (step.kind === "batch" && accepted) heldRoots.add(`${batches.at(-1)!.root}|${step.actor}`);
          if (step.kind === "direct") {
            const list = anchorings.get(step.hash) ?? [];
            // The ledger refuses a second direct anchoring of a hash, by anyone.
            const hadDirect = list.some((a) => a.member === undefined);
            expect(accepted, `direct anchoring of hash ${step.hash} by ${step.actor}`).to.equal(!hadDirect);
            if (accepted) push(anchorings, step.hash, { actor: step.actor, status: "Active" });
          } else if (step.kind === "change") {
            const list = anchorings.get(step.hash) ?? [];
            const own = list.find((a) => a.actor === step.actor);
            const allowed = own !== undefined && NEXT[step.action].from.includes(own.status);
            expect(accepted, `${step.action} of hash ${step.hash} by ${step.actor} (${own ? own.status : "not its own"})`).to.equal(
              allowed,
            );
            if (accepted) own!.status = NEXT[step.action].to;
          }
        }

        const { index } = await openIndex(world);
        try {
          await index.syncOnce();
          const verifier = new Verifier({ client: world.client, batches: index, events: verifierEvents(index) });
          const ledger = CertificateLedger__factory.connect(world.deployment.ledger.address, world.client.provider);
          for (const [h, list] of anchorings) {
            const senior = list[0];
            const authority = world.authorities[senior.actor];
            const { report } = await verifier.verify({ kind: "hash", certHash: certHashes[h] });
            const expected = { Active: "VALID", Suspended: "SUSPENDED", Revoked: "REVOKED" }[senior.status];
            expect(
              report.verdict,
              `hash ${h}: ${JSON.stringify(list.map((a) => [a.actor, a.member ? "batch" : "direct", a.status]))}`,
            ).to.equal(expected);
            expect(report.certificate?.authority.id, `hash ${h}'s issuer`).to.equal(authority.id);
            expect(report.certificate?.status).to.equal(senior.status);
            expect(report.conflicts ?? [], `hash ${h}'s conflicts`).to.have.length(list.length - 1);
            expect(index.certificate(certHashes[h])).to.include({ authorityId: authority.id, status: senior.status });
            if (senior.status !== "Revoked") {
              const as = ledger.connect(authority.account);
              const now = BigInt(await time.latest());
              // The rightful issuer can always still revoke its certificate, whatever the others wrote.
              if (senior.member) await as.revokeBatchedCertificate.staticCall(senior.member, 1, now, ZeroHash);
              else await as.revokeCertificate.staticCall(certHashes[h], 1, now, ZeroHash);
            }
          }
        } finally {
          index.close();
        }
      }),
      { numRuns: 40 },
    );
  });
});
