// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Batch, BatchMember, CertificateRecord, CertificateState, CertificateStatus} from "./LedgerTypes.sol";

/// @title Certificates: anchoring one by one or as Merkle batches, and their status.
/// @notice `certHash` is the SHA-256 of the document bytes. An authority's account anchors; the issuing authority or
/// its party admin suspends, reinstates and revokes. A certificate inside a batch can have its status changed on its
/// own by presenting its Merkle proof; from then on it has a record of its own.
/// Every anchoring is its own record, written only by its own authority: a direct anchor is keyed by its certHash, a
/// batched certificate by its batch (root and authority) and leaf. The contract cannot see a batch's leaves, so the
/// same certHash may be anchored again later by another authority (directly, or in a batch); readers take the earliest
/// anchoring by block order as the certificate and report later ones as conflicts. Nothing another authority writes
/// can change the earliest one, nor stop its issuer from suspending, reinstating or revoking it.
interface ILedgerCertificates {
    /// @notice The certificate hash is zero.
    error LedgerZeroCertificateHash();
    /// @notice `certHash` is already anchored.
    error LedgerCertificateAlreadyAnchored(bytes32 certHash);
    /// @notice `certHash` is not anchored (or not proven to be in a batch).
    error LedgerUnknownCertificate(bytes32 certHash);
    /// @notice `validUntil` is not after now (`nowTime`).
    error LedgerInvalidCertificateValidity(uint64 validUntil, uint64 nowTime);
    /// @notice The Merkle root is zero.
    error LedgerZeroBatchRoot();
    /// @notice A batch must hold at least one certificate.
    error LedgerEmptyBatch();
    /// @notice Batch `root` is already anchored by `authorityId`.
    error LedgerBatchAlreadyAnchored(bytes32 root, uint32 authorityId);
    /// @notice `authorityId` anchored no batch with root `root`.
    error LedgerUnknownBatch(bytes32 root, uint32 authorityId);
    /// @notice The proof does not place `certHash` under the batch `root` of `authorityId`.
    error LedgerInvalidBatchProof(bytes32 root, uint32 authorityId, bytes32 certHash);
    /// @notice `certHash` has status `status`, which does not allow this change.
    error LedgerInvalidStatusChange(bytes32 certHash, CertificateStatus status);
    /// @notice `reason` is not an RFC 5280 revocation reason (0-5, 9, 10; 6 is a suspension, 8 is not a reason).
    error LedgerInvalidRevocationReason(uint8 reason);
    /// @notice `effectiveAt` is before issuance (`issuedAt`) or after now (`nowTime`).
    error LedgerInvalidRevocationTime(uint64 effectiveAt, uint64 issuedAt, uint64 nowTime);
    /// @notice A certificate cannot name itself as its replacement.
    error LedgerSelfReplacement(bytes32 certHash);

    /// @notice `authorityId` anchored `certHash` (type `certType`, valid until `validUntil`) whose certificate number
    /// hashes to `numberHash`; its encrypted payload is at IPFS `payloadCid`.
    event CertificateAnchored(
        bytes32 indexed certHash,
        bytes32 indexed numberHash,
        uint32 authorityId,
        uint8 certType,
        uint64 validUntil,
        bytes payloadCid
    );
    /// @notice `authorityId` anchored Merkle batch `root` of `leafCount` certificates of `certType`; the ordered
    /// list of its leaves is at IPFS `manifestCid`.
    event BatchAnchored(bytes32 indexed root, uint32 indexed authorityId, uint8 certType, uint32 leafCount, bytes manifestCid);
    /// @notice `certHash` of the batch `root` of `authorityId` got a record of its own, so its status can change on its own.
    event BatchedCertificateMaterialised(
        bytes32 indexed certHash,
        bytes32 indexed root,
        bytes32 indexed numberHash,
        uint32 authorityId
    );
    /// @notice The anchoring of `certHash` by `authorityId` was suspended: in batch `root`, or directly when `root` is zero.
    event CertificateSuspended(bytes32 indexed certHash, uint32 indexed authorityId, bytes32 root);
    /// @notice The anchoring of `certHash` by `authorityId` (in batch `root`, or directly when zero) was reinstated.
    event CertificateReinstated(bytes32 indexed certHash, uint32 indexed authorityId, bytes32 root);
    /// @notice The anchoring of `certHash` by `authorityId` (in batch `root`, or directly when zero) was revoked for
    /// RFC 5280 `reason`, effective at `effectiveAt`; `replacement` is its successor or zero.
    event CertificateRevoked(
        bytes32 indexed certHash,
        uint32 indexed authorityId,
        bytes32 root,
        uint8 reason,
        uint64 effectiveAt,
        bytes32 indexed replacement
    );

