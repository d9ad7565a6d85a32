/**
 * Model-based property tests: fast-check generates random sequences of ledger operations (anchoring, certificate
 * status changes, authority suspension / reactivation / updates / accounts, party votes, time passing), runs each
 * against the deployed contract and against a small TypeScript model of the rules, and after every step checks that
 * the chain did what the model predicted (success, or a revert with the predicted custom error) and that the chain's
 * state equals the model's. On top of that, four properties are asserted from the chain's own state:
 *   P1 a revoked certificate never becomes active again;
 *   P2 only an account of an active authority of an active party, in its validity period and scope, anchors;
 *   P3 only the issuing authority's accounts or its party's admin change a certificate's status;
 *   P4 status changes never alter a certificate's authorityId, certType, issuedAt or validUntil.
 * Every transaction is sent with a fixed gas limit at an explicit block timestamp (the model's "now" + 1), so a
 * reverting transaction is mined too and time is exactly what the model expects.
 */
import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import type { ContractTransactionResponse } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { CertificateLedger } from "../../typechain-types";
import { DAY, KG, KZ, Kind, State, Status, UZ, YEAR, loadFixture, time, types, withAuthorities } from "./fixtures";

const NUM_RUNS = 50;
const MAX_STEPS = 25;
const GAS = { gasLimit: 1_000_000 } as const;

const PartyStatus = { None: 0, Active: 1, Suspended: 2 } as const;
const AuthorityStatus = { None: 0, Active: 1, Suspended: 2 } as const;

/** Accounts that may be bound to an authority (the fixture's authority accounts plus one spare, bound to none). */
const ACCOUNTS = ["kgBody", "kgBody2", "kgLab", "kzChamber", "uzPlant", "spare"] as const;
const ADMINS = ["kgAdmin", "kzAdmin", "uzAdmin"] as const;
const CALLERS = [...ACCOUNTS, ...ADMINS, "outsider"] as const;
type Account = (typeof ACCOUNTS)[number];
type Caller = (typeof CALLERS)[number];

const PARTIES = [KG, KZ, UZ] as const;
const PARTY_NAME: Record<string, string> = { [KG]: "KG", [KZ]: "KZ", [UZ]: "UZ" };
const ADMIN_OF: Record<string, Caller> = { [KG]: "kgAdmin", [KZ]: "kzAdmin", [UZ]: "uzAdmin" };
/** One more than the fixture's four authorities: an id no authority has. */
const UNKNOWN_AUTHORITY = 5;

// ---------------------------------------------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------------------------------------------

interface PartyModel {
  status: number;
}

interface AuthorityModel {
  party: string;
  status: number;
  scope: bigint;
  validFrom: bigint;
  validUntil: bigint;
  accounts: Account[];
}

interface CertModel {
  authorityId: number;
  certType: number;
  status: number;
  revocationReason: number;
  issuedAt: bigint;
  validUntil: bigint;
  statusChangedAt: bigint;
  replacement: string;
}

interface Model {
  /** The timestamp of the latest block. */
  now: bigint;
  parties: Map<string, PartyModel>;
  authorities: Map<number, AuthorityModel>;
  certs: Map<string, CertModel>;
  /** Anchored hashes in anchoring order, for commands that pick "an existing certificate". */
  hashes: string[];
  /** Hashes status changes were attempted on without being anchored: they must stay unknown. */
  probed: Set<string>;
  /** Hashes the chain has shown as revoked (P1 is checked against these, from chain reads only). */
  seenRevoked: Set<string>;
}

interface Real {
  ledger: CertificateLedger;
  signers: Record<Caller, HardhatEthersSigner>;
}

type Outcome = { ok: true } | { ok: false; error: string };
const OK: Outcome = { ok: true };
const fail = (error: string): Outcome => ({ ok: false, error });
const show = (o: Outcome): string => (o.ok ? "success" : `revert ${o.error}`);

const hashOf = (n: number): string => ethers.id(`certledger property test certificate ${n}`);
const replacementHash = ethers.id("certledger property test replacement");

function authorityOfAccount(m: Model, account: Caller): number {
  for (const [id, a] of m.authorities) if ((a.accounts as readonly Caller[]).includes(account)) return id;
  return 0;
}

function partyOfAdmin(account: Caller): string | undefined {
  return PARTIES.find((p) => ADMIN_OF[p] === account);
}

function partyActive(m: Model, party: string): boolean {
  return m.parties.get(party)?.status === PartyStatus.Active;
}

const inTypes = (scope: bigint, certType: number): boolean => certType >= 1 && certType <= 63 && ((scope >> BigInt(certType)) & 1n) === 1n;

const isRevocationReason = (reason: number): boolean => reason <= 5 || reason === 9 || reason === 10;

/** What a certificate is at `t`, as the interface documents it. */
function stateAt(c: CertModel | undefined, t: bigint): number {
  if (c === undefined || t < c.issuedAt) return State.Unknown;
  if (c.status === Status.Revoked && t >= c.statusChangedAt) return State.Revoked;
  if (c.status === Status.Suspended && t >= c.statusChangedAt) return State.Suspended;
  if (t > c.validUntil) return State.Expired;
  return State.Active;
}

