/**
 * Access-control matrix of the ledger: for every state-changing function, who may call it and who may not.
 *
 * Every target belongs to KG: its party record, its certification body (authority 1, accounts kgBody and kgBody2),
 * a certificate and a Merkle batch that body anchored, and the body's signing key. The wrong callers are the other
 * parties' admins, the accounts of other authorities (KG's test lab, KZ's chamber), a random account, and the right
 * callers once they were removed or while their authority or their party is suspended.
 *
 * Each denied row asserts the exact custom error and its arguments; each allowed row asserts the events, with their
 * arguments, of a call that goes through.
 *
 * The origin registry beside the ledger (contracts/origin/OriginRegistry.sol) has a matrix of its own at the end of
 * the file, in the same form, over KG's origin authority, registrations and agreements.
 */
import { expect } from "chai";
import { ZeroAddress, ZeroHash, type ContractTransactionResponse } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { CertificateLedger__factory, OriginRegistry__factory, type CertificateLedger, type OriginRegistry } from "../../typechain-types";
import {
  CertType,
  ES256,
  KG,
  KZ,
  Kind,
  PROPOSAL_LIFETIME,
  Status,
  TJ,
  UZ,
  YEAR,
  loadFixture,
  merkleBatch,
  randomCerts,
  randomCid,
  randomHash,
  time,
  types,
  withCertificate,
} from "./fixtures";

type Signer = HardhatEthersSigner;

/** The party code no party can have; nobody administers it. */
const NO_PARTY = "0x0000";
/** An IPFS node as a party registers it. */
const NODE = { peerId: "12D3KooWQvZ5pBkqUXtzjCRsTkoeJoGQqt1fcq8QSNuUVcy6Wqa1", multiaddr: "/ip4/10.0.0.1/tcp/4001" };
const Y = BigInt(YEAR);

// ---------------------------------------------------------------------------------------------------------------
// Scenes: the chain states the matrix runs in (each one a loadFixture snapshot).
// ---------------------------------------------------------------------------------------------------------------

/**
 * {@link withCertificate} (a conformity certificate of KG's certification body), plus: a second KG admin, a
 * suspended certificate of the body, a Merkle batch of 4 conformity certificates anchored by the body (its second
 * certificate suspended), and proposal 1 (KZ proposes to admit TJ, so far approved by KZ only).
 */
async function activeScene() {
  const base = await loadFixture(withCertificate);
  const { ledger, signers, kgAdmin, kgAdmin2, kzAdmin, kgBody, ids } = base;
  const [newcomer, newAccount, tjAdmin] = signers.slice(11, 14);

  await ledger.connect(kgAdmin).addPartyAdmin(KG, kgAdmin2.address);

  const far = BigInt(await time.latest()) + Y;
  const suspendedCert = randomHash();
  await ledger.connect(kgBody).anchorCertificate(suspendedCert, CertType.Conformity, far, randomHash(), "0x");
  await ledger.connect(kgBody).suspendCertificate(suspendedCert);

  const batch = merkleBatch(ids.kgBody, randomCerts(4, far));
  await ledger.connect(kgBody).anchorBatch(batch.root, CertType.Conformity, batch.leaves.length, randomCid());
  const batchIssuedAt = BigInt(await time.latest());
  const member = batch.member(0);
  const suspendedMember = batch.member(1);
  await ledger.connect(kgBody).suspendBatchedCertificate(suspendedMember);

  await ledger.connect(kzAdmin).propose(Kind.AdmitParty, TJ, tjAdmin.address, 0);
  const admission = 1n;

  const now = BigInt(await time.latest());
  /** Fresh values for the calls under test, fixed per snapshot so that the expected events can name them. */
  const input = {
    key: randomHash(),
    thumbprint: randomHash(),
    jwkCid: randomCid(),
    certHash: randomHash(),
    numberHash: randomHash(),
    cid: randomCid(),
    root: randomHash(),
    from: now,
    until: now + 2n * Y,
  };
  return { ...base, newcomer, newAccount, tjAdmin, suspendedCert, member, suspendedMember, batchIssuedAt, admission, now, input };
}

type Ctx = Awaited<ReturnType<typeof activeScene>>;
type Scene = () => Promise<Ctx>;

/** KZ proposes to suspend KG, UZ approves (threshold 2), a random account executes. */
async function suspendKG(c: Ctx): Promise<void> {
  const id = (await c.ledger.proposalCount()) + 1n;
  await c.ledger.connect(c.kzAdmin).propose(Kind.SuspendParty, KG, ZeroAddress, 0);
  await c.ledger.connect(c.uzAdmin).approve(id);
  await c.ledger.connect(c.outsider).execute(id);
}

/** KG's admin suspended its certification body. */
async function bodySuspendedScene(): Promise<Ctx> {
  const c = await loadFixture(activeScene);
  await c.ledger.connect(c.kgAdmin).suspendAuthority(c.ids.kgBody);
  return c;
}

/** The consortium suspended KG; its certification body itself stays active. */
async function partySuspendedScene(): Promise<Ctx> {
  const c = await loadFixture(activeScene);
  await suspendKG(c);
  return c;
}

/** KG's certification body is suspended and so is KG. */
async function bodyAndPartySuspendedScene(): Promise<Ctx> {
  const c = await loadFixture(bodySuspendedScene);
  await suspendKG(c);
  return c;
}

/** KG removed its second admin and the certification body's second account. */
async function removedScene(): Promise<Ctx> {
  const c = await loadFixture(activeScene);
  await c.ledger.connect(c.kgAdmin).removeAuthorityAccount(c.ids.kgBody, c.kgBody2.address);
  await c.ledger.connect(c.kgAdmin).removePartyAdmin(KG, c.kgAdmin2.address);
  return c;
}

/** UZ approved proposal 1 (admit TJ), so it has the 2 approvals it needs. */
async function approvedScene(): Promise<Ctx> {
  const c = await loadFixture(activeScene);
  await c.ledger.connect(c.uzAdmin).approve(c.admission);
  return c;
}

// ---------------------------------------------------------------------------------------------------------------
// Callers.
// ---------------------------------------------------------------------------------------------------------------

interface Caller {
  /** Subject of the test's sentence. */
  label: string;
  pick: (c: Ctx) => Signer;
  /** The state the caller's role needs (e.g. its party suspended). */
  scene?: Scene;
}

const as = {
  kgAdmin: { label: "KG's admin", pick: (c) => c.kgAdmin },
  kgAdmin2: { label: "KG's second admin", pick: (c) => c.kgAdmin2 },
  kzAdmin: { label: "another party's admin (KZ's)", pick: (c) => c.kzAdmin },
  uzAdmin: { label: "a third party's admin (UZ's)", pick: (c) => c.uzAdmin },
  kgBody: { label: "an account of KG's certification body", pick: (c) => c.kgBody },
  kgBody2: { label: "the certification body's second account", pick: (c) => c.kgBody2 },
  kgLab: { label: "an account of another KG authority (the test lab)", pick: (c) => c.kgLab },
  kzChamber: { label: "an account of another party's authority (KZ's chamber)", pick: (c) => c.kzChamber },
  outsider: { label: "a random account", pick: (c) => c.outsider },
  kgBodySuspended: {
    label: "the certification body's account, while the body is suspended,",
    pick: (c) => c.kgBody,
    scene: bodySuspendedScene,
  },
  kgAdminBodySuspended: {
    label: "KG's admin, while the certification body is suspended,",
    pick: (c) => c.kgAdmin,
    scene: bodySuspendedScene,
  },
  kgBodyPartySuspended: {
    label: "the certification body's account, while KG is suspended,",
    pick: (c) => c.kgBody,
    scene: partySuspendedScene,
  },
  kgAdminPartySuspended: { label: "KG's admin, while KG is suspended,", pick: (c) => c.kgAdmin, scene: partySuspendedScene },
  removedAdmin: { label: "a removed KG admin", pick: (c) => c.kgAdmin2, scene: removedScene },
  removedAccount: { label: "a removed account of the certification body", pick: (c) => c.kgBody2, scene: removedScene },
} satisfies Record<string, Caller>;

/** The party `s` administers in the scenes (for the consortium's events). */
function partyOf(c: Ctx, s: Signer): string {
  if (s === c.kgAdmin || s === c.kgAdmin2) return KG;
  if (s === c.kzAdmin) return KZ;
  if (s === c.uzAdmin) return UZ;
  throw new Error(`${s.address} administers no party`);
}

// ---------------------------------------------------------------------------------------------------------------
// Operations: one call of a state-changing function, with the events it emits when it goes through.
// ---------------------------------------------------------------------------------------------------------------

type Emitted = [event: string, args: unknown[]];

interface Op {
  fn: string;
  /** Predicate of the test's sentence. */
  does: string;
  send: (ledger: CertificateLedger, c: Ctx) => Promise<ContractTransactionResponse>;
  /** The events of a successful call by `caller` in a block at `at`. */
  emits?: (c: Ctx, caller: Signer, at: bigint) => Emitted[];
  /** The state the operation needs (e.g. something suspended to reactivate). */
  scene?: Scene;
}

