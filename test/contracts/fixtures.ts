/**
 * Named fixtures for the contract tests (`loadFixture` snapshots each one, so every test starts from the same chain).
 * The consortium: KG, KZ and UZ, threshold 2. Authorities: KG's certification body (conformity certificates and
 * test reports, two accounts), KG's test lab (test reports), KZ's chamber of commerce (certificates of origin),
 * UZ's plant-protection agency (phytosanitary certificates).
 */
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { deployLedger } from "../../src/chain/deploy";
import { partyCodeToBytes2 } from "../../src/chain/party-code";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { CertificateLedger__factory, type CertificateLedger } from "../../typechain-types";

export { loadFixture, time };

export const KG = partyCodeToBytes2("KG");
export const KZ = partyCodeToBytes2("KZ");
export const UZ = partyCodeToBytes2("UZ");
export const TJ = partyCodeToBytes2("TJ");

/** Certificate types as the ledger numbers them. */
export const CertType = { Conformity: 1, TestReport: 2, Origin: 3, Phytosanitary: 4 } as const;
/** The scope / recognition bit set of the given types. */
export const types = (...list: number[]): bigint => list.reduce((set, t) => set | (1n << BigInt(t)), 0n);

/** Enum values as the contracts define them. */
export const Status = { None: 0, Active: 1, Suspended: 2, Revoked: 3 } as const;
export const State = { Unknown: 0, Active: 1, Suspended: 2, Revoked: 3, Expired: 4 } as const;
export const Kind = { AdmitParty: 0, SuspendParty: 1, ReinstateParty: 2, SetThreshold: 3 } as const;

export type KindValue = (typeof Kind)[keyof typeof Kind];
export const NO_PARTY = "0x0000";
export const NO_ADMIN = ethers.ZeroAddress;

/** `proposer` proposes, returning the new proposal's id. */
export async function propose(
  ledger: CertificateLedger,
  proposer: HardhatEthersSigner,
  kind: KindValue,
  party: string = NO_PARTY,
  admin: string = NO_ADMIN,
  threshold = 0,
): Promise<bigint> {
  await ledger.connect(proposer).propose(kind, party, admin, threshold);
  return ledger.proposalCount();
}

/** `proposer` proposes, each of `approvers` approves, and the proposal is executed; returns its id. */
export async function pass(
  ledger: CertificateLedger,
  proposer: HardhatEthersSigner,
  approvers: HardhatEthersSigner[],
  kind: KindValue,
  party: string = NO_PARTY,
  admin: string = NO_ADMIN,
  threshold = 0,
): Promise<bigint> {
  const id = await propose(ledger, proposer, kind, party, admin, threshold);
  for (const approver of approvers) await ledger.connect(approver).approve(id);
  await ledger.execute(id);
  return id;
}

export const DAY = 24 * 3600;
export const YEAR = 365 * DAY;
export const PROPOSAL_LIFETIME = 7 * DAY;
export const ES256 = ethers.zeroPadBytes(ethers.toUtf8Bytes("ES256"), 16);

export const randomHash = (): string => ethers.hexlify(ethers.randomBytes(32));
/** A CIDv1 (raw, sha2-256) in binary, as anchoring takes it. */
export const randomCid = (): string => ethers.concat(["0x01551220", ethers.randomBytes(32)]);

/** The three bootstrap parties, threshold 2. */
export async function deployedLedger() {
  const signers = await ethers.getSigners();
  const [deployer, kgAdmin, kzAdmin, uzAdmin, kgAdmin2, outsider] = signers;
  const deployment = await deployLedger(deployer, {
    parties: [
      { code: "KG", admin: kgAdmin.address },
      { code: "KZ", admin: kzAdmin.address },
      { code: "UZ", admin: uzAdmin.address },
    ],
    threshold: 2,
    proposalLifetimeSeconds: PROPOSAL_LIFETIME,
  });
  const ledger = CertificateLedger__factory.connect(deployment.ledger.address, deployer);
  return { ledger, deployment, signers, deployer, kgAdmin, kzAdmin, uzAdmin, kgAdmin2, outsider };
}