/** Whether `caller` may manage the status of certificates of `authorityId`: one of its accounts or its party's admin. */
function isManager(m: Model, caller: Caller, authorityId: number): boolean {
  const a = m.authorities.get(authorityId);
  return a !== undefined && (authorityOfAccount(m, caller) === authorityId || partyOfAdmin(caller) === a.party);
}

// Predictions: the first rule a call breaks, in the order the interface's rules are documented and checked.

function predictAnchor(m: Model, caller: Caller, certHash: string, certType: number, validUntil: bigint, at: bigint): Outcome {
  const authorityId = authorityOfAccount(m, caller);
  const a = m.authorities.get(authorityId);
  if (a === undefined) return fail("LedgerNotAuthority");
  if (a.status !== AuthorityStatus.Active) return fail("LedgerAuthorityNotActive");
  if (!partyActive(m, a.party)) return fail("LedgerPartyNotActive");
  if (at < a.validFrom || at > a.validUntil) return fail("LedgerAuthorityNotValidAt");
  if (!inTypes(a.scope, certType)) return fail("LedgerTypeNotInScope");
  if (certHash === ethers.ZeroHash) return fail("LedgerZeroCertificateHash");
  if (validUntil <= at) return fail("LedgerInvalidCertificateValidity");
  if (m.certs.has(certHash)) return fail("LedgerCertificateAlreadyAnchored");
  return OK;
}

function predictSuspend(m: Model, caller: Caller, certHash: string): Outcome {
  const c = m.certs.get(certHash);
  if (c === undefined) return fail("LedgerUnknownCertificate");
  if (!isManager(m, caller, c.authorityId)) return fail("LedgerNotAuthorityOrPartyAdmin");
  if (c.status !== Status.Active) return fail("LedgerInvalidStatusChange");
  return OK;
}

function predictReinstate(m: Model, caller: Caller, certHash: string): Outcome {
  const c = m.certs.get(certHash);
  if (c === undefined) return fail("LedgerUnknownCertificate");
  if (!isManager(m, caller, c.authorityId)) return fail("LedgerNotAuthorityOrPartyAdmin");
  const a = m.authorities.get(c.authorityId)!;
  if (a.status !== AuthorityStatus.Active) return fail("LedgerAuthorityNotActive");
  if (!partyActive(m, a.party)) return fail("LedgerPartyNotActive");
  if (c.status !== Status.Suspended) return fail("LedgerInvalidStatusChange");
  return OK;
}

function predictRevoke(m: Model, caller: Caller, certHash: string, reason: number, effectiveAt: bigint, replacement: string, at: bigint): Outcome {
  const c = m.certs.get(certHash);
  if (c === undefined) return fail("LedgerUnknownCertificate");
  if (!isManager(m, caller, c.authorityId)) return fail("LedgerNotAuthorityOrPartyAdmin");
  if (c.status === Status.Revoked) return fail("LedgerInvalidStatusChange");
  if (!isRevocationReason(reason)) return fail("LedgerInvalidRevocationReason");
  if (effectiveAt < c.issuedAt || effectiveAt > at) return fail("LedgerInvalidRevocationTime");
  if (replacement === certHash) return fail("LedgerSelfReplacement");
  return OK;
}

/** The admin checks every authority-management call starts with (`suspendAuthority` skips the party-active one). */
function predictAuthorityAdmin(m: Model, caller: Caller, authorityId: number, needActiveParty: boolean): Outcome | AuthorityModel {
  const a = m.authorities.get(authorityId);
  if (a === undefined) return fail("LedgerUnknownAuthority");
  if (partyOfAdmin(caller) !== a.party) return fail("LedgerNotPartyAdmin");
  if (needActiveParty && !partyActive(m, a.party)) return fail("LedgerPartyNotActive");
  return a;
}

const isOutcome = (x: Outcome | AuthorityModel): x is Outcome => "ok" in x;

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

/**
 * Sends one transaction from `caller` in a block at `model.now + 1`, and moves the model's clock there. The fixed gas
 * limit skips gas estimation, so a reverting transaction is mined as well and the block time is always known.
 */
async function send(
  m: Model,
  r: Real,
  caller: Caller,
  call: (ledger: CertificateLedger) => Promise<ContractTransactionResponse>,
): Promise<Outcome> {
  const at = m.now + 1n;
  await time.setNextBlockTimestamp(at);
  let outcome: Outcome;
  try {
    const tx = await call(r.ledger.connect(r.signers[caller]));
    await tx.wait();
    outcome = OK;
  } catch (e) {
    outcome = fail(errorName(r.ledger, e));
  }
  const latest = BigInt(await time.latest());
  expect(latest, "the transaction is mined at the time the model expects").to.equal(at);
  m.now = latest;
  return outcome;
}