const ops = {
  // Parties
  addPartyAdmin: {
    fn: "addPartyAdmin",
    does: "add an admin to KG",
    send: (l, c) => l.addPartyAdmin(KG, c.newcomer.address),
    emits: (c) => [["PartyAdminAdded", [KG, c.newcomer.address]]],
  },
  addPartyAdminToNoParty: {
    fn: "addPartyAdmin",
    does: "add an admin to the empty party code 0x0000",
    send: (l, c) => l.addPartyAdmin(NO_PARTY, c.newcomer.address),
  },
  removePartyAdmin: {
    fn: "removePartyAdmin",
    does: "remove KG's second admin",
    send: (l, c) => l.removePartyAdmin(KG, c.kgAdmin2.address),
    emits: (c) => [["PartyAdminRemoved", [KG, c.kgAdmin2.address]]],
  },
  setPartyEncryptionKey: {
    fn: "setPartyEncryptionKey",
    does: "set KG's encryption key",
    send: (l, c) => l.setPartyEncryptionKey(KG, c.input.thumbprint, c.input.jwkCid),
    emits: (c) => [["PartyEncryptionKeySet", [KG, c.input.thumbprint, c.input.jwkCid]]],
  },
  setNoPartyEncryptionKey: {
    fn: "setPartyEncryptionKey",
    does: "set an encryption key for the empty party code 0x0000",
    send: (l, c) => l.setPartyEncryptionKey(NO_PARTY, c.input.thumbprint, c.input.jwkCid),
  },
  setPartyNode: {
    fn: "setPartyNode",
    does: "register KG's IPFS node",
    send: (l) => l.setPartyNode(KG, NODE.peerId, NODE.multiaddr),
    emits: () => [["PartyNodeSet", [KG, NODE.peerId, NODE.multiaddr]]],
  },
  setNoPartyNode: {
    fn: "setPartyNode",
    does: "register an IPFS node for the empty party code 0x0000",
    send: (l) => l.setPartyNode(NO_PARTY, NODE.peerId, NODE.multiaddr),
  },
  // Consortium
  propose: {
    fn: "propose",
    does: "propose a consortium decision",
    send: (l) => l.propose(Kind.SetThreshold, NO_PARTY, ZeroAddress, 3),
    emits: (c, s, at) => [
      ["ProposalCreated", [2n, partyOf(c, s), s.address, Kind.SetThreshold, NO_PARTY, ZeroAddress, 3, at + BigInt(PROPOSAL_LIFETIME)]],
      ["ProposalApproved", [2n, partyOf(c, s), s.address, 1]],
    ],
  },
  approve: {
    fn: "approve",
    does: "approve KZ's proposal to admit TJ",
    send: (l, c) => l.approve(c.admission),
    emits: (c, s) => [["ProposalApproved", [c.admission, partyOf(c, s), s.address, 2]]],
  },
  execute: {
    fn: "execute",
    does: "execute the approved proposal to admit TJ",
    send: (l, c) => l.execute(c.admission),
    emits: (c) => [
      ["ProposalExecuted", [c.admission]],
      ["PartyAdmitted", [TJ, c.tjAdmin.address]],
      ["PartyAdminAdded", [TJ, c.tjAdmin.address]],
    ],
    scene: approvedScene,
  },
  executeUnapproved: {
    fn: "execute",
    does: "execute a proposal only its own party approved",
    send: (l, c) => l.execute(c.admission),
  },
  // Authorities
  registerAuthority: {
    fn: "registerAuthority",
    does: "register an authority for KG",
    send: (l, c) => l.registerAuthority(KG, "KG inspection body", [c.newAccount.address], types(CertType.Conformity), c.input.from, c.input.until),
    emits: (c) => [
      ["AuthorityRegistered", [5, KG, "KG inspection body", types(CertType.Conformity), c.input.from, c.input.until]],
      ["AuthorityAccountAdded", [5, c.newAccount.address]],
    ],
  },
  registerAuthorityForNoParty: {
    fn: "registerAuthority",
    does: "register an authority for the empty party code 0x0000",
    send: (l, c) =>
      l.registerAuthority(NO_PARTY, "nobody's body", [c.newAccount.address], types(CertType.Conformity), c.input.from, c.input.until),
  },
  updateAuthority: {
    fn: "updateAuthority",
    does: "update the certification body's scope and validity",
    send: (l, c) => l.updateAuthority(c.ids.kgBody, types(CertType.Conformity), c.input.from, c.input.until),
    emits: (c) => [["AuthorityUpdated", [c.ids.kgBody, types(CertType.Conformity), c.input.from, c.input.until]]],
  },
  suspendAuthority: {
    fn: "suspendAuthority",
    does: "suspend the certification body",
    send: (l, c) => l.suspendAuthority(c.ids.kgBody),
    emits: (c) => [["AuthoritySuspended", [c.ids.kgBody]]],
  },
  reactivateAuthority: {
    fn: "reactivateAuthority",
    does: "reactivate the suspended certification body",
    send: (l, c) => l.reactivateAuthority(c.ids.kgBody),
    emits: (c) => [["AuthorityReactivated", [c.ids.kgBody]]],
    scene: bodySuspendedScene,
  },
  addAuthorityAccount: {
    fn: "addAuthorityAccount",
    does: "add an account to the certification body",
    send: (l, c) => l.addAuthorityAccount(c.ids.kgBody, c.newAccount.address),
    emits: (c) => [["AuthorityAccountAdded", [c.ids.kgBody, c.newAccount.address]]],
  },
  removeAuthorityAccount: {
    fn: "removeAuthorityAccount",
    does: "remove the certification body's second account",
    send: (l, c) => l.removeAuthorityAccount(c.ids.kgBody, c.kgBody2.address),
    emits: (c) => [["AuthorityAccountRemoved", [c.ids.kgBody, c.kgBody2.address]]],
  },
  // Signing keys
  addSigningKey: {
    fn: "addSigningKey",
    does: "add a signing key to the certification body",
    send: (l, c) => l.addSigningKey(c.ids.kgBody, c.input.key, ES256, c.input.from, c.input.until),
    emits: (c) => [["SigningKeyAdded", [c.ids.kgBody, c.input.key, ES256, c.input.from, c.input.until]]],
  },
  rotateSigningKey: {
    fn: "rotateSigningKey",
    does: "rotate the certification body's signing key",
    send: (l, c) => l.rotateSigningKey(c.ids.kgBody, c.keys.kgBody, c.input.key, ES256, c.input.until),
    emits: (c, _s, at) => [
      ["SigningKeyRotated", [c.ids.kgBody, c.keys.kgBody, c.input.key, at]],
      ["SigningKeyAdded", [c.ids.kgBody, c.input.key, ES256, at, c.input.until]],
    ],
  },
  compromiseSigningKey: {
    fn: "compromiseSigningKey",
    does: "mark the certification body's signing key compromised",
    send: (l, c) => l.compromiseSigningKey(c.ids.kgBody, c.keys.kgBody, c.now),
    emits: (c) => [["SigningKeyCompromised", [c.ids.kgBody, c.keys.kgBody, c.now]]],
  },
  // Certificates
  anchorCertificate: {
    fn: "anchorCertificate",
    does: "anchor a conformity certificate",
    send: (l, c) => l.anchorCertificate(c.input.certHash, CertType.Conformity, c.now + Y, c.input.numberHash, c.input.cid),
    emits: (c) => [
      ["CertificateAnchored", [c.input.certHash, c.input.numberHash, c.ids.kgBody, CertType.Conformity, c.now + Y, c.input.cid]],
    ],
  },
  anchorBatch: {
    fn: "anchorBatch",
    does: "anchor a batch of conformity certificates",
    send: (l, c) => l.anchorBatch(c.input.root, CertType.Conformity, 4, c.input.cid),
    emits: (c) => [["BatchAnchored", [c.input.root, c.ids.kgBody, CertType.Conformity, 4, c.input.cid]]],
  },
  suspendCertificate: {
    fn: "suspendCertificate",
    does: "suspend a certificate of the certification body",
    send: (l, c) => l.suspendCertificate(c.certHash),
    emits: (c) => [["CertificateSuspended", [c.certHash, c.ids.kgBody, ZeroHash]]],
  },
  reinstateCertificate: {
    fn: "reinstateCertificate",
    does: "reinstate a suspended certificate of the certification body",
    send: (l, c) => l.reinstateCertificate(c.suspendedCert),
    emits: (c) => [["CertificateReinstated", [c.suspendedCert, c.ids.kgBody, ZeroHash]]],
  },
  revokeCertificate: {
    fn: "revokeCertificate",
    does: "revoke a certificate of the certification body",
    send: (l, c) => l.revokeCertificate(c.certHash, 4, c.issuedAt, ZeroHash),
    emits: (c) => [["CertificateRevoked", [c.certHash, c.ids.kgBody, ZeroHash, 4, c.issuedAt, ZeroHash]]],
  },
  suspendBatchedCertificate: {
    fn: "suspendBatchedCertificate",
    does: "suspend a batched certificate of the certification body",
    send: (l, c) => l.suspendBatchedCertificate(c.member),
    emits: (c) => [
      ["BatchedCertificateMaterialised", [c.member.certHash, c.member.root, c.member.numberHash, c.ids.kgBody]],
      ["CertificateSuspended", [c.member.certHash, c.ids.kgBody, c.member.root]],
    ],
  },
  reinstateBatchedCertificate: {
    fn: "reinstateBatchedCertificate",
    does: "reinstate a suspended batched certificate of the certification body",
    send: (l, c) => l.reinstateBatchedCertificate(c.suspendedMember),
    emits: (c) => [["CertificateReinstated", [c.suspendedMember.certHash, c.ids.kgBody, c.suspendedMember.root]]],
  },
  revokeBatchedCertificate: {
    fn: "revokeBatchedCertificate",
    does: "revoke a batched certificate of the certification body",
    send: (l, c) => l.revokeBatchedCertificate(c.member, 1, c.batchIssuedAt, ZeroHash),
    emits: (c) => [
      ["BatchedCertificateMaterialised", [c.member.certHash, c.member.root, c.member.numberHash, c.ids.kgBody]],
      ["CertificateRevoked", [c.member.certHash, c.ids.kgBody, c.member.root, 1, c.batchIssuedAt, ZeroHash]],
    ],
  },
  // Recognition
  setPartyRecognition: {
    fn: "setPartyRecognition",
    does: "set which KZ certificates KG recognises",
    send: (l) => l.setPartyRecognition(KG, KZ, types(CertType.Origin)),
    emits: () => [["PartyRecognitionSet", [KG, KZ, types(CertType.Origin)]]],
  },
  setNoPartyRecognition: {
    fn: "setPartyRecognition",
    does: "set recognition for the empty party code 0x0000",
    send: (l) => l.setPartyRecognition(NO_PARTY, KZ, types(CertType.Origin)),
  },
  setAuthorityRecognition: {
    fn: "setAuthorityRecognition",
    does: "set which certificates of KZ's chamber KG recognises",
    send: (l, c) => l.setAuthorityRecognition(KG, c.ids.kzChamber, types(CertType.Origin)),
    emits: (c) => [["AuthorityRecognitionSet", [KG, c.ids.kzChamber, types(CertType.Origin)]]],
  },
} satisfies Record<string, Op>;

