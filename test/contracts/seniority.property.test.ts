/**
 * Model-based property test of issue #11's guarantee: every anchoring of a certificate hash is its own record, and only
 * its own authority (or that authority's party admin) changes it, whatever other parties' authorities and admins do.
 *
 * fast-check generates random sequences of: direct anchors and Merkle batches drawn from a small pool of certificate
 * hashes (so different authorities keep anchoring the same hashes), anchors of other authorities' roots (before or after
 * their owner anchors them: front-running), status changes (suspend, reinstate, revoke) by the issuer, its party admin,
 * other authorities' accounts and other parties' admins, of direct anchors and of batch members (proven under their own
 * authority, or claimed under another one's batch of the same root), authority suspensions, and time passing. Each step
 * runs against the contract and against a model in which an anchoring changes only by its own authority or party admin;
 * after every step:
 *   S1 the outcome (success, or the predicted custom error) and the events (authority and root) are the model's;
 *   S2 every direct anchoring's record, every batch (per root and authority) and every batch member's record and state
 *      equal the model's; a member claimed under another authority reads as nothing;
 *   S3 the rightful issuer can still revoke each of its own certificates that is not revoked yet (a static call succeeds).
 */
import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import type { ContractTransactionResponse, Log } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { CertificateLedger } from "../../typechain-types";
import { DAY, KG, KZ, State, Status, UZ, loadFixture, merkleBatch, time, withAuthorities, type BatchCert, type Member } from "./fixtures";

const NUM_RUNS = 25;
const MAX_STEPS = 35;
const GAS = { gasLimit: 1_000_000 } as const;
/** Certificate hashes every authority draws from, so that anchorings of the same hash by different authorities abound. */
const POOL = Array.from({ length: 5 }, (_, i) => ethers.id(`certledger seniority property certificate ${i}`));
const replacementHash = ethers.id("certledger seniority property replacement");

const AuthorityStatus = { Active: 1, Suspended: 2 } as const;
const ACCOUNTS = ["kgBody", "kgBody2", "kgLab", "kzChamber", "uzPlant"] as const;
const ADMINS = ["kgAdmin", "kzAdmin", "uzAdmin"] as const;
const CALLERS = [...ACCOUNTS, ...ADMINS, "outsider"] as const;
type Account = (typeof ACCOUNTS)[number];
type Caller = (typeof CALLERS)[number];

interface AuthorityModel {
  party: string;
  certType: number;
  accounts: Account[];
  admin: Caller;
  status: number;
}
/** The fixture's authorities: KG's body (1) and lab (2), KZ's chamber (3), UZ's plant-protection agency (4). */
const AUTHORITIES: [number, Omit<AuthorityModel, "status">][] = [
  [1, { party: KG, certType: 1, accounts: ["kgBody", "kgBody2"], admin: "kgAdmin" }],
  [2, { party: KG, certType: 2, accounts: ["kgLab"], admin: "kgAdmin" }],
  [3, { party: KZ, certType: 3, accounts: ["kzChamber"], admin: "kzAdmin" }],
  [4, { party: UZ, certType: 4, accounts: ["uzPlant"], admin: "uzAdmin" }],
];
const AUTHORITY_IDS = AUTHORITIES.map(([id]) => id);

// ---------------------------------------------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------------------------------------------

interface RecordModel {
  authorityId: number;
  certType: number;
  status: number;
  revocationReason: number;
  issuedAt: bigint;
  validUntil: bigint;
  statusChangedAt: bigint;
}

/** A Merkle tree built by `owner` (its leaves name it); anchored by any authorities, the owner's batch included or not. */
interface TreeModel {
  owner: number;
  root: string;
  certs: BatchCert[];
  member: (i: number) => Member;
  /** authorityId → the batch that authority anchored under this root. */
  batches: Map<number, { certType: number; leafCount: number; issuedAt: bigint }>;
  /** leaf index → the member's own record, once materialised. */
  materialised: Map<number, RecordModel>;
}

interface Model {
  now: bigint;
  authorities: Map<number, AuthorityModel>;
  /** Direct anchorings by hash. */
  direct: Map<string, RecordModel & { replacement: string }>;
  trees: TreeModel[];
}