function expectOutcome(actual: Outcome, expected: Outcome, context: string): void {
  expect(show(actual), `chain and model disagree on ${context}`).to.equal(show(expected));
}

interface RecordView {
  authorityId: number;
  certType: number;
  status: number;
  revocationReason: number;
  issuedAt: bigint;
  validUntil: bigint;
  statusChangedAt: bigint;
}

async function readRecord(r: Real, certHash: string): Promise<RecordView> {
  const rec = await r.ledger.getCertificate(certHash);
  return {
    authorityId: Number(rec.authorityId),
    certType: Number(rec.certType),
    status: Number(rec.status),
    revocationReason: Number(rec.revocationReason),
    issuedAt: rec.issuedAt,
    validUntil: rec.validUntil,
    statusChangedAt: rec.statusChangedAt,
  };
}

const EMPTY_RECORD: RecordView = {
  authorityId: 0,
  certType: 0,
  status: Status.None,
  revocationReason: 0,
  issuedAt: 0n,
  validUntil: 0n,
  statusChangedAt: 0n,
};

/** Compares the whole chain state the model covers with the model, and checks P1 on every known certificate. */
async function compareAll(m: Model, r: Real, after: string): Promise<void> {
  const { ledger } = r;
  const ctx = (what: string) => `${what}, after ${after}`;
  const ids = Array.from({ length: UNKNOWN_AUTHORITY }, (_, i) => i + 1);
  const hashes = [...m.certs.keys(), ...m.probed];
  // All reads at once (one round of eth_calls), then the comparisons.
  const [parties, authorities, accountLists, boundTo, records, states, replacements, laterStates] = await Promise.all([
    Promise.all(PARTIES.map((p) => ledger.getParty(p))),
    Promise.all(ids.map((id) => ledger.getAuthority(id))),
    Promise.all(ids.map((id) => ledger.authorityAccounts(id))),
    Promise.all(ACCOUNTS.map((a) => ledger.authorityOfAccount(r.signers[a].address))),
    Promise.all(hashes.map((h) => readRecord(r, h))),
    Promise.all(hashes.map((h) => ledger.certificateStateAt(h, m.now))),
    Promise.all(hashes.map((h) => ledger.replacementOf(h))),
    Promise.all(hashes.map((h) => ledger.certificateStateAt(h, m.now + BigInt(10 * YEAR)))),
  ]);

  PARTIES.forEach((party, i) => {
    expect(Number(parties[i].status), ctx(`status of party ${PARTY_NAME[party]}`)).to.equal(m.parties.get(party)!.status);
  });
  ids.forEach((id, i) => {
    const chain = authorities[i];
    const model = m.authorities.get(id);
    const view = { party: chain.party.toLowerCase(), status: Number(chain.status), scope: chain.scope, validFrom: chain.validFrom, validUntil: chain.validUntil };
    const expected =
      model === undefined
        ? { party: "0x0000", status: AuthorityStatus.None, scope: 0n, validFrom: 0n, validUntil: 0n }
        : { party: model.party, status: model.status, scope: model.scope, validFrom: model.validFrom, validUntil: model.validUntil };
    expect(view, ctx(`authority ${id}`)).to.deep.equal(expected);
    const accounts = accountLists[i].map((a) => a.toLowerCase()).sort();
    const expectedAccounts = (model?.accounts ?? []).map((a) => r.signers[a].address.toLowerCase()).sort();
    expect(accounts, ctx(`accounts of authority ${id}`)).to.deep.equal(expectedAccounts);
  });
  ACCOUNTS.forEach((account, i) => {
    expect(Number(boundTo[i]), ctx(`authority of ${account}`)).to.equal(authorityOfAccount(m, account));
  });
  hashes.forEach((certHash, i) => {
    const c = m.certs.get(certHash);
    const chain = records[i];
    const expected: RecordView =
      c === undefined
        ? EMPTY_RECORD
        : {
            authorityId: c.authorityId,
            certType: c.certType,
            status: c.status,
            revocationReason: c.revocationReason,
            issuedAt: c.issuedAt,
            validUntil: c.validUntil,
            statusChangedAt: c.statusChangedAt,
          };
    expect(chain, ctx(`record of ${certHash}`)).to.deep.equal(expected);
    const state = Number(states[i]);
    expect(state, ctx(`state of ${certHash} at ${m.now}`)).to.equal(stateAt(c, m.now));
    expect(replacements[i], ctx(`replacement of ${certHash}`)).to.equal(c?.replacement ?? ethers.ZeroHash);

    // P1, from chain reads alone: once the chain showed a certificate revoked, it stays revoked and never reads active.
    if (chain.status === Status.Revoked) m.seenRevoked.add(certHash);
    if (m.seenRevoked.has(certHash)) {
      expect(chain.status, ctx(`P1: ${certHash} was revoked, its status must stay Revoked`)).to.equal(Status.Revoked);
      expect(state, ctx(`P1: ${certHash} was revoked, it must never be Active again`)).to.not.equal(State.Active);
      expect(state, ctx(`P1: ${certHash} was revoked, at now it reads Revoked`)).to.equal(State.Revoked);
      expect(Number(laterStates[i]), ctx(`P1: ${certHash} was revoked, it reads Revoked in the future too`)).to.equal(State.Revoked);
    }
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------------------------

type Cmd = fc.AsyncCommand<Model, Real>;

/** Who calls a certificate status change: a fixed caller, or one resolved against the certificate at run time. */
type CallerSpec = Caller | "issuer" | "issuerAdmin";

/** Which certificate a command targets: one anchored earlier (index modulo their number), or one never anchored. */
type Target = { kind: "known"; index: number } | { kind: "unknown"; n: number };

type HashChoice = { kind: "new"; n: number } | { kind: "existing"; index: number } | { kind: "zero" };

function resolveTarget(m: Model, target: Target): string {
  return target.kind === "known" ? m.hashes[target.index % m.hashes.length] : hashOf(1_000_000_000 + target.n);
}

function resolveCaller(m: Model, spec: CallerSpec, certHash: string): Caller {
  if (spec !== "issuer" && spec !== "issuerAdmin") return spec;
  const c = m.certs.get(certHash);
  const a = c === undefined ? undefined : m.authorities.get(c.authorityId);
  if (a === undefined) return "outsider";
  return spec === "issuer" ? a.accounts[0] : ADMIN_OF[a.party];
}

class AnchorCommand implements Cmd {
  constructor(
    readonly caller: Caller,
    readonly certType: number,
    readonly hash: HashChoice,
    readonly validFor: number,
  ) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    const at = m.now + 1n;
    const certHash =
      this.hash.kind === "zero"
        ? ethers.ZeroHash
        : this.hash.kind === "existing" && m.hashes.length > 0
          ? m.hashes[this.hash.index % m.hashes.length]
          : hashOf(this.hash.kind === "new" ? this.hash.n : this.hash.index);
    const validUntil = at + BigInt(this.validFor);
    const context = `${this} (hash ${certHash}, validUntil ${validUntil}, at ${at})`;
    const expected = predictAnchor(m, this.caller, certHash, this.certType, validUntil, at);

    // Chain state before the call, read without the model, for P2.
    const { ledger } = r;
    const address = r.signers[this.caller].address;
    const authorityId = Number(await ledger.authorityOfAccount(address));
    const authority = await ledger.getAuthority(authorityId);
    const partyStatus = Number((await ledger.getParty(authority.party)).status);
    const before = await readRecord(r, certHash);

    const outcome = await send(m, r, this.caller, (l) => l.anchorCertificate(certHash, this.certType, validUntil, ethers.ZeroHash, "0x", GAS));
    expectOutcome(outcome, expected, context);

    if (outcome.ok) {
      // P2: only an in-scope, active authority of an active party, within its validity period, anchors.
      expect(authorityId, `P2: ${context}: the caller is an authority account`).to.not.equal(0);
      expect(Number(authority.status), `P2: ${context}: its authority is active`).to.equal(AuthorityStatus.Active);
      expect(partyStatus, `P2: ${context}: the authority's party is active`).to.equal(PartyStatus.Active);
      expect(inTypes(authority.scope, this.certType), `P2: ${context}: the type is in the authority's scope`).to.equal(true);
      expect(at >= authority.validFrom && at <= authority.validUntil, `P2: ${context}: within the authority's validity`).to.equal(true);
      expect(before.status, `P2: ${context}: anchoring never overwrites a record`).to.equal(Status.None);
      const after = await readRecord(r, certHash);
      expect(after.authorityId, `P2: ${context}: the record names the caller's authority`).to.equal(authorityId);

      m.certs.set(certHash, {
        authorityId: authorityOfAccount(m, this.caller),
        certType: this.certType,
        status: Status.Active,
        revocationReason: 0,
        issuedAt: at,
        validUntil,
        statusChangedAt: at,
        replacement: ethers.ZeroHash,
      });
      m.hashes.push(certHash);
    } else {
      expect(await readRecord(r, certHash), `${context}: a failed anchor leaves the record as it was`).to.deep.equal(before);
    }
    await compareAll(m, r, context);
  }
  toString(): string {
    const hash = this.hash.kind === "zero" ? "zero" : this.hash.kind === "new" ? `new#${this.hash.n}` : `existing#${this.hash.index}`;
    return `anchor(${this.caller}, type ${this.certType}, ${hash}, valid for ${this.validFor}s)`;
  }
}

type StatusChange =
  | { op: "suspend" }
  | { op: "reinstate" }
  | { op: "revoke"; reason: number; effectiveAt: "issuance" | "now" | "beforeIssuance" | "future"; replacement: "none" | "self" | "other" };

class StatusCommand implements Cmd {
  constructor(
    readonly callerSpec: CallerSpec,
    readonly target: Target,
    readonly change: StatusChange,
  ) {}
  check(m: Readonly<Model>): boolean {
    return this.target.kind === "unknown" || m.hashes.length > 0;
  }
  async run(m: Model, r: Real): Promise<void> {
    const { ledger } = r;
    const at = m.now + 1n;
    const certHash = resolveTarget(m, this.target);
    const caller = resolveCaller(m, this.callerSpec, certHash);
    const known = m.certs.get(certHash);
    if (known === undefined) m.probed.add(certHash);

    let expected: Outcome;
    let call: (l: CertificateLedger) => Promise<ContractTransactionResponse>;
    let apply: (c: CertModel) => void;
    let detail = "";
    const change = this.change;
    if (change.op === "suspend") {
      expected = predictSuspend(m, caller, certHash);
      call = (l) => l.suspendCertificate(certHash, GAS);
      apply = (c) => {
        c.status = Status.Suspended;
        c.statusChangedAt = at;
      };
    } else if (change.op === "reinstate") {
      expected = predictReinstate(m, caller, certHash);
      call = (l) => l.reinstateCertificate(certHash, GAS);
      apply = (c) => {
        c.status = Status.Active;
        c.statusChangedAt = at;
      };
    } else {
      const issuedAt = known?.issuedAt ?? at;
      const effectiveAt = { issuance: issuedAt, now: at, beforeIssuance: issuedAt - 1n, future: at + 1n }[change.effectiveAt];
      const replacement = { none: ethers.ZeroHash, self: certHash, other: replacementHash }[change.replacement];
      detail = `, effectiveAt ${effectiveAt}`;
      expected = predictRevoke(m, caller, certHash, change.reason, effectiveAt, replacement, at);
      call = (l) => l.revokeCertificate(certHash, change.reason, effectiveAt, replacement, GAS);
      apply = (c) => {
        c.status = Status.Revoked;
        c.revocationReason = change.reason;
        c.statusChangedAt = effectiveAt;
        c.replacement = replacement;
      };
    }
    const context = `${this} (caller ${caller}, hash ${certHash}${detail}, at ${at})`;

    // Chain state before the call, read without the model, for P3 and P4.
    const address = r.signers[caller].address;
    const before = await readRecord(r, certHash);
    const callerAuthority = Number(await ledger.authorityOfAccount(address));
    const callerParty = (await ledger.partyOfAdmin(address)).toLowerCase();
    const issuerParty = (await ledger.getAuthority(before.authorityId)).party.toLowerCase();

    const outcome = await send(m, r, caller, call);
    expectOutcome(outcome, expected, context);
    const after = await readRecord(r, certHash);

    // P4: a status change never alters who issued what, when, until when.
    const fixed = (rec: RecordView) => ({ authorityId: rec.authorityId, certType: rec.certType, issuedAt: rec.issuedAt, validUntil: rec.validUntil });
    expect(fixed(after), `P4: ${context}: authorityId, certType, issuedAt and validUntil are unchanged`).to.deep.equal(fixed(before));
    // P3: only the issuing authority's accounts or its party's admin change a status.
    if (outcome.ok || after.status !== before.status) {
      const allowed =
        before.status !== Status.None &&
        (callerAuthority === before.authorityId || (callerParty !== "0x0000" && callerParty === issuerParty));
      expect(allowed, `P3: ${context}: the status changed, so the caller must be the issuer's account or party admin`).to.equal(true);
    }
    if (!outcome.ok) expect(after, `${context}: a failed status change leaves the record as it was`).to.deep.equal(before);
    // P1 (transition form): a revoked record stays revoked whatever is tried.
    if (before.status === Status.Revoked) expect(after.status, `P1: ${context}: revocation is final`).to.equal(Status.Revoked);

    if (outcome.ok) apply(m.certs.get(certHash)!);
    await compareAll(m, r, context);
  }

  toString(): string {
    const target = this.target.kind === "known" ? `known#${this.target.index}` : `unknown#${this.target.n}`;
    const c = this.change;
    const args = c.op === "revoke" ? `, reason ${c.reason}, at ${c.effectiveAt}, replacement ${c.replacement}` : "";
    return `${c.op}Certificate(${this.callerSpec}, ${target}${args})`;
  }
}

type AdminSpec = Caller | "rightAdmin" | "wrongAdmin";

function resolveAdmin(m: Model, spec: AdminSpec, authorityId: number): Caller {
  if (spec !== "rightAdmin" && spec !== "wrongAdmin") return spec;
  const a = m.authorities.get(authorityId);
  if (a === undefined) return spec === "rightAdmin" ? "kgAdmin" : "outsider";
  const right = ADMIN_OF[a.party];
  return spec === "rightAdmin" ? right : ADMINS.find((x) => x !== right)!;
}

type AuthorityChange =
  | { op: "suspend" }
  | { op: "reactivate" }
  | { op: "update"; scope: bigint; fromOffset: number; untilOffset: number }
  | { op: "addAccount"; account: Account }
  | { op: "removeAccount"; account: Account };

/** An authority id, or "suspended": the first suspended authority at run time (authority 1 when none is). */
type AuthorityTarget = number | "suspended";

class AuthorityCommand implements Cmd {
  constructor(
    readonly callerSpec: AdminSpec,
    readonly authorityId: AuthorityTarget,
    readonly change: AuthorityChange,
  ) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    const at = m.now + 1n;
    const id =
      this.authorityId !== "suspended"
        ? this.authorityId
        : ([...m.authorities].find(([, a]) => a.status === AuthorityStatus.Suspended)?.[0] ?? 1);
    const caller = resolveAdmin(m, this.callerSpec, id);
    const c = this.change;
    let expected: Outcome;
    let call: (l: CertificateLedger) => Promise<ContractTransactionResponse>;
    let apply: (a: AuthorityModel) => void;
    let detail = "";
    const admin = predictAuthorityAdmin(m, caller, id, c.op !== "suspend");
    if (c.op === "suspend") {
      expected = isOutcome(admin) ? admin : admin.status !== AuthorityStatus.Active ? fail("LedgerAuthorityNotActive") : OK;
      call = (l) => l.suspendAuthority(id, GAS);
      apply = (a) => (a.status = AuthorityStatus.Suspended);
    } else if (c.op === "reactivate") {
      expected = isOutcome(admin) ? admin : admin.status === AuthorityStatus.Active ? fail("LedgerAuthorityAlreadyActive") : OK;
      call = (l) => l.reactivateAuthority(id, GAS);
      apply = (a) => (a.status = AuthorityStatus.Active);
    } else if (c.op === "update") {
      const validFrom = at + BigInt(c.fromOffset) < 0n ? 0n : at + BigInt(c.fromOffset);
      const validUntil = at + BigInt(c.untilOffset) < 0n ? 0n : at + BigInt(c.untilOffset);
      detail = `, validFrom ${validFrom}, validUntil ${validUntil}`;
      expected = isOutcome(admin)
        ? admin
        : c.scope === 0n || (c.scope & 1n) === 1n
          ? fail("LedgerInvalidScope")
          : validFrom >= validUntil
            ? fail("LedgerInvalidValidityPeriod")
            : OK;
      call = (l) => l.updateAuthority(id, c.scope, validFrom, validUntil, GAS);
      apply = (a) => {
        a.scope = c.scope;
        a.validFrom = validFrom;
        a.validUntil = validUntil;
      };
    } else if (c.op === "addAccount") {
      expected = isOutcome(admin) ? admin : authorityOfAccount(m, c.account) !== 0 ? fail("LedgerAccountAlreadyBound") : OK;
      call = (l) => l.addAuthorityAccount(id, r.signers[c.account].address, GAS);
      apply = (a) => a.accounts.push(c.account);
    } else {
      expected = isOutcome(admin)
        ? admin
        : authorityOfAccount(m, c.account) !== id
          ? fail("LedgerNotAuthorityAccount")
          : admin.accounts.length === 1
            ? fail("LedgerLastAuthorityAccount")
            : OK;
      call = (l) => l.removeAuthorityAccount(id, r.signers[c.account].address, GAS);
      apply = (a) => (a.accounts = a.accounts.filter((x) => x !== c.account));
    }
    const context = `${this} (authority ${id}, caller ${caller}${detail}, at ${at})`;
    const outcome = await send(m, r, caller, call);
    expectOutcome(outcome, expected, context);
    if (outcome.ok) apply(m.authorities.get(id)!);
    await compareAll(m, r, context);
  }
  toString(): string {
    const c = this.change;
    const args =
      c.op === "update"
        ? `, scope 0b${c.scope.toString(2)}, from now${c.fromOffset >= 0 ? "+" : ""}${c.fromOffset}s, until now${c.untilOffset >= 0 ? "+" : ""}${c.untilOffset}s`
        : c.op === "addAccount" || c.op === "removeAccount"
          ? `, ${c.account}`
          : "";
    const name = c.op === "addAccount" || c.op === "removeAccount" ? `${c.op.replace("Account", "")}AuthorityAccount` : `${c.op}Authority`;
    return `${name}(${this.callerSpec}, authority ${this.authorityId}${args})`;
  }
}

class AdvanceTimeCommand implements Cmd {
  constructor(readonly seconds: number) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    await time.increase(this.seconds);
    const latest = BigInt(await time.latest());
    expect(latest, `${this}: the clock moved as asked`).to.equal(m.now + BigInt(this.seconds));
    m.now = latest;
    await compareAll(m, r, String(this));
  }
  toString(): string {
    return `advanceTime(${this.seconds}s)`;
  }
}