// ---------------------------------------------------------------------------------------------------------------
// Expected errors, as [name, arguments].
// ---------------------------------------------------------------------------------------------------------------

type Expected = (c: Ctx, caller: Signer) => [error: string, args: unknown[]];

const notAdminOf =
  (party: string): Expected =>
  (_c, s) => ["LedgerNotPartyAdmin", [s.address, party]];
/** The caller administers no party (the consortium reports the empty code). */
const adminOfNoParty: Expected = (_c, s) => ["LedgerNotPartyAdmin", [s.address, NO_PARTY]];
const kgNotActive: Expected = () => ["LedgerPartyNotActive", [KG]];
const notBodyOrKgAdmin: Expected = (c, s) => ["LedgerNotAuthorityOrPartyAdmin", [s.address, c.ids.kgBody]];
const bodyNotActive: Expected = (c) => ["LedgerAuthorityNotActive", [c.ids.kgBody]];
const notAuthority: Expected = (_c, s) => ["LedgerNotAuthority", [s.address]];
const conformityNotInScopeOf =
  (authority: "kgLab" | "kzChamber"): Expected =>
  (c) => ["LedgerTypeNotInScope", [c.ids[authority], CertType.Conformity]];
const alreadyApprovedByKZ: Expected = (c) => ["LedgerProposalAlreadyApproved", [c.admission, KZ]];
const onlyOneApproval: Expected = (c) => ["LedgerProposalNotApproved", [c.admission, 1, 2]];

// ---------------------------------------------------------------------------------------------------------------
// The matrix.
// ---------------------------------------------------------------------------------------------------------------

/** [operation, wrong caller, expected error, scene when neither the caller's nor the operation's]. */
type Denied = [Op, Caller, Expected, Scene?];