interface Real {
  ledger: CertificateLedger;
  signers: Record<Caller, HardhatEthersSigner>;
}

type Outcome = { ok: true; logs: readonly Log[] } | { ok: false; error: string };
const ok = (o: Outcome): o is { ok: true; logs: readonly Log[] } => o.ok;
const fail = (error: string) => ({ ok: false as const, error });
const OK = { ok: true as const };
type Expected = typeof OK | ReturnType<typeof fail>;
const show = (o: Outcome | Expected): string => (o.ok ? "success" : `revert ${o.error}`);

function authorityOf(m: Model, caller: Caller): number {
  for (const [id, a] of m.authorities) if ((a.accounts as readonly Caller[]).includes(caller)) return id;
  return 0;
}

/** Whether `caller` manages `authorityId`'s certificates: one of its accounts, or its party's admin. */
const isManager = (m: Model, caller: Caller, authorityId: number): boolean =>
  authorityOf(m, caller) === authorityId || m.authorities.get(authorityId)!.admin === caller;

function stateAt(r: RecordModel | undefined, t: bigint): number {
  if (r === undefined || t < r.issuedAt) return State.Unknown;
  if (r.status === Status.Revoked && t >= r.statusChangedAt) return State.Revoked;
  if (r.status === Status.Suspended && t >= r.statusChangedAt) return State.Suspended;
  if (t > r.validUntil) return State.Expired;
  return State.Active;
}

/** A batch member's record as the contract reads it: its own once materialised, else its batch's. */
function memberRecord(tree: TreeModel, i: number): RecordModel | undefined {
  const own = tree.materialised.get(i);
  if (own !== undefined) return own;
  const batch = tree.batches.get(tree.owner);
  if (batch === undefined) return undefined;
  const validUntil = tree.certs[i][2];
  return { authorityId: tree.owner, certType: batch.certType, status: Status.Active, revocationReason: 0, issuedAt: batch.issuedAt, validUntil, statusChangedAt: batch.issuedAt };
}

function predictAnchor(m: Model, caller: Caller): Expected {
  const id = authorityOf(m, caller);
  if (id === 0) return fail("LedgerNotAuthority");
  if (m.authorities.get(id)!.status !== AuthorityStatus.Active) return fail("LedgerAuthorityNotActive");
  return OK;
}

type StatusOp = { op: "suspend" } | { op: "reinstate" } | { op: "revoke"; reason: number; effectiveAt: "issuance" | "now"; replacement: "none" | "other" };

/** The first rule a status change of `record` (owned by `record.authorityId`) by `caller` breaks. */
function predictStatus(m: Model, caller: Caller, record: RecordModel, change: StatusOp): Expected {
  if (!isManager(m, caller, record.authorityId)) return fail("LedgerNotAuthorityOrPartyAdmin");
  if (change.op === "suspend") return record.status === Status.Active ? OK : fail("LedgerInvalidStatusChange");
  if (change.op === "reinstate") {
    if (m.authorities.get(record.authorityId)!.status !== AuthorityStatus.Active) return fail("LedgerAuthorityNotActive");
    return record.status === Status.Suspended ? OK : fail("LedgerInvalidStatusChange");
  }
  return record.status === Status.Revoked ? fail("LedgerInvalidStatusChange") : OK;
}

