/** The ledger client's calls of the contract's certificates and batches module (ILedgerCertificates): anchor, read, change status. */
import { CertLedgerError } from "../errors";
import type { BatchMember } from "../merkle/batch";
import type { LedgerCallsHost } from "./ledger-calls-host";
import type { AnchorBatchInput, AnchorCertificateInput, ReadOptions, RevocationInput, WriteResult } from "./ledger-inputs";
import {
  toBatchRecord,
  toCertificateRecord,
  toCertificateState,
  type BatchRecord,
  type CertificateRecord,
  type CertificateStateName,
} from "./ledger-records";
import { bytes32, cidBytes, nonZero, optionalBytes32, smallUint, uint64 } from "./values";

/** A batch member as the contract's BatchMember struct takes it, each field checked. */
function memberStruct(member: BatchMember) {
  if (!member || !Array.isArray(member.proof))
    throw new CertLedgerError("INVALID_CHAIN_ARGUMENT", "member: a batch member with a proof array");
  return {
    root: bytes32(member.root, "member.root"),
    authorityId: smallUint(member.authorityId, 32, "member.authorityId"),
    certHash: bytes32(member.certHash, "member.certHash"),
    numberHash: bytes32(member.numberHash, "member.numberHash"),
    validUntil: uint64(member.validUntil, "member.validUntil"),
    proof: member.proof.map((node, i) => bytes32(node, `member.proof[${i}]`)),
  };
}

/** A revocation's reason, effective time and replacement as the contract's functions take them. */
function revocationArgs(input: RevocationInput): [number, bigint, string] {
  return [
    smallUint(input.reason, 8, "reason"),
    uint64(input.effectiveAt, "effectiveAt"),
    optionalBytes32(input.replacement, "replacement"),
  ];
}

/** Installed on LedgerClient (ledger-client.ts): `this` is the client. */
export const certificateCalls = {
  /** Anchors one certificate. */
  async anchorCertificate(this: LedgerCallsHost, input: AnchorCertificateInput): Promise<WriteResult> {
    return this.connection.write("anchorCertificate", [
      bytes32(input.certHash, "certHash"),
      smallUint(input.certType, 8, "certType"),
      uint64(input.validUntil, "validUntil"),
      bytes32(input.numberHash, "numberHash"),
      cidBytes(input.payloadCid, "payloadCid"),
    ]);
  },

  /** Anchors the Merkle root of a batch. */
  async anchorBatch(this: LedgerCallsHost, input: AnchorBatchInput): Promise<WriteResult> {
    return this.connection.write("anchorBatch", [
      bytes32(input.root, "root"),
      smallUint(input.certType, 8, "certType"),
      smallUint(input.leafCount, 32, "leafCount"),
      cidBytes(input.manifestCid, "manifestCid"),
    ]);
  },

  /** Suspends a certificate anchored on its own. */
  async suspendCertificate(this: LedgerCallsHost, certHash: string): Promise<WriteResult> {
    return this.connection.write("suspendCertificate", [bytes32(certHash, "certHash")]);
  },

  /** Reinstates a suspended certificate. */
  async reinstateCertificate(this: LedgerCallsHost, certHash: string): Promise<WriteResult> {
    return this.connection.write("reinstateCertificate", [bytes32(certHash, "certHash")]);
  },

  /** Revokes a certificate for good. */
  async revokeCertificate(this: LedgerCallsHost, input: RevocationInput & { certHash: string }): Promise<WriteResult> {
    return this.connection.write("revokeCertificate", [bytes32(input.certHash, "certHash"), ...revocationArgs(input)]);
  },

  /** Suspends a certificate of a batch, proven by `member`. */
  async suspendBatchedCertificate(this: LedgerCallsHost, member: BatchMember): Promise<WriteResult> {
    return this.connection.write("suspendBatchedCertificate", [memberStruct(member)]);
  },

  /** Reinstates a suspended certificate of a batch, proven by `member`. */
  async reinstateBatchedCertificate(this: LedgerCallsHost, member: BatchMember): Promise<WriteResult> {
    return this.connection.write("reinstateBatchedCertificate", [memberStruct(member)]);
  },

  /** Revokes a certificate of a batch, proven by `member`. */
  async revokeBatchedCertificate(this: LedgerCallsHost, member: BatchMember, revocation: RevocationInput): Promise<WriteResult> {
    return this.connection.write("revokeBatchedCertificate", [memberStruct(member), ...revocationArgs(revocation)]);
  },

  /** The record of the direct anchoring of `certHash`, or undefined when it was not anchored on its own. */
  async getCertificate(this: LedgerCallsHost, certHash: string, options: ReadOptions = {}): Promise<CertificateRecord | undefined> {
    const hash = bytes32(certHash, "certHash");
    return toCertificateRecord(hash, await this.connection.view("getCertificate", [hash], options));
  },

  /** What `certHash` is at `time` (seconds). */
  async certificateStateAt(
    this: LedgerCallsHost,
    certHash: string,
    time: bigint,
    options: ReadOptions = {},
  ): Promise<CertificateStateName> {
    const args = [bytes32(certHash, "certHash"), uint64(time, "time")] as const;
    return toCertificateState(await this.connection.view("certificateStateAt", args, options));
  },

  /** What a batched certificate is at `time`; Unknown when its proof fails. */
  async batchedCertificateStateAt(
    this: LedgerCallsHost,
    member: BatchMember,
    time: bigint,
    options: ReadOptions = {},
  ): Promise<CertificateStateName> {
    const args = [memberStruct(member), uint64(time, "time")] as const;
    return toCertificateState(await this.connection.view("batchedCertificateStateAt", args, options));
  },

  /**
   * The record of a batched certificate (its own once its status changed, else its batch's), or undefined when the
   * proof does not place it in the batch of `member.root` and `member.authorityId`.
   */
  async getBatchedCertificate(
    this: LedgerCallsHost,
    member: BatchMember,
    options: ReadOptions = {},
  ): Promise<CertificateRecord | undefined> {
    return toCertificateRecord(member.certHash, await this.connection.view("getBatchedCertificate", [memberStruct(member)], options));
  },

  /** Whether `member.proof` places the certificate under an anchored batch. */
  async isBatchMember(this: LedgerCallsHost, member: BatchMember, options: ReadOptions = {}): Promise<boolean> {
    const struct = memberStruct(member);
    return this.connection.view("isBatchMember", [struct], options);
  },

  /** The batch anchored with `root` by `authorityId`, or undefined. */
  async getBatch(this: LedgerCallsHost, root: string, authorityId: number, options: ReadOptions = {}): Promise<BatchRecord | undefined> {
    const hash = bytes32(root, "root");
    return toBatchRecord(hash, await this.connection.view("getBatch", [hash, smallUint(authorityId, 32, "authorityId")], options));
  },

  /** The replacement named when the direct anchoring of `certHash` was revoked, or undefined. */
  async replacementOf(this: LedgerCallsHost, certHash: string, options: ReadOptions = {}): Promise<string | undefined> {
    const hash = bytes32(certHash, "certHash");
    return nonZero(await this.connection.view("replacementOf", [hash], options));
  },
};