const denied: Denied[] = [
  // --- addPartyAdmin: an admin of KG, while KG is active ---
  [ops.addPartyAdmin, as.kzAdmin, notAdminOf(KG)],
  [ops.addPartyAdmin, as.kgBody, notAdminOf(KG)],
  [ops.addPartyAdmin, as.kzChamber, notAdminOf(KG)],
  [ops.addPartyAdmin, as.outsider, notAdminOf(KG)],
  [ops.addPartyAdmin, as.removedAdmin, notAdminOf(KG)],
  [ops.addPartyAdmin, as.kgAdminPartySuspended, kgNotActive],
  [ops.addPartyAdminToNoParty, as.outsider, notAdminOf(NO_PARTY)],
  // --- removePartyAdmin: an admin of KG, while KG is active ---
  [ops.removePartyAdmin, as.kzAdmin, notAdminOf(KG)],
  [ops.removePartyAdmin, as.kgBody, notAdminOf(KG)],
  [ops.removePartyAdmin, as.kzChamber, notAdminOf(KG)],
  [ops.removePartyAdmin, as.outsider, notAdminOf(KG)],
  [ops.removePartyAdmin, as.kgAdminPartySuspended, kgNotActive],
  // --- setPartyEncryptionKey: an admin of KG, while KG is active ---
  [ops.setPartyEncryptionKey, as.kzAdmin, notAdminOf(KG)],
  [ops.setPartyEncryptionKey, as.kgBody, notAdminOf(KG)],
  [ops.setPartyEncryptionKey, as.kzChamber, notAdminOf(KG)],
  [ops.setPartyEncryptionKey, as.outsider, notAdminOf(KG)],
  [ops.setPartyEncryptionKey, as.removedAdmin, notAdminOf(KG)],
  [ops.setPartyEncryptionKey, as.kgAdminPartySuspended, kgNotActive],
  [ops.setNoPartyEncryptionKey, as.outsider, notAdminOf(NO_PARTY)],
  // --- setPartyNode: an admin of KG, while KG is active ---
  [ops.setPartyNode, as.kzAdmin, notAdminOf(KG)],
  [ops.setPartyNode, as.kgBody, notAdminOf(KG)],
  [ops.setPartyNode, as.kzChamber, notAdminOf(KG)],
  [ops.setPartyNode, as.outsider, notAdminOf(KG)],
  [ops.setPartyNode, as.removedAdmin, notAdminOf(KG)],
  [ops.setPartyNode, as.kgAdminPartySuspended, kgNotActive],
  [ops.setNoPartyNode, as.outsider, notAdminOf(NO_PARTY)],
  // --- propose: an admin of an active party ---
  [ops.propose, as.kgBody, adminOfNoParty],
  [ops.propose, as.kzChamber, adminOfNoParty],
  [ops.propose, as.outsider, adminOfNoParty],
  [ops.propose, as.removedAdmin, adminOfNoParty],
  [ops.propose, as.kgAdminPartySuspended, kgNotActive],
  // --- approve: an admin of an active party that has not approved yet ---
  [ops.approve, as.kgBody, adminOfNoParty],
  [ops.approve, as.kzChamber, adminOfNoParty],
  [ops.approve, as.outsider, adminOfNoParty],
  [ops.approve, as.removedAdmin, adminOfNoParty],
  [ops.approve, as.kgAdminPartySuspended, kgNotActive],
  [ops.approve, as.kzAdmin, alreadyApprovedByKZ],
  // --- execute: anyone, once approved ---
  [ops.executeUnapproved, as.kzAdmin, onlyOneApproval],
  // --- registerAuthority: an admin of the authority's party, while active ---
  [ops.registerAuthority, as.kzAdmin, notAdminOf(KG)],
  [ops.registerAuthority, as.kgBody, notAdminOf(KG)],
  [ops.registerAuthority, as.kgLab, notAdminOf(KG)],
  [ops.registerAuthority, as.kzChamber, notAdminOf(KG)],
  [ops.registerAuthority, as.outsider, notAdminOf(KG)],
  [ops.registerAuthority, as.removedAdmin, notAdminOf(KG)],
  [ops.registerAuthority, as.kgAdminPartySuspended, kgNotActive],
  [ops.registerAuthorityForNoParty, as.outsider, notAdminOf(NO_PARTY)],
  // --- updateAuthority: an admin of the authority's party, while active (not the authority itself) ---
  [ops.updateAuthority, as.kzAdmin, notAdminOf(KG)],
  [ops.updateAuthority, as.kgBody, notAdminOf(KG)],
  [ops.updateAuthority, as.kgLab, notAdminOf(KG)],
  [ops.updateAuthority, as.kzChamber, notAdminOf(KG)],
  [ops.updateAuthority, as.outsider, notAdminOf(KG)],
  [ops.updateAuthority, as.removedAdmin, notAdminOf(KG)],
  [ops.updateAuthority, as.kgAdminPartySuspended, kgNotActive],
  // --- suspendAuthority: an admin of the authority's party, even while it is suspended ---
  [ops.suspendAuthority, as.kzAdmin, notAdminOf(KG)],
  [ops.suspendAuthority, as.kgBody, notAdminOf(KG)],
  [ops.suspendAuthority, as.kgLab, notAdminOf(KG)],
  [ops.suspendAuthority, as.kzChamber, notAdminOf(KG)],
  [ops.suspendAuthority, as.outsider, notAdminOf(KG)],
  [ops.suspendAuthority, as.removedAdmin, notAdminOf(KG)],
  // --- reactivateAuthority: an admin of the authority's party, while active ---
  [ops.reactivateAuthority, as.kzAdmin, notAdminOf(KG)],
  [ops.reactivateAuthority, as.kgBodySuspended, notAdminOf(KG)],
  [ops.reactivateAuthority, as.kgLab, notAdminOf(KG)],
  [ops.reactivateAuthority, as.kzChamber, notAdminOf(KG)],
  [ops.reactivateAuthority, as.outsider, notAdminOf(KG)],
  [ops.reactivateAuthority, as.kgAdminPartySuspended, kgNotActive, bodyAndPartySuspendedScene],
  // --- addAuthorityAccount: an admin of the authority's party, while active ---
  [ops.addAuthorityAccount, as.kzAdmin, notAdminOf(KG)],
  [ops.addAuthorityAccount, as.kgBody, notAdminOf(KG)],
  [ops.addAuthorityAccount, as.kgLab, notAdminOf(KG)],
  [ops.addAuthorityAccount, as.kzChamber, notAdminOf(KG)],
  [ops.addAuthorityAccount, as.outsider, notAdminOf(KG)],
  [ops.addAuthorityAccount, as.removedAdmin, notAdminOf(KG)],
  [ops.addAuthorityAccount, as.kgAdminPartySuspended, kgNotActive],
  // --- removeAuthorityAccount: an admin of the authority's party, while active ---
  [ops.removeAuthorityAccount, as.kzAdmin, notAdminOf(KG)],
  [ops.removeAuthorityAccount, as.kgBody, notAdminOf(KG)],
  [ops.removeAuthorityAccount, as.kgBody2, notAdminOf(KG)],
  [ops.removeAuthorityAccount, as.kgLab, notAdminOf(KG)],
  [ops.removeAuthorityAccount, as.kzChamber, notAdminOf(KG)],
  [ops.removeAuthorityAccount, as.outsider, notAdminOf(KG)],
  [ops.removeAuthorityAccount, as.kgAdminPartySuspended, kgNotActive],
  // --- addSigningKey: an account of the authority or an admin of its party, both active ---
  [ops.addSigningKey, as.kzAdmin, notBodyOrKgAdmin],
  [ops.addSigningKey, as.kgLab, notBodyOrKgAdmin],
  [ops.addSigningKey, as.kzChamber, notBodyOrKgAdmin],
  [ops.addSigningKey, as.outsider, notBodyOrKgAdmin],
  [ops.addSigningKey, as.removedAccount, notBodyOrKgAdmin],
  [ops.addSigningKey, as.removedAdmin, notBodyOrKgAdmin],
  [ops.addSigningKey, as.kgBodySuspended, bodyNotActive],
  [ops.addSigningKey, as.kgAdminBodySuspended, bodyNotActive],
  [ops.addSigningKey, as.kgBodyPartySuspended, kgNotActive],
  [ops.addSigningKey, as.kgAdminPartySuspended, kgNotActive],
  // --- rotateSigningKey: an account of the authority or an admin of its party, both active ---
  [ops.rotateSigningKey, as.kzAdmin, notBodyOrKgAdmin],
  [ops.rotateSigningKey, as.kgLab, notBodyOrKgAdmin],
  [ops.rotateSigningKey, as.kzChamber, notBodyOrKgAdmin],
  [ops.rotateSigningKey, as.outsider, notBodyOrKgAdmin],
  [ops.rotateSigningKey, as.removedAccount, notBodyOrKgAdmin],
  [ops.rotateSigningKey, as.removedAdmin, notBodyOrKgAdmin],
  [ops.rotateSigningKey, as.kgBodySuspended, bodyNotActive],
  [ops.rotateSigningKey, as.kgAdminBodySuspended, bodyNotActive],
  [ops.rotateSigningKey, as.kgBodyPartySuspended, kgNotActive],
  [ops.rotateSigningKey, as.kgAdminPartySuspended, kgNotActive],
  // --- compromiseSigningKey: an account of the key's authority or an admin of its party, even suspended ---
  [ops.compromiseSigningKey, as.kzAdmin, notBodyOrKgAdmin],
  [ops.compromiseSigningKey, as.kgLab, notBodyOrKgAdmin],
  [ops.compromiseSigningKey, as.kzChamber, notBodyOrKgAdmin],
  [ops.compromiseSigningKey, as.outsider, notBodyOrKgAdmin],
  [ops.compromiseSigningKey, as.removedAccount, notBodyOrKgAdmin],
  [ops.compromiseSigningKey, as.removedAdmin, notBodyOrKgAdmin],
  // --- anchorCertificate: an account of an active authority of an active party, type in scope ---
  [ops.anchorCertificate, as.kgAdmin, notAuthority],
  [ops.anchorCertificate, as.kzAdmin, notAuthority],
  [ops.anchorCertificate, as.outsider, notAuthority],
  [ops.anchorCertificate, as.removedAccount, notAuthority],
  [ops.anchorCertificate, as.kgLab, conformityNotInScopeOf("kgLab")],
  [ops.anchorCertificate, as.kzChamber, conformityNotInScopeOf("kzChamber")],
  [ops.anchorCertificate, as.kgBodySuspended, bodyNotActive],
  [ops.anchorCertificate, as.kgBodyPartySuspended, kgNotActive],
  // --- anchorBatch: as anchorCertificate ---
  [ops.anchorBatch, as.kgAdmin, notAuthority],
  [ops.anchorBatch, as.kzAdmin, notAuthority],
  [ops.anchorBatch, as.outsider, notAuthority],
  [ops.anchorBatch, as.removedAccount, notAuthority],
  [ops.anchorBatch, as.kgLab, conformityNotInScopeOf("kgLab")],
  [ops.anchorBatch, as.kzChamber, conformityNotInScopeOf("kzChamber")],
  [ops.anchorBatch, as.kgBodySuspended, bodyNotActive],
  [ops.anchorBatch, as.kgBodyPartySuspended, kgNotActive],
  // --- suspendCertificate: an account of its authority or an admin of its party, even suspended ---
  [ops.suspendCertificate, as.kzAdmin, notBodyOrKgAdmin],
  [ops.suspendCertificate, as.kgLab, notBodyOrKgAdmin],
  [ops.suspendCertificate, as.kzChamber, notBodyOrKgAdmin],
  [ops.suspendCertificate, as.outsider, notBodyOrKgAdmin],
  [ops.suspendCertificate, as.removedAccount, notBodyOrKgAdmin],
  [ops.suspendCertificate, as.removedAdmin, notBodyOrKgAdmin],
  // --- reinstateCertificate: an account of its authority or an admin of its party, both active ---
  [ops.reinstateCertificate, as.kzAdmin, notBodyOrKgAdmin],
  [ops.reinstateCertificate, as.kgLab, notBodyOrKgAdmin],
  [ops.reinstateCertificate, as.kzChamber, notBodyOrKgAdmin],
  [ops.reinstateCertificate, as.outsider, notBodyOrKgAdmin],
  [ops.reinstateCertificate, as.removedAccount, notBodyOrKgAdmin],
  [ops.reinstateCertificate, as.removedAdmin, notBodyOrKgAdmin],
  [ops.reinstateCertificate, as.kgBodySuspended, bodyNotActive],
  [ops.reinstateCertificate, as.kgAdminBodySuspended, bodyNotActive],
  [ops.reinstateCertificate, as.kgBodyPartySuspended, kgNotActive],
  [ops.reinstateCertificate, as.kgAdminPartySuspended, kgNotActive],
  // --- revokeCertificate: an account of its authority or an admin of its party, even suspended ---
  [ops.revokeCertificate, as.kzAdmin, notBodyOrKgAdmin],
  [ops.revokeCertificate, as.kgLab, notBodyOrKgAdmin],
  [ops.revokeCertificate, as.kzChamber, notBodyOrKgAdmin],
  [ops.revokeCertificate, as.outsider, notBodyOrKgAdmin],
  [ops.revokeCertificate, as.removedAccount, notBodyOrKgAdmin],
  [ops.revokeCertificate, as.removedAdmin, notBodyOrKgAdmin],
  // --- suspendBatchedCertificate: as suspendCertificate ---
  [ops.suspendBatchedCertificate, as.kzAdmin, notBodyOrKgAdmin],
  [ops.suspendBatchedCertificate, as.kgLab, notBodyOrKgAdmin],
  [ops.suspendBatchedCertificate, as.kzChamber, notBodyOrKgAdmin],
  [ops.suspendBatchedCertificate, as.outsider, notBodyOrKgAdmin],
  [ops.suspendBatchedCertificate, as.removedAccount, notBodyOrKgAdmin],
  [ops.suspendBatchedCertificate, as.removedAdmin, notBodyOrKgAdmin],
  // --- reinstateBatchedCertificate: as reinstateCertificate ---
  [ops.reinstateBatchedCertificate, as.kzAdmin, notBodyOrKgAdmin],
  [ops.reinstateBatchedCertificate, as.kgLab, notBodyOrKgAdmin],
  [ops.reinstateBatchedCertificate, as.kzChamber, notBodyOrKgAdmin],
  [ops.reinstateBatchedCertificate, as.outsider, notBodyOrKgAdmin],
  [ops.reinstateBatchedCertificate, as.removedAccount, notBodyOrKgAdmin],
  [ops.reinstateBatchedCertificate, as.removedAdmin, notBodyOrKgAdmin],
  [ops.reinstateBatchedCertificate, as.kgBodySuspended, bodyNotActive],
  [ops.reinstateBatchedCertificate, as.kgAdminBodySuspended, bodyNotActive],
  [ops.reinstateBatchedCertificate, as.kgBodyPartySuspended, kgNotActive],
  [ops.reinstateBatchedCertificate, as.kgAdminPartySuspended, kgNotActive],
  // --- revokeBatchedCertificate: as revokeCertificate ---
  [ops.revokeBatchedCertificate, as.kzAdmin, notBodyOrKgAdmin],
  [ops.revokeBatchedCertificate, as.kgLab, notBodyOrKgAdmin],
  [ops.revokeBatchedCertificate, as.kzChamber, notBodyOrKgAdmin],
  [ops.revokeBatchedCertificate, as.outsider, notBodyOrKgAdmin],
  [ops.revokeBatchedCertificate, as.removedAccount, notBodyOrKgAdmin],
  [ops.revokeBatchedCertificate, as.removedAdmin, notBodyOrKgAdmin],
  // --- setPartyRecognition: an admin of the importer, while active ---
  [ops.setPartyRecognition, as.kzAdmin, notAdminOf(KG)],
  [ops.setPartyRecognition, as.kgBody, notAdminOf(KG)],
  [ops.setPartyRecognition, as.kzChamber, notAdminOf(KG)],
  [ops.setPartyRecognition, as.outsider, notAdminOf(KG)],
  [ops.setPartyRecognition, as.removedAdmin, notAdminOf(KG)],
  [ops.setPartyRecognition, as.kgAdminPartySuspended, kgNotActive],
  [ops.setNoPartyRecognition, as.outsider, notAdminOf(NO_PARTY)],
  // --- setAuthorityRecognition: an admin of the importer, while active ---
  [ops.setAuthorityRecognition, as.kzAdmin, notAdminOf(KG)],
  [ops.setAuthorityRecognition, as.kzChamber, notAdminOf(KG)],
  [ops.setAuthorityRecognition, as.kgBody, notAdminOf(KG)],
  [ops.setAuthorityRecognition, as.outsider, notAdminOf(KG)],
  [ops.setAuthorityRecognition, as.removedAdmin, notAdminOf(KG)],
  [ops.setAuthorityRecognition, as.kgAdminPartySuspended, kgNotActive],
];