/**
 * Suspends or reinstates a party through a consortium vote (propose, approve while needed, execute), so that anchoring
 * and reinstating also meet suspended parties. Generated only when the vote is valid; every step must succeed.
 */
class PartyVoteCommand implements Cmd {
  constructor(
    readonly action: "suspend" | "reinstate",
    readonly party: string,
  ) {}
  check(m: Readonly<Model>): boolean {
    const status = m.parties.get(this.party)!.status;
    const active = PARTIES.filter((p) => m.parties.get(p)!.status === PartyStatus.Active).length;
    return this.action === "suspend" ? status === PartyStatus.Active && active > 1 : status === PartyStatus.Suspended;
  }
  async run(m: Model, r: Real): Promise<void> {
    const { ledger } = r;
    const voters = PARTIES.filter((p) => m.parties.get(p)!.status === PartyStatus.Active).sort((a, b) => Number(a === this.party) - Number(b === this.party));
    const required = Math.min(Number(await ledger.threshold()), voters.length);
    const kind = this.action === "suspend" ? Kind.SuspendParty : Kind.ReinstateParty;
    const proposalId = (await ledger.proposalCount()) + 1n;
    const steps: [Caller, (l: CertificateLedger) => Promise<ContractTransactionResponse>][] = [
      [ADMIN_OF[voters[0]], (l) => l.propose(kind, this.party, ethers.ZeroAddress, 0, GAS)],
      ...voters.slice(1, required).map((p): [Caller, (l: CertificateLedger) => Promise<ContractTransactionResponse>] => [ADMIN_OF[p], (l) => l.approve(proposalId, GAS)]),
      ["outsider", (l) => l.execute(proposalId, GAS)],
    ];
    for (const [caller, call] of steps) expectOutcome(await send(m, r, caller, call), OK, `${this}, step by ${caller}`);
    m.parties.get(this.party)!.status = this.action === "suspend" ? PartyStatus.Suspended : PartyStatus.Active;
    await compareAll(m, r, String(this));
  }
  toString(): string {
    return `${this.action}Party(${PARTY_NAME[this.party]})`;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------------------------

const anyCaller = fc.constantFrom(...CALLERS);
/** Mostly the accounts whose moves can succeed (the spare, and KG's body's second account), sometimes any. */
const account = fc.oneof(fc.constantFrom<Account>("spare", "kgBody2"), fc.constantFrom(...ACCOUNTS));
const authorityId: fc.Arbitrary<AuthorityTarget> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: UNKNOWN_AUTHORITY - 1 }) },
  { weight: 1, arbitrary: fc.constant(UNKNOWN_AUTHORITY) },
);
const target: fc.Arbitrary<Target> = fc.oneof(
  { weight: 5, arbitrary: fc.nat({ max: 50 }).map((index): Target => ({ kind: "known", index })) },
  { weight: 1, arbitrary: fc.nat({ max: 5 }).map((n): Target => ({ kind: "unknown", n })) },
);
const statusCaller: fc.Arbitrary<CallerSpec> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<CallerSpec>("issuer") },
  { weight: 1, arbitrary: fc.constant<CallerSpec>("issuerAdmin") },
  { weight: 2, arbitrary: anyCaller },
);
const adminCaller: fc.Arbitrary<AdminSpec> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<AdminSpec>("rightAdmin") },
  { weight: 1, arbitrary: fc.constant<AdminSpec>("wrongAdmin") },
  { weight: 1, arbitrary: anyCaller },
);