function applyStatus(record: RecordModel, change: StatusOp, at: bigint, effectiveAt: bigint): void {
  if (change.op === "suspend") {
    record.status = Status.Suspended;
    record.statusChangedAt = at;
  } else if (change.op === "reinstate") {
    record.status = Status.Active;
    record.statusChangedAt = at;
  } else {
    record.status = Status.Revoked;
    record.revocationReason = change.reason;
    record.statusChangedAt = effectiveAt;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Talking to the chain
// ---------------------------------------------------------------------------------------------------------------

function errorName(ledger: CertificateLedger, e: unknown): string {
  const data = (e as { data?: unknown }).data;
  if (typeof data === "string" && data.length >= 10) {
    const parsed = ledger.interface.parseError(data);
    if (parsed !== null) return parsed.name;
  }
  return `<not a ledger error: ${e instanceof Error ? e.message : String(e)}>`;
}

/** One transaction from `caller` in a block at `m.now + 1` (a fixed gas limit, so a reverting one is mined too). */
async function send(m: Model, r: Real, caller: Caller, call: (l: CertificateLedger) => Promise<ContractTransactionResponse>): Promise<Outcome> {
  const at = m.now + 1n;
  await time.setNextBlockTimestamp(at);
  let outcome: Outcome;
  try {
    const receipt = await (await call(r.ledger.connect(r.signers[caller]))).wait();
    outcome = { ok: true, logs: receipt!.logs };
  } catch (e) {
    outcome = fail(errorName(r.ledger, e));
  }
  const latest = BigInt(await time.latest());
  expect(latest, "the transaction is mined at the time the model expects").to.equal(at);
  m.now = latest;
  return outcome;
}

/** The ledger events of a receipt, as [name, args]. */
function eventsOf(r: Real, logs: readonly Log[]): [string, unknown[]][] {
  return logs.map((log) => {
    const parsed = r.ledger.interface.parseLog(log)!;
    return [parsed.name, [...parsed.args]];
  });
}

const asView = (rec: { authorityId: bigint; certType: bigint; status: bigint; revocationReason: bigint; issuedAt: bigint; validUntil: bigint; statusChangedAt: bigint }): RecordModel => ({
  authorityId: Number(rec.authorityId),
  certType: Number(rec.certType),
  status: Number(rec.status),
  revocationReason: Number(rec.revocationReason),
  issuedAt: rec.issuedAt,
  validUntil: rec.validUntil,
  statusChangedAt: rec.statusChangedAt,
});
const NONE: RecordModel = { authorityId: 0, certType: 0, status: Status.None, revocationReason: 0, issuedAt: 0n, validUntil: 0n, statusChangedAt: 0n };
const strip = ({ authorityId, certType, status, revocationReason, issuedAt, validUntil, statusChangedAt }: RecordModel): RecordModel => ({
  authorityId,
  certType,
  status,
  revocationReason,
  issuedAt,
  validUntil,
  statusChangedAt,
});

/** S2 and S3 over everything the model knows. */
async function compareAll(m: Model, r: Real, after: string): Promise<void> {
  const { ledger } = r;
  const ctx = (what: string) => `${what}, after ${after}`;
  const issuer = (authorityId: number) => ledger.connect(r.signers[m.authorities.get(authorityId)!.accounts[0]]);
  const checks: Promise<void>[] = [];

  for (const certHash of POOL) {
    const model = m.direct.get(certHash);
    checks.push(
      (async () => {
        const [record, state, replacement] = await Promise.all([
          ledger.getCertificate(certHash),
          ledger.certificateStateAt(certHash, m.now),
          ledger.replacementOf(certHash),
        ]);
        expect(asView(record), ctx(`S2: the direct record of ${certHash}`)).to.deep.equal(model === undefined ? NONE : strip(model));
        expect(Number(state), ctx(`S2: the direct state of ${certHash}`)).to.equal(stateAt(model, m.now));
        expect(replacement, ctx(`S2: the direct replacement of ${certHash}`)).to.equal(model?.replacement ?? ethers.ZeroHash);
        if (model !== undefined && model.status !== Status.Revoked) {
          // S3: the issuer can still revoke its own direct anchoring.
          await issuer(model.authorityId).revokeCertificate.staticCall(certHash, 1, model.issuedAt, ethers.ZeroHash);
        }
      })(),
    );
  }

  m.trees.forEach((tree, t) => {
    for (const id of AUTHORITY_IDS) {
      const batch = tree.batches.get(id);
      checks.push(
        (async () => {
          const chain = await ledger.getBatch(tree.root, id);
          const view = { authorityId: Number(chain.authorityId), certType: Number(chain.certType), leafCount: Number(chain.leafCount), issuedAt: chain.issuedAt };
          const expected = batch === undefined ? { authorityId: 0, certType: 0, leafCount: 0, issuedAt: 0n } : { authorityId: id, ...batch };
          expect(view, ctx(`S2: batch ${t} (root ${tree.root}) of authority ${id}`)).to.deep.equal(expected);
        })(),
      );
    }
    tree.certs.forEach((_, i) => {
      const member = tree.member(i);
      const model = memberRecord(tree, i);
      checks.push(
        (async () => {
          const [record, state, isMember] = await Promise.all([
            ledger.getBatchedCertificate(member),
            ledger.batchedCertificateStateAt(member, m.now),
            ledger.isBatchMember(member),
          ]);
          const what = `member ${i} of tree ${t} (owner ${tree.owner})`;
          expect(asView(record), ctx(`S2: the record of ${what}`)).to.deep.equal(model ?? NONE);
          expect(Number(state), ctx(`S2: the state of ${what}`)).to.equal(stateAt(model, m.now));
          expect(isMember, ctx(`S2: ${what} is proven exactly when its owner anchored the root`)).to.equal(model !== undefined);
          // The same leaf claimed under any other authority's batch of this root proves nothing.
          for (const other of tree.batches.keys()) {
            if (other === tree.owner) continue;
            const claimed = { ...member, authorityId: other };
            expect(await ledger.isBatchMember(claimed), ctx(`S2: ${what} claimed under authority ${other}`)).to.equal(false);
            expect(asView(await ledger.getBatchedCertificate(claimed)), ctx(`S2: ${what} claimed under authority ${other}`)).to.deep.equal(NONE);
          }
          if (model !== undefined && model.status !== Status.Revoked) {
            // S3: the issuer can still revoke its own batched certificate.
            await issuer(tree.owner).revokeBatchedCertificate.staticCall(member, 1, model.issuedAt, ethers.ZeroHash);
          }
        })(),
      );
    });
  });
  await Promise.all(checks);
}

// ---------------------------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------------------------

type Cmd = fc.AsyncCommand<Model, Real>;

/** `caller` anchors pool hash `hash` directly, valid for `validFor` seconds. */
class AnchorDirectCommand implements Cmd {
  constructor(
    readonly caller: Account,
    readonly hash: number,
    readonly validFor: number,
  ) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    const at = m.now + 1n;
    const certHash = POOL[this.hash];
    const id = authorityOf(m, this.caller);
    const certType = m.authorities.get(id)!.certType;
    const validUntil = at + BigInt(this.validFor);
    let expected = predictAnchor(m, this.caller);
    if (expected.ok && m.direct.has(certHash)) expected = fail("LedgerCertificateAlreadyAnchored");
    const outcome = await send(m, r, this.caller, (l) => l.anchorCertificate(certHash, certType, validUntil, ethers.ZeroHash, "0x", GAS));
    const context = `${this} (at ${at})`;
    expect(show(outcome), `S1: ${context}`).to.equal(show(expected));
    if (ok(outcome)) {
      expect(eventsOf(r, outcome.logs), `S1: ${context}: events`).to.deep.equal([
        ["CertificateAnchored", [certHash, ethers.ZeroHash, BigInt(id), BigInt(certType), validUntil, "0x"]],
      ]);
      m.direct.set(certHash, { authorityId: id, certType, status: Status.Active, revocationReason: 0, issuedAt: at, validUntil, statusChangedAt: at, replacement: ethers.ZeroHash });
    }
    await compareAll(m, r, context);
  }
  toString(): string {
    return `anchorCertificate(${this.caller}, pool#${this.hash}, valid ${this.validFor}s)`;
  }
}

/**
 * `caller` builds a tree of pool hashes `hashes` for its own authority and anchors it now, or only builds it (so that
 * another authority can anchor its root first).
 */
class NewBatchCommand implements Cmd {
  constructor(
    readonly caller: Account,
    readonly hashes: number[],
    readonly validFor: number,
    readonly anchorNow: boolean,
  ) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    const at = m.now + 1n;
    const owner = authorityOf(m, this.caller);
    // A fresh number per tree, so no two trees share a leaf by accident.
    const certs: BatchCert[] = this.hashes.map((h) => [POOL[h], ethers.id(`number of tree ${m.trees.length}, pool#${h}`), at + BigInt(this.validFor)]);
    const built = merkleBatch(owner, certs);
    m.trees.push({ owner, root: built.root, certs, member: built.member, batches: new Map(), materialised: new Map() });
    if (this.anchorNow) await anchorRoot(m, r, this.caller, m.trees.length - 1, String(this));
    else await compareAll(m, r, String(this));
  }
  toString(): string {
    return `${this.anchorNow ? "anchorBatch" : "buildBatch"}(${this.caller}, pool#[${this.hashes.join(",")}], valid ${this.validFor}s)`;
  }
}