/** [operation, right caller]: the call goes through and emits the operation's events. */
type Allowed = [Op, Caller];

const allowed: Allowed[] = [
  [ops.addPartyAdmin, as.kgAdmin],
  [ops.addPartyAdmin, as.kgAdmin2],
  [ops.removePartyAdmin, as.kgAdmin],
  [ops.removePartyAdmin, as.kgAdmin2],
  [ops.setPartyEncryptionKey, as.kgAdmin],
  [ops.setPartyEncryptionKey, as.kgAdmin2],
  [ops.setPartyNode, as.kgAdmin],
  [ops.setPartyNode, as.kgAdmin2],
  [ops.propose, as.kgAdmin],
  [ops.propose, as.uzAdmin],
  [ops.approve, as.kgAdmin],
  [ops.approve, as.kgAdmin2],
  [ops.approve, as.uzAdmin],
  [ops.execute, as.outsider],
  [ops.execute, as.kgBody],
  [ops.registerAuthority, as.kgAdmin],
  [ops.registerAuthority, as.kgAdmin2],
  [ops.updateAuthority, as.kgAdmin],
  [ops.updateAuthority, as.kgAdmin2],
  [ops.suspendAuthority, as.kgAdmin],
  [ops.suspendAuthority, as.kgAdminPartySuspended],
  [ops.reactivateAuthority, as.kgAdmin],
  [ops.addAuthorityAccount, as.kgAdmin],
  [ops.removeAuthorityAccount, as.kgAdmin],
  [ops.addSigningKey, as.kgBody],
  [ops.addSigningKey, as.kgBody2],
  [ops.addSigningKey, as.kgAdmin],
  [ops.rotateSigningKey, as.kgBody],
  [ops.rotateSigningKey, as.kgBody2],
  [ops.rotateSigningKey, as.kgAdmin],
  [ops.compromiseSigningKey, as.kgBody],
  [ops.compromiseSigningKey, as.kgBody2],
  [ops.compromiseSigningKey, as.kgAdmin],
  [ops.compromiseSigningKey, as.kgBodySuspended],
  [ops.compromiseSigningKey, as.kgAdminBodySuspended],
  [ops.compromiseSigningKey, as.kgBodyPartySuspended],
  [ops.compromiseSigningKey, as.kgAdminPartySuspended],
  [ops.anchorCertificate, as.kgBody],
  [ops.anchorCertificate, as.kgBody2],
  [ops.anchorBatch, as.kgBody],
  [ops.anchorBatch, as.kgBody2],
  [ops.suspendCertificate, as.kgBody],
  [ops.suspendCertificate, as.kgBody2],
  [ops.suspendCertificate, as.kgAdmin],
  [ops.suspendCertificate, as.kgBodySuspended],
  [ops.suspendCertificate, as.kgAdminBodySuspended],
  [ops.suspendCertificate, as.kgBodyPartySuspended],
  [ops.suspendCertificate, as.kgAdminPartySuspended],
  [ops.reinstateCertificate, as.kgBody],
  [ops.reinstateCertificate, as.kgBody2],
  [ops.reinstateCertificate, as.kgAdmin],
  [ops.revokeCertificate, as.kgBody],
  [ops.revokeCertificate, as.kgBody2],
  [ops.revokeCertificate, as.kgAdmin],
  [ops.revokeCertificate, as.kgBodySuspended],
  [ops.revokeCertificate, as.kgAdminBodySuspended],
  [ops.revokeCertificate, as.kgBodyPartySuspended],
  [ops.revokeCertificate, as.kgAdminPartySuspended],
  [ops.suspendBatchedCertificate, as.kgBody],
  [ops.suspendBatchedCertificate, as.kgBody2],
  [ops.suspendBatchedCertificate, as.kgAdmin],
  [ops.suspendBatchedCertificate, as.kgBodySuspended],
  [ops.suspendBatchedCertificate, as.kgAdminPartySuspended],
  [ops.reinstateBatchedCertificate, as.kgBody],
  [ops.reinstateBatchedCertificate, as.kgBody2],
  [ops.reinstateBatchedCertificate, as.kgAdmin],
  [ops.revokeBatchedCertificate, as.kgBody],
  [ops.revokeBatchedCertificate, as.kgBody2],
  [ops.revokeBatchedCertificate, as.kgAdmin],
  [ops.revokeBatchedCertificate, as.kgBodySuspended],
  [ops.revokeBatchedCertificate, as.kgAdminPartySuspended],
  [ops.setPartyRecognition, as.kgAdmin],
  [ops.setPartyRecognition, as.kgAdmin2],
  [ops.setAuthorityRecognition, as.kgAdmin],
  [ops.setAuthorityRecognition, as.kgAdmin2],
];

/** Every state-changing external function of the ledger, in the order of the report. */
const FUNCTIONS = [
  "addPartyAdmin",
  "removePartyAdmin",
  "setPartyEncryptionKey",
  "setPartyNode",
  "propose",
  "approve",
  "execute",
  "registerAuthority",
  "updateAuthority",
  "suspendAuthority",
  "reactivateAuthority",
  "addAuthorityAccount",
  "removeAuthorityAccount",
  "addSigningKey",
  "rotateSigningKey",
  "compromiseSigningKey",
  "anchorCertificate",
  "anchorBatch",
  "suspendCertificate",
  "reinstateCertificate",
  "revokeCertificate",
  "suspendBatchedCertificate",
  "reinstateBatchedCertificate",
  "revokeBatchedCertificate",
  "setPartyRecognition",
  "setAuthorityRecognition",
] as const;

// ---------------------------------------------------------------------------------------------------------------

describe("Access control", function () {
  it("the matrix covers every state-changing function of the ledger, each with a right caller", function () {
    const stateChanging = CertificateLedger__factory.abi
      .filter((item) => item.type === "function" && item.stateMutability !== "view" && item.stateMutability !== "pure")
      .map((item) => ("name" in item ? item.name : ""));
    expect([...stateChanging].sort()).to.deep.equal([...FUNCTIONS].sort());
    for (const fn of FUNCTIONS) {
      expect(allowed.some(([op]) => op.fn === fn), `${fn} has no right caller in the matrix`).to.equal(true);
      if (fn !== "execute") expect(denied.some(([op]) => op.fn === fn), `${fn} has no wrong caller in the matrix`).to.equal(true);
    }
  });

  for (const fn of FUNCTIONS) {
    describe(fn, function () {
      for (const [op, caller, expected, scene] of denied.filter(([o]) => o.fn === fn)) {
        it(`${caller.label} cannot ${op.does}`, async function () {
          const c = await loadFixture(scene ?? caller.scene ?? op.scene ?? activeScene);
          const signer = caller.pick(c);
          const [error, args] = expected(c, signer);
          await expect(op.send(c.ledger.connect(signer), c))
            .to.be.revertedWithCustomError(c.ledger, error)
            .withArgs(...args);
        });
      }

      for (const [op, caller] of allowed.filter(([o]) => o.fn === fn)) {
        it(`${caller.label} can ${op.does}`, async function () {
          const c = await loadFixture(caller.scene ?? op.scene ?? activeScene);
          const signer = caller.pick(c);
          if (op.emits === undefined) throw new Error(`${op.does}: no events to expect`);
          const at = BigInt(await time.latest()) + 1n;
          await time.setNextBlockTimestamp(at);
          const tx = await op.send(c.ledger.connect(signer), c);
          for (const [event, args] of op.emits(c, signer, at)) {
            await expect(tx)
              .to.emit(c.ledger, event)
              .withArgs(...args);
          }
        });
      }
    });
  }
});