    /// @notice Anchors `certHash`. Only an account of an active authority of an active party, within the
    /// authority's validity period and scope, may call.
    /// @param numberHash keccak256 of the UTF-8 bytes of "<party>:<number>", e.g. "KG:KG-2025/0001": the issuing party's ISO 3166-1
    /// alpha-2 code, a colon, the number NFKC-normalised, upper-cased, NFKC-normalised again, whitespace runs folded to one space, trimmed.
    /// @param payloadCid The binary CID of the encrypted payload on IPFS (empty when there is none).
    function anchorCertificate(
        bytes32 certHash,
        uint8 certType,
        uint64 validUntil,
        bytes32 numberHash,
        bytes calldata payloadCid
    ) external;

    /// @notice Anchors the Merkle `root` of `leafCount` certificates of `certType`, whatever the count, in one
    /// transaction. Same caller rules as {anchorCertificate}. The batch is the caller's authority's: the same root
    /// anchored by another authority is another batch, whose leaves (which name their authority) it cannot prove.
    /// @param manifestCid The binary CID of the batch manifest (its leaves, in order) on IPFS.
    function anchorBatch(bytes32 root, uint8 certType, uint32 leafCount, bytes calldata manifestCid) external;

    /// @notice Suspends `certHash`. Only an account of its authority or an admin of its party may call.
    function suspendCertificate(bytes32 certHash) external;

    /// @notice Reinstates a suspended `certHash`. Only an account of its authority or an admin of its party may call,
    /// and only while both the authority and the party are active (suspending and revoking stay open to them regardless).
    function reinstateCertificate(bytes32 certHash) external;

    /// @notice Revokes `certHash` for good. Only an account of its authority or an admin of its party may call.
    /// @param reason RFC 5280 reason code. @param effectiveAt Not before issuance, not in the future.
    /// @param replacement The certHash that replaces it, or zero.
    function revokeCertificate(bytes32 certHash, uint8 reason, uint64 effectiveAt, bytes32 replacement) external;

    /// @notice Suspends a certificate of a batch, proven by `member`. Same caller rules as {suspendCertificate}.
    function suspendBatchedCertificate(BatchMember calldata member) external;

    /// @notice Reinstates a suspended certificate of a batch, proven by `member`. Same caller rules as {reinstateCertificate}.
    function reinstateBatchedCertificate(BatchMember calldata member) external;

    /// @notice Revokes a certificate of a batch, proven by `member`. Same caller rules as {revokeCertificate}.
    function revokeBatchedCertificate(
        BatchMember calldata member,
        uint8 reason,
        uint64 effectiveAt,
        bytes32 replacement
    ) external;

    /// @notice The record of the direct anchoring of `certHash` (status `None` when it was not anchored directly).
    function getCertificate(bytes32 certHash) external view returns (CertificateRecord memory);

    /// @notice The replacement named when the direct anchoring of `certHash` was revoked, or zero.
    function replacementOf(bytes32 certHash) external view returns (bytes32);

    /// @notice The record of a batched certificate: its own once its status changed, else its batch's (status Active);
    /// status `None` when the proof does not place it in the batch.
    function getBatchedCertificate(BatchMember calldata member) external view returns (CertificateRecord memory);

    /// @notice What the direct anchoring of `certHash` is at `time`: Unknown before issuance or when never anchored, Revoked from the
    /// revocation's effective time, Suspended during the current suspension, Expired after validUntil, else Active.
    function certificateStateAt(bytes32 certHash, uint64 time) external view returns (CertificateState);

    /// @notice The record of the batch `root` anchored by `authorityId` (authorityId 0 when unknown).
    function getBatch(bytes32 root, uint32 authorityId) external view returns (Batch memory);

    /// @notice The Merkle leaf of a certificate batched by `authorityId`, as `@openzeppelin/merkle-tree` computes it.
    function batchLeaf(
        bytes32 certHash,
        bytes32 numberHash,
        uint64 validUntil,
        uint32 authorityId
    ) external pure returns (bytes32);

    /// @notice Whether `member.proof` places the certificate under the batch `member.root` anchored by `member.authorityId`.
    function isBatchMember(BatchMember calldata member) external view returns (bool);

    /// @notice What a batched certificate is at `time` (see {certificateStateAt}); Unknown when the proof fails.
    function batchedCertificateStateAt(BatchMember calldata member, uint64 time) external view returns (CertificateState);
}