/** {@link deployedLedger} plus one authority per party (two for KG), each with one ES256 key valid for a year. */
export async function withAuthorities() {
  const base = await loadFixture(deployedLedger);
  const { ledger, signers, kgAdmin, kzAdmin, uzAdmin } = base;
  const [kgBody, kgBody2, kgLab, kzChamber, uzPlant] = signers.slice(6, 11);
  const now = BigInt(await time.latest());
  const until = now + BigInt(5 * YEAR);
  await ledger
    .connect(kgAdmin)
    .registerAuthority(KG, "KG certification body", [kgBody.address, kgBody2.address], types(CertType.Conformity, CertType.TestReport), now, until);
  await ledger.connect(kgAdmin).registerAuthority(KG, "KG test laboratory", [kgLab.address], types(CertType.TestReport), now, until);
  await ledger.connect(kzAdmin).registerAuthority(KZ, "KZ chamber of commerce", [kzChamber.address], types(CertType.Origin), now, until);
  await ledger.connect(uzAdmin).registerAuthority(UZ, "UZ plant protection", [uzPlant.address], types(CertType.Phytosanitary), now, until);
  const ids = { kgBody: 1, kgLab: 2, kzChamber: 3, uzPlant: 4 } as const;
  const keys = { kgBody: randomHash(), kgLab: randomHash(), kzChamber: randomHash(), uzPlant: randomHash() };
  await ledger.connect(kgBody).addSigningKey(ids.kgBody, keys.kgBody, ES256, now, now + BigInt(YEAR));
  await ledger.connect(kgLab).addSigningKey(ids.kgLab, keys.kgLab, ES256, now, now + BigInt(YEAR));
  await ledger.connect(kzChamber).addSigningKey(ids.kzChamber, keys.kzChamber, ES256, now, now + BigInt(YEAR));
  await ledger.connect(uzPlant).addSigningKey(ids.uzPlant, keys.uzPlant, ES256, now, now + BigInt(YEAR));
  return { ...base, kgBody, kgBody2, kgLab, kzChamber, uzPlant, ids, keys };
}

/** {@link withAuthorities} plus one anchored conformity certificate of KG's certification body, valid for 90 days. */
export async function withCertificate() {
  const base = await loadFixture(withAuthorities);
  const certHash = randomHash();
  const numberHash = randomHash();
  const payloadCid = randomCid();
  const validUntil = BigInt(await time.latest()) + BigInt(90 * DAY);
  await base.ledger.connect(base.kgBody).anchorCertificate(certHash, CertType.Conformity, validUntil, numberHash, payloadCid);
  const issuedAt = BigInt(await time.latest());
  return { ...base, certHash, numberHash, payloadCid, validUntil, issuedAt };
}

/**
 * The Merkle leaf as the ledger hashes it: StandardMerkleTree over these types. Every leaf names the authority that
 * anchors the batch, so the same root anchored by another authority proves none of its certificates.
 */
export const BATCH_LEAF_TYPES = ["bytes32", "bytes32", "uint64", "uint32"];
/** A certificate to batch: [certHash, numberHash, validUntil]. */
export type BatchCert = [certHash: string, numberHash: string, validUntil: bigint];
/** A Merkle leaf: the certificate and the authority that batches it. */
export type BatchLeaf = [certHash: string, numberHash: string, validUntil: bigint, authorityId: number];
/** The ledger's `BatchMember` struct. */
export interface Member {
  root: string;
  authorityId: number;
  certHash: string;
  numberHash: string;
  validUntil: bigint;
  proof: string[];
}

/** `count` random certificates, all valid until `validUntil`. */
export const randomCerts = (count: number, validUntil: bigint): BatchCert[] =>
  Array.from({ length: count }, () => [randomHash(), randomHash(), validUntil]);

/** The Merkle batch of `certs` as `authorityId` would anchor it, with the `BatchMember` of each certificate. */
export function merkleBatch(authorityId: number, certs: readonly BatchCert[]) {
  const leaves: BatchLeaf[] = certs.map(([certHash, numberHash, validUntil]) => [certHash, numberHash, validUntil, authorityId]);
  const tree = StandardMerkleTree.of(leaves, BATCH_LEAF_TYPES);
  const member = (i: number): Member => ({
    root: tree.root,
    authorityId,
    certHash: leaves[i][0],
    numberHash: leaves[i][1],
    validUntil: leaves[i][2],
    proof: tree.getProof(i),
  });
  return { root: tree.root, tree, leaves, member };
}

/** {@link withAuthorities} plus a Merkle batch of 8 test reports anchored by KG's test lab. */
export async function withBatch() {
  const base = await loadFixture(withAuthorities);
  const validUntil = BigInt(await time.latest()) + BigInt(YEAR);
  const { tree, leaves, member } = merkleBatch(base.ids.kgLab, randomCerts(8, validUntil));
  const manifestCid = randomCid();
  await base.ledger.connect(base.kgLab).anchorBatch(tree.root, CertType.TestReport, leaves.length, manifestCid);
  const issuedAt = BigInt(await time.latest());
  return { ...base, tree, leaves, manifestCid, issuedAt, member };
}