// ===============================================================================================================
// The origin registry (contracts/origin/OriginRegistry.sol), beside the ledger: the same matrix over its functions.
//
// Every target is KG's again: KG's origin authority (authority 5, accounts kgOrigin and kgOrigin2, its scope the
// declaration types 5 and 6), the exporter it registered (registration 1, with a signing key), a second registration
// it suspended (2), agreement 1 (KG-KZ, in force) and agreement 2 (UZ-KG, proposed by UZ, awaiting KG). The wrong
// callers add KZ's origin authority (authority 6, the same scope, for KZ's traders) to the ledger's.
// ===============================================================================================================

/** The ledger's certificate types of declarations of origin: an exporter's (5) and an importer's (6). */
const EXPORTER_DECLARATION = 5;
const IMPORTER_DECLARATION = 6;
/** TraderKind.Exporter; a proof set of an exporter's declaration. */
const EXPORTER = 1;
const EXPORTER_DECLARATION_PROOF = 2;

/** {@link activeScene} plus the origin registry the deployment put beside the ledger, with KG's and KZ's origin authorities. */
async function originScene() {
  const c = await loadFixture(activeScene);
  const { ledger, deployment, deployer, signers, kgAdmin, kzAdmin, uzAdmin } = c;
  const origin = OriginRegistry__factory.connect(deployment.origin!.address, deployer);
  const [kgOrigin, kgOrigin2, kzOrigin] = signers.slice(14, 17);
  const scope = types(EXPORTER_DECLARATION, IMPORTER_DECLARATION);
  const authorityUntil = c.now + 5n * Y;
  await ledger.connect(kgAdmin).registerAuthority(KG, "KG export promotion centre", [kgOrigin.address, kgOrigin2.address], scope, c.now, authorityUntil);
  await ledger.connect(kzAdmin).registerAuthority(KZ, "KZ registered traders' office", [kzOrigin.address], scope, c.now, authorityUntil);
  const originIds = { kg: 5, kz: 6 } as const;

  await origin.connect(kgAdmin).proposeAgreement("KG-KZ", "Kyrgyzstan–Kazakhstan free trade agreement", [KG, KZ], KG);
  await origin.connect(kzAdmin).approveAgreement(1, KZ);
  await origin.connect(uzAdmin).proposeAgreement("UZ-KG", "Uzbekistan–Kyrgyzstan free trade agreement", [UZ, KG], UZ);
  const agreements = { kgKz: 1, uzKg: 2 } as const;

  const from = BigInt(await time.latest());
  const trader = (number: string, validFrom: bigint) => ({
    authorityId: originIds.kg,
    kind: EXPORTER,
    number,
    headings: [813, 809],
    validFrom,
    validUntil: validFrom + 3n * Y,
    detailsDigest: randomHash(),
    publicDetails: "",
  });
  await origin.connect(kgOrigin).registerTrader(trader("KG-REX-000123", from));
  await origin.connect(kgOrigin).registerTrader(trader("KG-REX-000124", from));
  await origin.connect(kgOrigin).setRegistrationStatus(2, Status.Suspended);
  const registrations = { exporter: 1, suspended: 2 } as const;
  const traderKey = randomHash();
  await origin.connect(kgOrigin).addTraderKey(registrations.exporter, traderKey, from, from + Y);

  const now = BigInt(await time.latest());
  /** Fresh values for the calls under test, fixed per snapshot. */
  const originInput = { certHash: randomHash(), thumbprint: randomHash(), trader: trader("KG-REX-000200", now), from: now, until: now + Y };
  return { ...c, origin, kgOrigin, kgOrigin2, kzOrigin, originIds, agreements, registrations, traderKey, originNow: now, originInput };
}

type OriginCtx = Awaited<ReturnType<typeof originScene>>;
type OriginScene = () => Promise<OriginCtx>;

/** KG's admin suspended its origin authority. */
async function originAuthoritySuspendedScene(): Promise<OriginCtx> {
  const c = await loadFixture(originScene);
  await c.ledger.connect(c.kgAdmin).suspendAuthority(c.originIds.kg);
  return c;
}

/** The consortium suspended KG; its origin authority itself stays active. */
async function originPartySuspendedScene(): Promise<OriginCtx> {
  const c = await loadFixture(originScene);
  await suspendKG(c);
  return c;
}

/** KG removed its second admin and the origin authority's second account. */
async function originRemovedScene(): Promise<OriginCtx> {
  const c = await loadFixture(originScene);
  await c.ledger.connect(c.kgAdmin).removeAuthorityAccount(c.originIds.kg, c.kgOrigin2.address);
  await c.ledger.connect(c.kgAdmin).removePartyAdmin(KG, c.kgAdmin2.address);
  return c;
}

interface OriginCaller {
  label: string;
  pick: (c: OriginCtx) => Signer;
  scene?: OriginScene;
}

const onOrigin = {
  kgAdmin: as.kgAdmin,
  kgAdmin2: as.kgAdmin2,
  kzAdmin: as.kzAdmin,
  uzAdmin: as.uzAdmin,
  kgBody: { label: "an account of KG's certification body (no origin authority)", pick: (c) => c.kgBody },
  kgLab: as.kgLab,
  kzChamber: as.kzChamber,
  outsider: as.outsider,
  kgOrigin: { label: "an account of KG's origin authority", pick: (c) => c.kgOrigin },
  kgOrigin2: { label: "the origin authority's second account", pick: (c) => c.kgOrigin2 },
  kzOrigin: { label: "an account of another party's origin authority (KZ's)", pick: (c) => c.kzOrigin },
  kgOriginSuspended: {
    label: "the origin authority's account, while the authority is suspended,",
    pick: (c) => c.kgOrigin,
    scene: originAuthoritySuspendedScene,
  },
  kgOriginPartySuspended: {
    label: "the origin authority's account, while KG is suspended,",
    pick: (c) => c.kgOrigin,
    scene: originPartySuspendedScene,
  },
  kgAdminPartySuspended: { label: "KG's admin, while KG is suspended,", pick: (c) => c.kgAdmin, scene: originPartySuspendedScene },
  removedAdmin: { label: "a removed KG admin", pick: (c) => c.kgAdmin2, scene: originRemovedScene },
  removedOriginAccount: { label: "a removed account of the origin authority", pick: (c) => c.kgOrigin2, scene: originRemovedScene },
} satisfies Record<string, OriginCaller>;

interface OriginOp {
  fn: string;
  does: string;
  send: (origin: OriginRegistry, c: OriginCtx) => Promise<ContractTransactionResponse>;
  emits?: (c: OriginCtx, caller: Signer, at: bigint) => Emitted[];
  scene?: OriginScene;
}