/** `caller` anchors the root of tree `tree` (mod their number): its own pending tree, or another authority's root. */
class AnchorRootCommand implements Cmd {
  constructor(
    readonly caller: Account,
    readonly tree: number,
  ) {}
  check(m: Readonly<Model>): boolean {
    return m.trees.length > 0;
  }
  async run(m: Model, r: Real): Promise<void> {
    await anchorRoot(m, r, this.caller, this.tree % m.trees.length, String(this));
  }
  toString(): string {
    return `anchorBatch(${this.caller}, root of tree#${this.tree})`;
  }
}

async function anchorRoot(m: Model, r: Real, caller: Account, t: number, label: string): Promise<void> {
  const tree = m.trees[t];
  const at = m.now + 1n;
  const id = authorityOf(m, caller);
  const certType = m.authorities.get(id)!.certType;
  const leafCount = tree.certs.length;
  let expected = predictAnchor(m, caller);
  if (expected.ok && tree.batches.has(id)) expected = fail("LedgerBatchAlreadyAnchored");
  const outcome = await send(m, r, caller, (l) => l.anchorBatch(tree.root, certType, leafCount, "0x", GAS));
  const context = `${label} (tree ${t} of authority ${tree.owner}, anchored by authority ${id}, at ${at})`;
  expect(show(outcome), `S1: ${context}`).to.equal(show(expected));
  if (ok(outcome)) {
    expect(eventsOf(r, outcome.logs), `S1: ${context}: events`).to.deep.equal([["BatchAnchored", [tree.root, BigInt(id), BigInt(certType), BigInt(leafCount), "0x"]]]);
    tree.batches.set(id, { certType, leafCount, issuedAt: at });
  }
  await compareAll(m, r, context);
}

