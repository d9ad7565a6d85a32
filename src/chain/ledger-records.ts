import type {
  AuthorityStructOutput,
  BatchStructOutput,
  CertificateRecordStructOutput,
  PartyStructOutput,
  ProposalStructOutput,
  SigningKeyStructOutput,
} from "../../typechain-types/contracts/interfaces/ICertificateLedger";
import { bytes2ToPartyCode, type PartyCode } from "./party-code";
import { algFromBytes16, nonZero } from "./values";

/**
 * The ledger's records as plain typed objects: ids, types and counts as numbers, times and bit sets as bigints,
 * enums as their Solidity names, party codes as "KG".
 */

export const CERTIFICATE_STATUSES = ["None", "Active", "Suspended", "Revoked"] as const;
export const CERTIFICATE_STATES = ["Unknown", "Active", "Suspended", "Revoked", "Expired"] as const;
export const PARTY_STATUSES = ["None", "Active", "Suspended"] as const;
export const AUTHORITY_STATUSES = ["None", "Active", "Suspended"] as const;
export const PROPOSAL_KINDS = ["AdmitParty", "SuspendParty", "ReinstateParty", "SetThreshold"] as const;

/** A certificate's stored status. */
export type CertificateStatusName = (typeof CERTIFICATE_STATUSES)[number];
/** What a certificate is at a given time. */
export type CertificateStateName = (typeof CERTIFICATE_STATES)[number];
/** What a consortium proposal does. */
export type ProposalKindName = (typeof PROPOSAL_KINDS)[number];

/** A certificate's record. */
export interface CertificateRecord {
  certHash: string;
  authorityId: number;
  certType: number;
  status: CertificateStatusName;
  /** The RFC 5280 reason, when revoked. */
  revocationReason: number | undefined;
  issuedAt: bigint;
  validUntil: bigint;
  /** Start of the current suspension, effective time of the revocation, or time of the last reinstatement. */
  statusChangedAt: bigint;
}

/** An anchored Merkle batch. */
export interface BatchRecord {
  root: string;
  authorityId: number;
  certType: number;
  leafCount: number;
  issuedAt: bigint;
}

/** An issuing authority. */
export interface AuthorityRecord {
  id: number;
  party: PartyCode;
  status: "Active" | "Suspended";
  name: string;
  /** Bit set of the certificate types it may issue (bit t = type t). */
  scope: bigint;
  validFrom: bigint;
  validUntil: bigint;
}

/** A signing key of an authority. */
export interface SigningKeyRecord {
  thumbprint: string;
  authorityId: number;
  alg: string;
  validFrom: bigint;
  validUntil: bigint;
  /** Signatures made at or after this time are invalid; undefined when the key was never compromised. */
  compromisedAt: bigint | undefined;
}

/** A party of the consortium. */
export interface PartyRecord {
  code: PartyCode;
  status: "Active" | "Suspended";
  adminCount: number;
  admittedAt: bigint;
  /** RFC 7638 thumbprint of its encryption key, when it registered one. */
  encryptionKeyThumbprint: string | undefined;
}

/** A party's IPFS node as it registered it on the ledger (`setPartyNode`). */
export interface PartyNode {
  /** Its libp2p peer id, e.g. "12D3KooW…". */
  peerId: string;
  /** The multiaddr other parties' nodes dial, e.g. "/dns4/ipfs.example.kg/tcp/4001" (with or without /p2p/<peer id>). */
  multiaddr: string;
}

/** A consortium proposal. */
export interface ProposalRecord {
  id: bigint;
  kind: ProposalKindName;
  party: PartyCode | undefined;
  admin: string | undefined;
  threshold: number;
  approvals: number;
  executed: boolean;
  expiresAt: bigint;
}

const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

function nameOf<T extends readonly string[]>(names: T, value: bigint): T[number] {
  const name = names[Number(value)];
  if (name === undefined) throw new RangeError(`enum value ${value} is not one of ${names.join(", ")}`);
  return name;
}

/** The certificate record, or undefined when the ledger has none. */
export function toCertificateRecord(certHash: string, r: CertificateRecordStructOutput): CertificateRecord | undefined {
  const status = nameOf(CERTIFICATE_STATUSES, r.status);
  if (status === "None") return undefined;
  return {
    certHash: certHash.toLowerCase(),
    authorityId: Number(r.authorityId),
    certType: Number(r.certType),
    status,
    revocationReason: status === "Revoked" ? Number(r.revocationReason) : undefined,
    issuedAt: r.issuedAt,
    validUntil: r.validUntil,
    statusChangedAt: r.statusChangedAt,
  };
}

/** The state name of a `CertificateState` value. */
export function toCertificateState(value: bigint): CertificateStateName {
  return nameOf(CERTIFICATE_STATES, value);
}

/** The batch record, or undefined for an unknown root. */
export function toBatchRecord(root: string, b: BatchStructOutput): BatchRecord | undefined {
  if (b.authorityId === 0n) return undefined;
  return {
    root: root.toLowerCase(),
    authorityId: Number(b.authorityId),
    certType: Number(b.certType),
    leafCount: Number(b.leafCount),
    issuedAt: b.issuedAt,
  };
}

/** The authority record, or undefined for an unknown id. */
export function toAuthorityRecord(id: number, a: AuthorityStructOutput, name: string): AuthorityRecord | undefined {
  const status = nameOf(AUTHORITY_STATUSES, a.status);
  if (status === "None") return undefined;
  return { id, party: bytes2ToPartyCode(a.party), status, name, scope: a.scope, validFrom: a.validFrom, validUntil: a.validUntil };
}

/** The key record, or undefined for an unknown thumbprint. */
export function toSigningKeyRecord(thumbprint: string, k: SigningKeyStructOutput): SigningKeyRecord | undefined {
  if (k.authorityId === 0n) return undefined;
  return {
    thumbprint: thumbprint.toLowerCase(),
    authorityId: Number(k.authorityId),
    alg: algFromBytes16(k.alg),
    validFrom: k.validFrom,
    validUntil: k.validUntil,
    compromisedAt: k.compromisedAt === 0n ? undefined : k.compromisedAt,
  };
}

/** The party record, or undefined for an unknown code. */
export function toPartyRecord(code: PartyCode, p: PartyStructOutput): PartyRecord | undefined {
  const status = nameOf(PARTY_STATUSES, p.status);
  if (status === "None") return undefined;
  return {
    code,
    status,
    adminCount: Number(p.adminCount),
    admittedAt: p.admittedAt,
    encryptionKeyThumbprint: nonZero(p.encryptionKeyThumbprint),
  };
}

/** The proposal record, or undefined for an unknown id. */
export function toProposalRecord(id: bigint, p: ProposalStructOutput): ProposalRecord | undefined {
  if (p.expiresAt === 0n) return undefined;
  return {
    id,
    kind: nameOf(PROPOSAL_KINDS, p.kind),
    party: p.party === "0x0000" ? undefined : bytes2ToPartyCode(p.party),
    admin: p.admin === ZERO_ADDRESS ? undefined : p.admin,
    threshold: Number(p.threshold),
    approvals: Number(p.approvals),
    executed: p.executed,
    expiresAt: p.expiresAt,
  };
}