/** Callers paired with a type their authority issues (in the fixture), so that anchors often succeed. */
const inScopePair = fc.constantFrom<[Caller, number]>(["kgBody", 1], ["kgBody", 2], ["kgBody2", 1], ["kgLab", 2], ["kzChamber", 3], ["uzPlant", 4]);
const anyPair = fc.tuple(anyCaller, fc.integer({ min: 0, max: 5 }));
const hashChoice: fc.Arbitrary<HashChoice> = fc.oneof(
  { weight: 6, arbitrary: fc.nat({ max: 1_000_000 }).map((n): HashChoice => ({ kind: "new", n })) },
  { weight: 2, arbitrary: fc.nat({ max: 50 }).map((index): HashChoice => ({ kind: "existing", index })) },
  { weight: 1, arbitrary: fc.constant<HashChoice>({ kind: "zero" }) },
);
const certValidity = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 400 * DAY }) },
  { weight: 1, arbitrary: fc.integer({ min: -DAY, max: 0 }) },
);
const anchor = fc
  .tuple(fc.oneof({ weight: 3, arbitrary: inScopePair }, { weight: 2, arbitrary: anyPair }), hashChoice, certValidity)
  .map(([[caller, certType], hash, validFor]) => new AnchorCommand(caller, certType, hash, validFor));