/** Who attempts a status change: its issuer's account or party admin, or anyone (other authorities, other admins). */
type CallerSpec = "issuer" | "issuerAdmin" | "hostileAccount" | "hostileAdmin" | Caller;

function resolveCaller(m: Model, spec: CallerSpec, owner: number, pick: number): Caller {
  const a = m.authorities.get(owner)!;
  if (spec === "issuer") return a.accounts[pick % a.accounts.length];
  if (spec === "issuerAdmin") return a.admin;
  if (spec === "hostileAccount") {
    const others = ACCOUNTS.filter((x) => authorityOf(m, x) !== owner);
    return others[pick % others.length];
  }
  if (spec === "hostileAdmin") {
    const others = ADMINS.filter((x) => x !== a.admin);
    return others[pick % others.length];
  }
  return spec;
}

/**
 * A direct anchoring (mostly one that exists, else any pool hash), or a batch member (mostly of a tree its owner
 * anchored, else of any tree) proven under its owner or claimed under another authority.
 */
type Target =
  | { kind: "direct"; index: number; existing: boolean }
  | { kind: "member"; tree: number; leaf: number; existing: boolean; claim: "owner" | "other"; pick: number };

class StatusCommand implements Cmd {
  constructor(
    readonly callerSpec: CallerSpec,
    readonly pick: number,
    readonly target: Target,
    readonly change: StatusOp,
  ) {}
  check(m: Readonly<Model>): boolean {
    return this.target.kind === "direct" || m.trees.length > 0;
  }
  async run(m: Model, r: Real): Promise<void> {
    const at = m.now + 1n;
    const change = this.change;
    const target = this.target;
    let expected: Expected;
    let record: RecordModel | undefined;
    let call: (l: CertificateLedger, effectiveAt: bigint, replacement: string) => Promise<ContractTransactionResponse>;
    let owner: number;
    let root = ethers.ZeroHash;
    let certHash: string;
    let materialises: { tree: TreeModel; leaf: number; member: Member } | undefined;
    let describe: string;

    if (target.kind === "direct") {
      const anchored = [...m.direct.keys()];
      certHash = target.existing && anchored.length > 0 ? anchored[target.index % anchored.length] : POOL[target.index % POOL.length];
      record = m.direct.get(certHash);
      owner = record?.authorityId ?? 1 + (this.pick % AUTHORITY_IDS.length);
      expected = record === undefined ? fail("LedgerUnknownCertificate") : predictStatus(m, resolveCaller(m, this.callerSpec, owner, this.pick), record, change);
      call = (l, effectiveAt, replacement) =>
        change.op === "suspend"
          ? l.suspendCertificate(certHash, GAS)
          : change.op === "reinstate"
            ? l.reinstateCertificate(certHash, GAS)
            : l.revokeCertificate(certHash, change.reason, effectiveAt, replacement, GAS);
      describe = `direct anchoring of pool#${POOL.indexOf(certHash)}`;
    } else {
      const anchored = m.trees.flatMap((tree, t) => (tree.batches.has(tree.owner) ? [t] : []));
      const t = target.existing && anchored.length > 0 ? anchored[target.tree % anchored.length] : target.tree % m.trees.length;
      const tree = m.trees[t];
      const leaf = target.leaf % tree.certs.length;
      owner = tree.owner;
      certHash = tree.certs[leaf][0];
      root = tree.root;
      // Claimed under another authority: preferably one that anchored the same root (the proof then fails).
      const others = AUTHORITY_IDS.filter((id) => id !== owner);
      const anchoredOthers = others.filter((id) => tree.batches.has(id));
      const claimedBy = target.claim === "owner" ? owner : [...anchoredOthers, ...others][target.pick % (anchoredOthers.length > 0 ? anchoredOthers.length : others.length)];
      const member = { ...tree.member(leaf), authorityId: claimedBy };
      const caller = resolveCaller(m, this.callerSpec, owner, this.pick);
      if (claimedBy !== owner) {
        expected = tree.batches.has(claimedBy) ? fail("LedgerInvalidBatchProof") : fail("LedgerUnknownBatch");
      } else {
        record = memberRecord(tree, leaf);
        if (record === undefined) expected = fail("LedgerUnknownBatch");
        else {
          expected = predictStatus(m, caller, record, change);
          if (!tree.materialised.has(leaf)) materialises = { tree, leaf, member };
        }
      }
      call = (l, effectiveAt, replacement) =>
        change.op === "suspend"
          ? l.suspendBatchedCertificate(member, GAS)
          : change.op === "reinstate"
            ? l.reinstateBatchedCertificate(member, GAS)
            : l.revokeBatchedCertificate(member, change.reason, effectiveAt, replacement, GAS);
      describe = `member ${leaf} of tree ${t} (owner ${owner}) claimed under authority ${claimedBy}`;
    }
    const caller = resolveCaller(m, this.callerSpec, owner, this.pick);
    const effectiveAt = change.op === "revoke" && change.effectiveAt === "issuance" && record !== undefined ? record.issuedAt : at;
    const replacement = change.op === "revoke" && change.replacement === "other" ? replacementHash : ethers.ZeroHash;
    const context = `${this} (${describe}, caller ${caller}, at ${at})`;

    const outcome = await send(m, r, caller, (l) => call(l, effectiveAt, replacement));
    expect(show(outcome), `S1: ${context}`).to.equal(show(expected));
    if (ok(outcome)) {
      // S1: the events name the anchoring that changed: its authority, and its root (zero when direct).
      const events: [string, unknown[]][] = [];
      if (materialises !== undefined) {
        events.push(["BatchedCertificateMaterialised", [certHash, root, materialises.member.numberHash, BigInt(owner)]]);
        materialises.tree.materialised.set(materialises.leaf, record!);
      }
      if (change.op === "suspend") events.push(["CertificateSuspended", [certHash, BigInt(owner), root]]);
      else if (change.op === "reinstate") events.push(["CertificateReinstated", [certHash, BigInt(owner), root]]);
      else events.push(["CertificateRevoked", [certHash, BigInt(owner), root, BigInt(change.reason), effectiveAt, replacement]]);
      expect(eventsOf(r, outcome.logs), `S1: ${context}: events`).to.deep.equal(events);
      applyStatus(record!, change, at, effectiveAt);
      if (target.kind === "direct" && change.op === "revoke") m.direct.get(certHash)!.replacement = replacement;
    }
    await compareAll(m, r, context);
  }
  toString(): string {
    const t = this.target;
    const which = t.existing ? "existing" : "any";
    const target = t.kind === "direct" ? `${which} direct#${t.index}` : `${which} tree#${t.tree} leaf#${t.leaf} as ${t.claim}`;
    const c = this.change;
    const args = c.op === "revoke" ? `, reason ${c.reason}, at ${c.effectiveAt}, replacement ${c.replacement}` : "";
    return `${c.op}(${this.callerSpec}#${this.pick}, ${target}${args})`;
  }
}