const originOps = {
  // Agreements
  proposeAgreement: {
    fn: "proposeAgreement",
    does: "propose an agreement of KG, KZ and UZ in KG's name",
    send: (o) => o.proposeAgreement("KG-KZ-UZ", "Trilateral agreement", [KG, KZ, UZ], KG),
    emits: () => [
      ["AgreementProposed", [3, "KG-KZ-UZ", "Trilateral agreement", [KG, KZ, UZ], KG]],
      ["AgreementApproved", [3, KG]],
    ],
  },
  proposeAgreementForNoParty: {
    fn: "proposeAgreement",
    does: "propose an agreement in the name of the empty party code 0x0000",
    send: (o) => o.proposeAgreement("KG-KZ-UZ", "Trilateral agreement", [KG, KZ, UZ], NO_PARTY),
  },
  approveAgreement: {
    fn: "approveAgreement",
    does: "approve UZ-KG for KG, bringing it into force",
    send: (o, c) => o.approveAgreement(c.agreements.uzKg, KG),
    emits: (c) => [
      ["AgreementApproved", [c.agreements.uzKg, KG]],
      ["AgreementInForce", [c.agreements.uzKg]],
    ],
  },
  withdrawAgreement: {
    fn: "withdrawAgreement",
    does: "withdraw UZ-KG, still proposed, for KG",
    send: (o, c) => o.withdrawAgreement(c.agreements.uzKg, KG),
    emits: (c) => [["AgreementWithdrawn", [c.agreements.uzKg, KG]]],
  },
  // Registrations
  registerTrader: {
    fn: "registerTrader",
    does: "register an exporter with KG's origin authority",
    send: (o, c) => o.registerTrader(c.originInput.trader),
    emits: (c) => [["TraderRegistered", [3, KG, (r: { number: string }) => r.number === c.originInput.trader.number]]],
  },
  suspendRegistration: {
    fn: "setRegistrationStatus",
    does: "suspend KG's exporter's registration",
    send: (o, c) => o.setRegistrationStatus(c.registrations.exporter, Status.Suspended),
    emits: (c, _s, at) => [["RegistrationStatusChanged", [c.registrations.exporter, Status.Suspended, at]]],
  },
  reinstateRegistration: {
    fn: "setRegistrationStatus",
    does: "reinstate KG's suspended registration",
    send: (o, c) => o.setRegistrationStatus(c.registrations.suspended, Status.Active),
    emits: (c, _s, at) => [["RegistrationStatusChanged", [c.registrations.suspended, Status.Active, at]]],
  },
  revokeRegistration: {
    fn: "setRegistrationStatus",
    does: "revoke KG's exporter's registration",
    send: (o, c) => o.setRegistrationStatus(c.registrations.exporter, Status.Revoked),
    emits: (c, _s, at) => [["RegistrationStatusChanged", [c.registrations.exporter, Status.Revoked, at]]],
  },
  addTraderKey: {
    fn: "addTraderKey",
    does: "add a signing key to KG's exporter",
    send: (o, c) => o.addTraderKey(c.registrations.exporter, c.originInput.thumbprint, c.originInput.from, c.originInput.until),
    emits: (c) => [["TraderKeyAdded", [c.registrations.exporter, c.originInput.thumbprint, c.originInput.from, c.originInput.until]]],
  },
  revokeTraderKey: {
    fn: "revokeTraderKey",
    does: "revoke KG's exporter's signing key",
    send: (o, c) => o.revokeTraderKey(c.registrations.exporter, c.traderKey, c.originNow),
    emits: (c) => [["TraderKeyRevoked", [c.registrations.exporter, c.traderKey, c.originNow]]],
  },
  // Declarations and recognition
  recordDeclaration: {
    fn: "recordDeclaration",
    does: "record a declaration of KG's exporter under KG-KZ",
    send: (o, c) => o.recordDeclaration(c.originInput.certHash, c.registrations.exporter, c.agreements.kgKz, KZ, [813]),
    emits: (c) => [
      ["DeclarationRecorded", [c.originInput.certHash, c.registrations.exporter, c.agreements.kgKz, c.originIds.kg, KG, KZ]],
    ],
  },
  setAgreementRecognition: {
    fn: "setAgreementRecognition",
    does: "set which proofs KG accepts from KZ under KG-KZ",
    send: (o, c) =>
      o.setAgreementRecognition(KG, KZ, c.agreements.kgKz, EXPORTER_DECLARATION_PROOF, c.originInput.from, c.originInput.until),
    emits: (c) => [
      ["AgreementRecognitionSet", [KG, KZ, c.agreements.kgKz, EXPORTER_DECLARATION_PROOF, c.originInput.from, c.originInput.until]],
    ],
  },
} satisfies Record<string, OriginOp>;

type OriginExpected = (c: OriginCtx, caller: Signer) => [error: string, args: unknown[]];

const notOriginAdminOf =
  (party: string): OriginExpected =>
  (_c, s) => ["OriginNotPartyAdmin", [s.address, party]];
const notRegistrarOf =
  (registration: "exporter" | "suspended"): OriginExpected =>
  (c, s) => ["OriginNotRegistrar", [s.address, c.registrations[registration]]];
/** Not an account of KG's origin authority while it and KG are active with the exporter's declaration type in scope. */
const notOriginAuthority: OriginExpected = (c, s) => ["OriginNotOriginAuthority", [s.address, c.originIds.kg, EXPORTER_DECLARATION]];

/** [operation, wrong caller, expected error]. */
const originDenied: [OriginOp, OriginCaller, OriginExpected][] = [
  // --- proposeAgreement: an admin of the proposing party, while active ---
  [originOps.proposeAgreement, onOrigin.kzAdmin, notOriginAdminOf(KG)],
  [originOps.proposeAgreement, onOrigin.uzAdmin, notOriginAdminOf(KG)],
  [originOps.proposeAgreement, onOrigin.kgBody, notOriginAdminOf(KG)],
  [originOps.proposeAgreement, onOrigin.kgOrigin, notOriginAdminOf(KG)],
  [originOps.proposeAgreement, onOrigin.kzOrigin, notOriginAdminOf(KG)],
  [originOps.proposeAgreement, onOrigin.outsider, notOriginAdminOf(KG)],
  [originOps.proposeAgreement, onOrigin.removedAdmin, notOriginAdminOf(KG)],
  [originOps.proposeAgreement, onOrigin.kgAdminPartySuspended, notOriginAdminOf(KG)],
  [originOps.proposeAgreementForNoParty, onOrigin.outsider, notOriginAdminOf(NO_PARTY)],
  // --- approveAgreement: an admin of the approving party, while active ---
  [originOps.approveAgreement, onOrigin.kzAdmin, notOriginAdminOf(KG)],
  [originOps.approveAgreement, onOrigin.uzAdmin, notOriginAdminOf(KG)],
  [originOps.approveAgreement, onOrigin.kgBody, notOriginAdminOf(KG)],
  [originOps.approveAgreement, onOrigin.kgOrigin, notOriginAdminOf(KG)],
  [originOps.approveAgreement, onOrigin.kzOrigin, notOriginAdminOf(KG)],
  [originOps.approveAgreement, onOrigin.outsider, notOriginAdminOf(KG)],
  [originOps.approveAgreement, onOrigin.removedAdmin, notOriginAdminOf(KG)],
  [originOps.approveAgreement, onOrigin.kgAdminPartySuspended, notOriginAdminOf(KG)],
  // --- withdrawAgreement: an admin of the withdrawing party (even while it is suspended: withdrawing reduces nothing) ---
  [originOps.withdrawAgreement, onOrigin.kzAdmin, notOriginAdminOf(KG)],
  [originOps.withdrawAgreement, onOrigin.uzAdmin, notOriginAdminOf(KG)],
  [originOps.withdrawAgreement, onOrigin.kgBody, notOriginAdminOf(KG)],
  [originOps.withdrawAgreement, onOrigin.kgOrigin, notOriginAdminOf(KG)],
  [originOps.withdrawAgreement, onOrigin.outsider, notOriginAdminOf(KG)],
  [originOps.withdrawAgreement, onOrigin.removedAdmin, notOriginAdminOf(KG)],
  // --- registerTrader: an account of the origin authority, it and its party active, the type in scope ---
  [originOps.registerTrader, onOrigin.kgAdmin, notOriginAuthority],
  [originOps.registerTrader, onOrigin.kgAdmin2, notOriginAuthority],
  [originOps.registerTrader, onOrigin.kzAdmin, notOriginAuthority],
  [originOps.registerTrader, onOrigin.kgBody, notOriginAuthority],
  [originOps.registerTrader, onOrigin.kgLab, notOriginAuthority],
  [originOps.registerTrader, onOrigin.kzChamber, notOriginAuthority],
  [originOps.registerTrader, onOrigin.kzOrigin, notOriginAuthority],
  [originOps.registerTrader, onOrigin.outsider, notOriginAuthority],
  [originOps.registerTrader, onOrigin.removedOriginAccount, notOriginAuthority],
  [originOps.registerTrader, onOrigin.kgOriginSuspended, notOriginAuthority],
  [originOps.registerTrader, onOrigin.kgOriginPartySuspended, notOriginAuthority],
  // --- setRegistrationStatus: an account of the registration's authority or an admin of its party ---
  [originOps.suspendRegistration, onOrigin.kzAdmin, notRegistrarOf("exporter")],
  [originOps.suspendRegistration, onOrigin.uzAdmin, notRegistrarOf("exporter")],
  [originOps.suspendRegistration, onOrigin.kgBody, notRegistrarOf("exporter")],
  [originOps.suspendRegistration, onOrigin.kzChamber, notRegistrarOf("exporter")],
  [originOps.suspendRegistration, onOrigin.kzOrigin, notRegistrarOf("exporter")],
  [originOps.suspendRegistration, onOrigin.outsider, notRegistrarOf("exporter")],
  [originOps.suspendRegistration, onOrigin.removedAdmin, notRegistrarOf("exporter")],
  [originOps.suspendRegistration, onOrigin.removedOriginAccount, notRegistrarOf("exporter")],
  [originOps.reinstateRegistration, onOrigin.kzAdmin, notRegistrarOf("suspended")],
  [originOps.reinstateRegistration, onOrigin.kgBody, notRegistrarOf("suspended")],
  [originOps.reinstateRegistration, onOrigin.kzOrigin, notRegistrarOf("suspended")],
  [originOps.reinstateRegistration, onOrigin.outsider, notRegistrarOf("suspended")],
  [originOps.reinstateRegistration, onOrigin.removedAdmin, notRegistrarOf("suspended")],
  [originOps.reinstateRegistration, onOrigin.removedOriginAccount, notRegistrarOf("suspended")],
  [originOps.revokeRegistration, onOrigin.kzAdmin, notRegistrarOf("exporter")],
  [originOps.revokeRegistration, onOrigin.kgBody, notRegistrarOf("exporter")],
  [originOps.revokeRegistration, onOrigin.kzOrigin, notRegistrarOf("exporter")],
  [originOps.revokeRegistration, onOrigin.outsider, notRegistrarOf("exporter")],
  // --- addTraderKey: as setRegistrationStatus ---
  [originOps.addTraderKey, onOrigin.kzAdmin, notRegistrarOf("exporter")],
  [originOps.addTraderKey, onOrigin.uzAdmin, notRegistrarOf("exporter")],
  [originOps.addTraderKey, onOrigin.kgBody, notRegistrarOf("exporter")],
  [originOps.addTraderKey, onOrigin.kzChamber, notRegistrarOf("exporter")],
  [originOps.addTraderKey, onOrigin.kzOrigin, notRegistrarOf("exporter")],
  [originOps.addTraderKey, onOrigin.outsider, notRegistrarOf("exporter")],
  [originOps.addTraderKey, onOrigin.removedAdmin, notRegistrarOf("exporter")],
  [originOps.addTraderKey, onOrigin.removedOriginAccount, notRegistrarOf("exporter")],
  // --- revokeTraderKey: as setRegistrationStatus ---
  [originOps.revokeTraderKey, onOrigin.kzAdmin, notRegistrarOf("exporter")],
  [originOps.revokeTraderKey, onOrigin.uzAdmin, notRegistrarOf("exporter")],
  [originOps.revokeTraderKey, onOrigin.kgBody, notRegistrarOf("exporter")],
  [originOps.revokeTraderKey, onOrigin.kzChamber, notRegistrarOf("exporter")],
  [originOps.revokeTraderKey, onOrigin.kzOrigin, notRegistrarOf("exporter")],
  [originOps.revokeTraderKey, onOrigin.outsider, notRegistrarOf("exporter")],
  [originOps.revokeTraderKey, onOrigin.removedAdmin, notRegistrarOf("exporter")],
  [originOps.revokeTraderKey, onOrigin.removedOriginAccount, notRegistrarOf("exporter")],
  // --- recordDeclaration: an account of the registration's authority (no party admin), it and its party active ---
  [originOps.recordDeclaration, onOrigin.kgAdmin, notRegistrarOf("exporter")],
  [originOps.recordDeclaration, onOrigin.kgAdmin2, notRegistrarOf("exporter")],
  [originOps.recordDeclaration, onOrigin.kzAdmin, notRegistrarOf("exporter")],
  [originOps.recordDeclaration, onOrigin.kgBody, notRegistrarOf("exporter")],
  [originOps.recordDeclaration, onOrigin.kgLab, notRegistrarOf("exporter")],
  [originOps.recordDeclaration, onOrigin.kzChamber, notRegistrarOf("exporter")],
  [originOps.recordDeclaration, onOrigin.kzOrigin, notRegistrarOf("exporter")],
  [originOps.recordDeclaration, onOrigin.outsider, notRegistrarOf("exporter")],
  [originOps.recordDeclaration, onOrigin.removedOriginAccount, notRegistrarOf("exporter")],
  [originOps.recordDeclaration, onOrigin.kgOriginSuspended, notOriginAuthority],
  [originOps.recordDeclaration, onOrigin.kgOriginPartySuspended, notOriginAuthority],
  // --- setAgreementRecognition: an admin of the importer, while active ---
  [originOps.setAgreementRecognition, onOrigin.kzAdmin, notOriginAdminOf(KG)],
  [originOps.setAgreementRecognition, onOrigin.uzAdmin, notOriginAdminOf(KG)],
  [originOps.setAgreementRecognition, onOrigin.kgBody, notOriginAdminOf(KG)],
  [originOps.setAgreementRecognition, onOrigin.kgOrigin, notOriginAdminOf(KG)],
  [originOps.setAgreementRecognition, onOrigin.kzChamber, notOriginAdminOf(KG)],
  [originOps.setAgreementRecognition, onOrigin.kzOrigin, notOriginAdminOf(KG)],
  [originOps.setAgreementRecognition, onOrigin.outsider, notOriginAdminOf(KG)],
  [originOps.setAgreementRecognition, onOrigin.removedAdmin, notOriginAdminOf(KG)],
  [originOps.setAgreementRecognition, onOrigin.kgAdminPartySuspended, notOriginAdminOf(KG)],
];