const statusChange: fc.Arbitrary<StatusChange> = fc.oneof(
  fc.constant<StatusChange>({ op: "suspend" }),
  fc.constant<StatusChange>({ op: "reinstate" }),
  fc.record({
    op: fc.constant("revoke" as const),
    reason: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(0, 1, 2, 3, 4, 5, 9, 10) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 12 }) }),
    effectiveAt: fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom("issuance" as const, "now" as const) },
      { weight: 1, arbitrary: fc.constantFrom("beforeIssuance" as const, "future" as const) },
    ),
    replacement: fc.oneof({ weight: 4, arbitrary: fc.constantFrom("none" as const, "other" as const) }, { weight: 1, arbitrary: fc.constant("self" as const) }),
  }),
);
const statusCommand = fc.tuple(statusCaller, target, statusChange).map(([caller, t, change]) => new StatusCommand(caller, t, change));

const scope = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(types(1), types(2), types(1, 2), types(3), types(4), types(1, 2, 3, 4)) },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 63n }) },
);
const authorityUpdate = fc.record({
  op: fc.constant("update" as const),
  scope,
  fromOffset: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: -YEAR, max: 0 }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 30 * DAY }) }),
  untilOffset: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 1, max: 5 * YEAR }) }, { weight: 1, arbitrary: fc.integer({ min: -YEAR, max: 0 }) }),
});
/** Reactivation mostly targets an authority that is suspended at run time, so that it can succeed. */
const reactivateTarget: fc.Arbitrary<AuthorityTarget> = fc.oneof({ weight: 3, arbitrary: fc.constant<AuthorityTarget>("suspended") }, authorityId);
const authorityCommand = fc.oneof(
  { weight: 2, arbitrary: fc.tuple(adminCaller, authorityId).map(([caller, id]) => new AuthorityCommand(caller, id, { op: "suspend" })) },
  { weight: 2, arbitrary: fc.tuple(adminCaller, reactivateTarget).map(([caller, id]) => new AuthorityCommand(caller, id, { op: "reactivate" })) },
  { weight: 2, arbitrary: fc.tuple(adminCaller, authorityId, authorityUpdate).map(([caller, id, change]) => new AuthorityCommand(caller, id, change)) },
  { weight: 1, arbitrary: fc.tuple(adminCaller, authorityId, account).map(([caller, id, a]) => new AuthorityCommand(caller, id, { op: "addAccount", account: a })) },
  { weight: 1, arbitrary: fc.tuple(adminCaller, authorityId, account).map(([caller, id, a]) => new AuthorityCommand(caller, id, { op: "removeAccount", account: a })) },
);