/** An admin (the authority's own, or another party's) suspends or reactivates an authority. */
class AuthorityCommand implements Cmd {
  constructor(
    readonly op: "suspend" | "reactivate",
    readonly authorityId: number,
    readonly byOwnAdmin: boolean,
  ) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    const a = m.authorities.get(this.authorityId)!;
    const caller = this.byOwnAdmin ? a.admin : ADMINS.find((x) => x !== a.admin)!;
    const expected: Expected =
      caller !== a.admin
        ? fail("LedgerNotPartyAdmin")
        : this.op === "suspend"
          ? a.status === AuthorityStatus.Active
            ? OK
            : fail("LedgerAuthorityNotActive")
          : a.status === AuthorityStatus.Active
            ? fail("LedgerAuthorityAlreadyActive")
            : OK;
    const outcome = await send(m, r, caller, (l) => (this.op === "suspend" ? l.suspendAuthority(this.authorityId, GAS) : l.reactivateAuthority(this.authorityId, GAS)));
    expect(show(outcome), `S1: ${this} by ${caller}`).to.equal(show(expected));
    if (outcome.ok) a.status = this.op === "suspend" ? AuthorityStatus.Suspended : AuthorityStatus.Active;
    await compareAll(m, r, `${this} by ${caller}`);
  }
  toString(): string {
    return `${this.op}Authority(${this.authorityId}, ${this.byOwnAdmin ? "its admin" : "another party's admin"})`;
  }
}