/** [operation, right caller]. */
const originAllowed: [OriginOp, OriginCaller][] = [
  [originOps.proposeAgreement, onOrigin.kgAdmin],
  [originOps.proposeAgreement, onOrigin.kgAdmin2],
  [originOps.approveAgreement, onOrigin.kgAdmin],
  [originOps.approveAgreement, onOrigin.kgAdmin2],
  [originOps.withdrawAgreement, onOrigin.kgAdmin],
  [originOps.withdrawAgreement, onOrigin.kgAdminPartySuspended],
  [originOps.registerTrader, onOrigin.kgOrigin],
  [originOps.registerTrader, onOrigin.kgOrigin2],
  [originOps.suspendRegistration, onOrigin.kgOrigin],
  [originOps.suspendRegistration, onOrigin.kgOrigin2],
  [originOps.suspendRegistration, onOrigin.kgAdmin],
  [originOps.suspendRegistration, onOrigin.kgAdmin2],
  // Suspending is a safety action: open even to a suspended authority and a suspended party's admin.
  [originOps.suspendRegistration, onOrigin.kgOriginSuspended],
  [originOps.suspendRegistration, onOrigin.kgOriginPartySuspended],
  [originOps.suspendRegistration, onOrigin.kgAdminPartySuspended],
  [originOps.reinstateRegistration, onOrigin.kgOrigin],
  [originOps.reinstateRegistration, onOrigin.kgOrigin2],
  [originOps.reinstateRegistration, onOrigin.kgAdmin],
  [originOps.revokeRegistration, onOrigin.kgOrigin],
  [originOps.revokeRegistration, onOrigin.kgAdmin],
  [originOps.revokeRegistration, onOrigin.kgOriginSuspended],
  [originOps.revokeRegistration, onOrigin.kgAdminPartySuspended],
  [originOps.addTraderKey, onOrigin.kgOrigin],
  [originOps.addTraderKey, onOrigin.kgOrigin2],
  [originOps.addTraderKey, onOrigin.kgAdmin],
  [originOps.addTraderKey, onOrigin.kgAdmin2],
  [originOps.revokeTraderKey, onOrigin.kgOrigin],
  [originOps.revokeTraderKey, onOrigin.kgOrigin2],
  [originOps.revokeTraderKey, onOrigin.kgAdmin],
  [originOps.revokeTraderKey, onOrigin.kgOriginSuspended],
  [originOps.revokeTraderKey, onOrigin.kgAdminPartySuspended],
  [originOps.recordDeclaration, onOrigin.kgOrigin],
  [originOps.recordDeclaration, onOrigin.kgOrigin2],
  [originOps.setAgreementRecognition, onOrigin.kgAdmin],
  [originOps.setAgreementRecognition, onOrigin.kgAdmin2],
];

/** Every state-changing external function of the origin registry. */
const ORIGIN_FUNCTIONS = [
  "proposeAgreement",
  "approveAgreement",
  "withdrawAgreement",
  "registerTrader",
  "setRegistrationStatus",
  "addTraderKey",
  "revokeTraderKey",
  "recordDeclaration",
  "setAgreementRecognition",
] as const;

describe("Access control: OriginRegistry", function () {
  it("the matrix covers every state-changing function of the origin registry, each with a right and a wrong caller", function () {
    // (The registry has no pure function today, hence the widened comparison.)
    const readOnly: string[] = ["view", "pure"];
    const stateChanging = OriginRegistry__factory.abi
      .filter((item) => item.type === "function" && !readOnly.includes(item.stateMutability))
      .map((item) => ("name" in item ? item.name : ""));
    expect([...stateChanging].sort()).to.deep.equal([...ORIGIN_FUNCTIONS].sort());
    for (const fn of ORIGIN_FUNCTIONS) {
      expect(originAllowed.some(([op]) => op.fn === fn), `${fn} has no right caller in the matrix`).to.equal(true);
      expect(originDenied.some(([op]) => op.fn === fn), `${fn} has no wrong caller in the matrix`).to.equal(true);
    }
  });

  for (const fn of ORIGIN_FUNCTIONS) {
    describe(fn, function () {
      for (const [op, caller, expected] of originDenied.filter(([o]) => o.fn === fn)) {
        it(`${caller.label} cannot ${op.does}`, async function () {
          const c = await loadFixture(caller.scene ?? op.scene ?? originScene);
          const signer = caller.pick(c);
          const [error, args] = expected(c, signer);
          await expect(op.send(c.origin.connect(signer), c))
            .to.be.revertedWithCustomError(c.origin, error)
            .withArgs(...args);
        });
      }

      for (const [op, caller] of originAllowed.filter(([o]) => o.fn === fn)) {
        it(`${caller.label} can ${op.does}`, async function () {
          const c = await loadFixture(caller.scene ?? op.scene ?? originScene);
          const signer = caller.pick(c);
          if (op.emits === undefined) throw new Error(`${op.does}: no events to expect`);
          const at = BigInt(await time.latest()) + 1n;
          await time.setNextBlockTimestamp(at);
          const tx = await op.send(c.origin.connect(signer), c);
          for (const [event, args] of op.emits(c, signer, at)) {
            await expect(tx)
              .to.emit(c.origin, event)
              .withArgs(...args);
          }
        });
      }
    });
  }
});