const advanceTime = fc
  .oneof(
    { weight: 2, arbitrary: fc.integer({ min: 1, max: DAY }) },
    { weight: 3, arbitrary: fc.integer({ min: DAY, max: 120 * DAY }) },
    { weight: 1, arbitrary: fc.integer({ min: 120 * DAY, max: 2 * YEAR }) },
  )
  .map((s) => new AdvanceTimeCommand(s));

const partyVote = fc.tuple(fc.constantFrom("suspend" as const, "reinstate" as const, "reinstate" as const), fc.constantFrom(...PARTIES)).map(([a, p]) => new PartyVoteCommand(a, p));

const allCommands: fc.Arbitrary<Cmd>[] = [
  fc.oneof(
    { weight: 4, arbitrary: anchor },
    { weight: 5, arbitrary: statusCommand },
    { weight: 4, arbitrary: authorityCommand },
    { weight: 1, arbitrary: advanceTime },
    { weight: 1, arbitrary: partyVote },
  ),
];

// ---------------------------------------------------------------------------------------------------------------
// The property
// ---------------------------------------------------------------------------------------------------------------

async function setup(): Promise<{ model: Model; real: Real }> {
  const f = await loadFixture(withAuthorities);
  const all = await ethers.getSigners();
  const signers: Record<Caller, HardhatEthersSigner> = {
    kgBody: f.kgBody,
    kgBody2: f.kgBody2,
    kgLab: f.kgLab,
    kzChamber: f.kzChamber,
    uzPlant: f.uzPlant,
    spare: all[11],
    kgAdmin: f.kgAdmin,
    kzAdmin: f.kzAdmin,
    uzAdmin: f.uzAdmin,
    outsider: f.outsider,
  };
  const authority = async (id: number, party: string, scope: bigint, accounts: Account[]): Promise<[number, AuthorityModel]> => {
    const chain = await f.ledger.getAuthority(id);
    return [id, { party, status: AuthorityStatus.Active, scope, validFrom: chain.validFrom, validUntil: chain.validUntil, accounts }];
  };
  const model: Model = {
    now: BigInt(await time.latest()),
    parties: new Map(PARTIES.map((p) => [p, { status: PartyStatus.Active }])),
    authorities: new Map([
      await authority(f.ids.kgBody, KG, types(1, 2), ["kgBody", "kgBody2"]),
      await authority(f.ids.kgLab, KG, types(2), ["kgLab"]),
      await authority(f.ids.kzChamber, KZ, types(3), ["kzChamber"]),
      await authority(f.ids.uzPlant, UZ, types(4), ["uzPlant"]),
    ]),
    certs: new Map(),
    hashes: [],
    probed: new Set(),
    seenRevoked: new Set(),
  };
  const real: Real = { ledger: f.ledger, signers };
  await compareAll(model, real, "the fixture");
  return { model, real };
}

describe("Ledger (model-based properties)", function () {
  it("random operation sequences keep the chain equal to the model of the rules, and P1-P4 hold", async function () {
    await fc.assert(
      fc.asyncProperty(fc.commands(allCommands, { maxCommands: MAX_STEPS, size: "max" }), async (cmds) => {
        await fc.asyncModelRun(setup, cmds);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