class AdvanceTimeCommand implements Cmd {
  constructor(readonly seconds: number) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    await time.increase(this.seconds);
    m.now = BigInt(await time.latest());
    await compareAll(m, r, String(this));
  }
  toString(): string {
    return `advanceTime(${this.seconds}s)`;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------------------------

const account = fc.constantFrom(...ACCOUNTS);
const poolIndex = fc.nat({ max: POOL.length - 1 });
const validFor = fc.integer({ min: DAY, max: 60 * DAY });

const anchorDirect = fc.tuple(account, poolIndex, validFor).map(([c, h, v]) => new AnchorDirectCommand(c, h, v));
const newBatch = fc
  .tuple(account, fc.uniqueArray(poolIndex, { minLength: 1, maxLength: 3 }), validFor, fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, fc.constant(false)))
  .map(([c, hashes, v, now]) => new NewBatchCommand(c, hashes, v, now));
const anchorExistingRoot = fc.tuple(account, fc.nat({ max: 30 })).map(([c, t]) => new AnchorRootCommand(c, t));

const callerSpec: fc.Arbitrary<CallerSpec> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<CallerSpec>("issuer") },
  { weight: 1, arbitrary: fc.constant<CallerSpec>("issuerAdmin") },
  { weight: 2, arbitrary: fc.constant<CallerSpec>("hostileAccount") },
  { weight: 2, arbitrary: fc.constant<CallerSpec>("hostileAdmin") },
  { weight: 1, arbitrary: fc.constantFrom(...CALLERS) },
);
/** Mostly an anchoring that exists, so that status changes often can go through. */
const existing = fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) });
const target: fc.Arbitrary<Target> = fc.oneof(
  { weight: 2, arbitrary: fc.tuple(fc.nat({ max: 30 }), existing).map(([index, existing]): Target => ({ kind: "direct", index, existing })) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.nat({ max: 30 }),
        fc.nat({ max: 2 }),
        existing,
        fc.oneof({ weight: 3, arbitrary: fc.constant("owner" as const) }, { weight: 1, arbitrary: fc.constant("other" as const) }),
        fc.nat({ max: 3 }),
      )
      .map(([tree, leaf, existing, claim, pick]): Target => ({ kind: "member", tree, leaf, existing, claim, pick })),
  },
);
const statusOp: fc.Arbitrary<StatusOp> = fc.oneof(
  fc.constant<StatusOp>({ op: "suspend" }),
  fc.constant<StatusOp>({ op: "reinstate" }),
  fc.record({
    op: fc.constant("revoke" as const),
    reason: fc.constantFrom(0, 1, 4, 9),
    effectiveAt: fc.constantFrom("issuance" as const, "now" as const),
    replacement: fc.constantFrom("none" as const, "other" as const),
  }),
);
const statusCommand = fc.tuple(callerSpec, fc.nat({ max: 7 }), target, statusOp).map(([c, pick, t, op]) => new StatusCommand(c, pick, t, op));
const authorityCommand = fc
  .tuple(fc.constantFrom("suspend" as const, "reactivate" as const), fc.constantFrom(...AUTHORITY_IDS), fc.boolean())
  .map(([op, id, own]) => new AuthorityCommand(op, id, own));
const advanceTime = fc.integer({ min: 1, max: 20 * DAY }).map((s) => new AdvanceTimeCommand(s));

const allCommands: fc.Arbitrary<Cmd>[] = [
  fc.oneof(
    { weight: 2, arbitrary: anchorDirect },
    { weight: 3, arbitrary: newBatch },
    { weight: 2, arbitrary: anchorExistingRoot },
    { weight: 6, arbitrary: statusCommand },
    { weight: 1, arbitrary: authorityCommand },
    { weight: 1, arbitrary: advanceTime },
  ),
];

// ---------------------------------------------------------------------------------------------------------------
// The property
// ---------------------------------------------------------------------------------------------------------------

async function setup(): Promise<{ model: Model; real: Real }> {
  const f = await loadFixture(withAuthorities);
  const signers: Record<Caller, HardhatEthersSigner> = {
    kgBody: f.kgBody,
    kgBody2: f.kgBody2,
    kgLab: f.kgLab,
    kzChamber: f.kzChamber,
    uzPlant: f.uzPlant,
    kgAdmin: f.kgAdmin,
    kzAdmin: f.kzAdmin,
    uzAdmin: f.uzAdmin,
    outsider: f.outsider,
  };
  for (const [id, a] of AUTHORITIES) {
    const chain = await f.ledger.getAuthority(id);
    expect(chain.party.toLowerCase(), `the fixture's authority ${id}`).to.equal(a.party);
  }
  const model: Model = {
    now: BigInt(await time.latest()),
    authorities: new Map(AUTHORITIES.map(([id, a]) => [id, { ...a, accounts: [...a.accounts], status: AuthorityStatus.Active }])),
    direct: new Map(),
    trees: [],
  };
  const real: Real = { ledger: f.ledger, signers };
  await compareAll(model, real, "the fixture");
  return { model, real };
}

describe("Seniority (model-based property)", function () {
  it("whatever other authorities and admins do, each anchoring changes only by its own authority or party admin, and its issuer can still revoke it", async function () {
    await fc.assert(
      fc.asyncProperty(fc.commands(allCommands, { maxCommands: MAX_STEPS, size: "max" }), async (cmds) => {
        await fc.asyncModelRun(setup, cmds);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
